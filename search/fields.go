package search

// Field names usable in filters, facets and sorts. They are also the attribute names in the
// engines, so they never change without a new index version.
const (
	FieldType      = "type"
	FieldID        = "id"
	FieldCommunity = "community_id"
	FieldGrid      = "grid_id"
	FieldCategory  = "category"
	FieldStatus    = "status"
	FieldKind      = "kind"
	FieldTags      = "tags"
	FieldCreatedAt = "created_at"
	FieldEndsAt    = "ends_at"
	FieldAmount    = "amount"
)

// ValueType is the type of a field's values.
type ValueType int

// The value types. Times are compared and stored as Unix milliseconds.
const (
	ValueString ValueType = iota + 1
	ValueInt
	ValueTime
)

// FieldSpec describes one filterable field.
type FieldSpec struct {
	Name     string
	Value    ValueType
	Facet    bool // may be listed in Query.Facets
	Sortable bool // may be used in a field Sort
	Multi    bool // holds a list; Eq/In match when any element matches
}

// Fields lists every filterable field; anything else is an unknown field (a 400).
var Fields = []FieldSpec{
	{Name: FieldType, Value: ValueString, Facet: true},
	{Name: FieldID, Value: ValueInt, Sortable: true},
	{Name: FieldCommunity, Value: ValueInt, Facet: true},
	{Name: FieldGrid, Value: ValueInt, Facet: true},
	{Name: FieldCategory, Value: ValueString, Facet: true},
	{Name: FieldStatus, Value: ValueString, Facet: true},
	{Name: FieldKind, Value: ValueString, Facet: true},
	{Name: FieldTags, Value: ValueString, Facet: true, Multi: true},
	{Name: FieldCreatedAt, Value: ValueTime, Sortable: true},
	{Name: FieldEndsAt, Value: ValueTime, Sortable: true},
	{Name: FieldAmount, Value: ValueInt, Sortable: true},
}

// LookupField returns the spec of the named field.
func LookupField(name string) (FieldSpec, bool) {
	for _, f := range Fields {
		if f.Name == name {
			return f, true
		}
	}
	return FieldSpec{}, false
}
