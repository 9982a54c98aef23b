package search

import (
	"math"
	"time"
)

// Op is the kind of a Filter node.
type Op int

// Filter operators. The zero Filter (OpAll) matches every document.
const (
	OpAll       Op = iota // no condition
	OpEq                  // Field equals Values[0] (for a Multi field: any element equals it)
	OpIn                  // Field equals one of Values
	OpRange               // Min <= Field <= Max; either bound may be open
	OpAnd                 // every one of Filters
	OpOr                  // at least one of Filters
	OpNot                 // not Filters[0]; documents without the field match Not(Eq(…))
	OpGeoRadius           // Distance(Center, location) <= RadiusM
	OpGeoBox              // location inside Box
)

// Filter is a structured condition on Fields. Build it with the constructors (Eq, In, Range,
// And, Or, Not, Near, InBox); engines translate it into their own syntax, so callers never
// write an engine's filter language and values never need quoting.
type Filter struct {
	Op      Op
	Field   string
	Values  []any    // OpEq, OpIn: string, any Go integer or time.Time by field type
	Min     *Bound   // OpRange lower bound, nil when open
	Max     *Bound   // OpRange upper bound, nil when open
	Filters []Filter // OpAnd, OpOr, OpNot
	Center  GeoPoint // OpGeoRadius
	RadiusM float64  // OpGeoRadius, metres
	Box     GeoBox   // OpGeoBox
}

// Bound is one end of a range.
type Bound struct {
	Value     any // an integer or time.Time; int64 after Normalize
	Exclusive bool
}

// GeoBox is a latitude/longitude rectangle that does not cross the antimeridian.
type GeoBox struct {
	MinLat, MinLng, MaxLat, MaxLng float64
}

// All matches every document.
func All() Filter { return Filter{} }

// Eq matches documents whose field equals v (a string, an integer or a time.Time).
func Eq(field string, v any) Filter { return Filter{Op: OpEq, Field: field, Values: []any{v}} }

// In matches documents whose field equals one of vs.
func In(field string, vs ...any) Filter { return Filter{Op: OpIn, Field: field, Values: vs} }

// Range matches min <= field <= max; a nil bound is open. Only integer and time fields.
func Range(field string, min, max any) Filter {
	f := Filter{Op: OpRange, Field: field}
	if min != nil {
		f.Min = &Bound{Value: min}
	}
	if max != nil {
		f.Max = &Bound{Value: max}
	}
	return f
}

// Gt matches field > v.
func Gt(field string, v any) Filter {
	return Filter{Op: OpRange, Field: field, Min: &Bound{Value: v, Exclusive: true}}
}

// Gte matches field >= v.
func Gte(field string, v any) Filter { return Filter{Op: OpRange, Field: field, Min: &Bound{Value: v}} }

// Lt matches field < v.
func Lt(field string, v any) Filter {
	return Filter{Op: OpRange, Field: field, Max: &Bound{Value: v, Exclusive: true}}
}

// Lte matches field <= v.
func Lte(field string, v any) Filter { return Filter{Op: OpRange, Field: field, Max: &Bound{Value: v}} }

// And matches documents that match every filter; And() is All().
func And(fs ...Filter) Filter { return Filter{Op: OpAnd, Filters: fs} }

// Or matches documents that match at least one filter.
func Or(fs ...Filter) Filter { return Filter{Op: OpOr, Filters: fs} }

// Not matches documents that do not match f.
func Not(f Filter) Filter { return Filter{Op: OpNot, Filters: []Filter{f}} }

// Near matches documents within radiusM metres of (lat, lng), by Distance.
func Near(lat, lng, radiusM float64) Filter {
	return Filter{Op: OpGeoRadius, Center: GeoPoint{Lat: lat, Lng: lng}, RadiusM: radiusM}
}

// InBox matches documents located inside the rectangle, edges included.
func InBox(minLat, minLng, maxLat, maxLng float64) Filter {
	return Filter{Op: OpGeoBox, Box: GeoBox{MinLat: minLat, MinLng: minLng, MaxLat: maxLat, MaxLng: maxLng}}
}

// Filter size limits keep a hostile query from building a huge engine expression.
const (
	maxFilterNodes = 256
	maxFilterDepth = 16
	maxInValues    = 1000
	// MaxRadiusM is the largest accepted radius: half the Earth's circumference.
	MaxRadiusM = math.Pi * EarthRadiusM
)

// Normalize validates the filter and returns an equivalent one in canonical form: integer and
// time values become int64 (times as Unix milliseconds), And/Or are flattened, All children of
// And are dropped, and an And or Or with one child becomes that child. Errors are
// *ValidationError with Param "filter" or "filter.<field>".
func (f Filter) Normalize() (Filter, error) {
	n := 0
	return f.normalize(0, &n)
}

func (f Filter) normalize(depth int, nodes *int) (Filter, error) {
	*nodes++
	if *nodes > maxFilterNodes {
		return Filter{}, invalid("filter", "more than %d conditions", maxFilterNodes)
	}
	if depth > maxFilterDepth {
		return Filter{}, invalid("filter", "nested deeper than %d levels", maxFilterDepth)
	}
	switch f.Op {
	case OpAll:
		return Filter{}, nil
	case OpEq, OpIn:
		spec, err := lookupFilterField(f.Field)
		if err != nil {
			return Filter{}, err
		}
		param := "filter." + f.Field
		if f.Op == OpEq && len(f.Values) != 1 {
			return Filter{}, invalid(param, "equals needs exactly one value")
		}
		if len(f.Values) == 0 {
			return Filter{}, invalid(param, "in needs at least one value")
		}
		if len(f.Values) > maxInValues {
			return Filter{}, invalid(param, "more than %d values", maxInValues)
		}
		vs := make([]any, len(f.Values))
		for i, v := range f.Values {
			if vs[i], err = normalizeValue(spec, param, v); err != nil {
				return Filter{}, err
			}
		}
		op := f.Op
		if len(vs) == 1 {
			op = OpEq
		}
		return Filter{Op: op, Field: f.Field, Values: vs}, nil
	case OpRange:
		spec, err := lookupFilterField(f.Field)
		if err != nil {
			return Filter{}, err
		}
		param := "filter." + f.Field
		if spec.Value != ValueInt && spec.Value != ValueTime {
			return Filter{}, invalid(param, "range needs an integer or time field")
		}
		if f.Min == nil && f.Max == nil {
			return Filter{}, invalid(param, "range needs a lower or an upper bound")
		}
		out := Filter{Op: OpRange, Field: f.Field}
		for _, b := range []struct {
			in  *Bound
			out **Bound
		}{{f.Min, &out.Min}, {f.Max, &out.Max}} {
			if b.in == nil {
				continue
			}
			v, err := normalizeValue(spec, param, b.in.Value)
			if err != nil {
				return Filter{}, err
			}
			*b.out = &Bound{Value: v, Exclusive: b.in.Exclusive}
		}
		if out.Min != nil && out.Max != nil && out.Min.Value.(int64) > out.Max.Value.(int64) {
			return Filter{}, invalid(param, "range lower bound is above the upper bound")
		}
		return out, nil
	case OpAnd, OpOr:
		if f.Op == OpOr && len(f.Filters) == 0 {
			return Filter{}, invalid("filter", "or needs at least one condition")
		}
		var kids []Filter
		for _, c := range f.Filters {
			c, err := c.normalize(depth+1, nodes)
			if err != nil {
				return Filter{}, err
			}
			switch {
			case c.Op == OpAll && f.Op == OpAnd:
				continue // x AND true = x
			case c.Op == OpAll && f.Op == OpOr:
				return Filter{}, nil // x OR true = true
			case c.Op == f.Op:
				kids = append(kids, c.Filters...)
			default:
				kids = append(kids, c)
			}
		}
		switch len(kids) {
		case 0:
			return Filter{}, nil
		case 1:
			return kids[0], nil
		}
		return Filter{Op: f.Op, Filters: kids}, nil
	case OpNot:
		if len(f.Filters) != 1 {
			return Filter{}, invalid("filter", "not needs exactly one condition")
		}
		c, err := f.Filters[0].normalize(depth+1, nodes)
		if err != nil {
			return Filter{}, err
		}
		switch c.Op {
		case OpAll:
			// Neither engine can say "false" cleanly, and nobody means it.
			return Filter{}, invalid("filter", "not of an empty condition matches nothing")
		case OpNot:
			return c.Filters[0], nil
		}
		return Filter{Op: OpNot, Filters: []Filter{c}}, nil
	case OpGeoRadius:
		if !f.Center.Valid() {
			return Filter{}, invalid("filter.near", "lat must be in [-90, 90] and lng in [-180, 180]")
		}
		if !(f.RadiusM > 0 && f.RadiusM <= MaxRadiusM) {
			return Filter{}, invalid("filter.radius_m", "must be above 0 and at most %.0f metres", MaxRadiusM)
		}
		return Filter{Op: OpGeoRadius, Center: f.Center, RadiusM: f.RadiusM}, nil
	case OpGeoBox:
		b := f.Box
		lo, hi := GeoPoint{Lat: b.MinLat, Lng: b.MinLng}, GeoPoint{Lat: b.MaxLat, Lng: b.MaxLng}
		if !lo.Valid() || !hi.Valid() {
			return Filter{}, invalid("filter.box", "lat must be in [-90, 90] and lng in [-180, 180]")
		}
		if b.MinLat > b.MaxLat || b.MinLng > b.MaxLng {
			return Filter{}, invalid("filter.box", "min corner must be south-west of max corner")
		}
		return Filter{Op: OpGeoBox, Box: b}, nil
	}
	return Filter{}, invalid("filter", "unknown operator %d", f.Op)
}

func lookupFilterField(name string) (FieldSpec, error) {
	spec, ok := LookupField(name)
	if !ok {
		return FieldSpec{}, invalid("filter."+name, "unknown filter field %q", name)
	}
	return spec, nil
}

// normalizeValue converts v to the field's canonical type: string or int64.
func normalizeValue(spec FieldSpec, param string, v any) (any, error) {
	switch spec.Value {
	case ValueString:
		s, ok := v.(string)
		if !ok {
			if t, ok := v.(Type); ok {
				s = string(t)
			} else {
				return nil, invalid(param, "needs a string value, got %T", v)
			}
		}
		if spec.Name == FieldType && !Type(s).Valid() {
			return nil, invalid(param, "unknown type %q", s)
		}
		return s, nil
	case ValueInt:
		n, ok := toInt64(v)
		if !ok {
			return nil, invalid(param, "needs an integer value, got %T", v)
		}
		return n, nil
	case ValueTime:
		// Unix milliseconds are the canonical form Normalize produces, so a normalized filter
		// normalizes to itself (found by FuzzFilterNormalize: a time range failed the second
		// time with "needs a time.Time value, got int64").
		if ms, ok := v.(int64); ok {
			return ms, nil
		}
		t, ok := v.(time.Time)
		if !ok {
			return nil, invalid(param, "needs a time.Time value, got %T", v)
		}
		return t.UnixMilli(), nil
	}
	return nil, invalid(param, "unsupported field type")
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint:
		if uint64(n) <= math.MaxInt64 {
			return int64(n), true
		}
	case uint64:
		if n <= math.MaxInt64 {
			return int64(n), true
		}
	}
	return 0, false
}

// geoCenter returns the centre of the first radius condition that is not negated, if any.
func (f Filter) geoCenter() (GeoPoint, bool) {
	switch f.Op {
	case OpGeoRadius:
		return f.Center, true
	case OpAnd, OpOr:
		for _, c := range f.Filters {
			if p, ok := c.geoCenter(); ok {
				return p, true
			}
		}
	}
	return GeoPoint{}, false
}
