package search

import (
	"cmp"
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// Query limits; the web layer reports a violation as a 400 naming the parameter.
const (
	MaxTextRunes    = 200
	DefaultPageSize = 20
	MaxPageSize     = 100
	MaxPage         = 10000
	// DefaultSnippetRunes is the snippet length when Highlight.SnippetRunes is 0.
	DefaultSnippetRunes = 60
)

// Query is one search. Text terms are separated by spaces (or punctuation) and AND-ed: a
// document matches when it contains every term. Chinese needs no spaces: 独居老人 is one term
// and matches documents that contain it as written. Both engines also fold traditional
// characters, match Latin terms as the pinyin or initials of Chinese text, and apply the
// synonyms of search/textfold (docs/search.md).
type Query struct {
	Text      string
	Filter    Filter
	Facets    []string   // facetable field names whose value counts are wanted
	Sort      Sort       // zero: relevance (newest first when Text is empty)
	Page      int        // 1-based; 0 means 1
	PageSize  int        // 0 means DefaultPageSize
	Highlight *Highlight // nil: no highlighted title or snippet
}

// Sort orders the hits. Ties are always broken by id ascending, then type, so pages are stable.
// Documents without the sort value (no EndsAt, no Location) come last in both directions.
type Sort struct {
	Field string    // a Sortable field; empty for relevance or distance
	Desc  bool      // descending instead of ascending (field sorts only)
	Near  *GeoPoint // nearest first from this point; documents without a location last
}

// ByRelevance orders by the engine's relevance (newest first when the text is empty).
func ByRelevance() Sort { return Sort{} }

// Asc orders by field ascending.
func Asc(field string) Sort { return Sort{Field: field} }

// Desc orders by field descending.
func Desc(field string) Sort { return Sort{Field: field, Desc: true} }

// ByDistance orders by distance from (lat, lng), nearest first.
func ByDistance(lat, lng float64) Sort { return Sort{Near: &GeoPoint{Lat: lat, Lng: lng}} }

// IsRelevance reports whether s is the relevance order.
func (s Sort) IsRelevance() bool { return s.Field == "" && s.Near == nil }

// Highlight asks for the title and a snippet of the body with every match wrapped in tags.
//
// Highlighted text is not HTML-escaped by either engine. To render it, use MarkStart and
// MarkEnd as tags and pass the result through HighlightHTML.
type Highlight struct {
	PreTag       string // empty means MarkStart
	PostTag      string // empty means MarkEnd
	SnippetRunes int    // approximate snippet length in characters; 0 means DefaultSnippetRunes
}

// Sentinel highlight tags from the Unicode private use area: they cannot be confused with
// markup, so HighlightHTML can escape the text and then turn them into <mark> elements.
const (
	MarkStart = "\uE000"
	MarkEnd   = "\uE001"
)

var markReplacer = strings.NewReplacer(MarkStart, "<mark>", MarkEnd, "</mark>")

// HighlightHTML escapes s for HTML and turns MarkStart/MarkEnd into <mark>…</mark>.
func HighlightHTML(s string) string { return markReplacer.Replace(html.EscapeString(s)) }

// Result is one page of hits.
type Result struct {
	Hits     []Hit
	Total    int                     // exact number of matching documents
	Facets   map[string][]FacetCount // per requested facet, over the whole filtered set
	Page     int
	PageSize int
}

// Hit is one matching document.
type Hit struct {
	Doc Document
	// Score is the engine's relevance, higher is better. It is engine-specific and only
	// comparable within one result; 0 when the text is empty.
	Score float64
	// DistanceM is the distance from the query's point in metres when the query sorts by
	// distance or filters by radius, and the document has a location.
	DistanceM *float64
	Title     string // the title with matches tagged (only with Query.Highlight)
	Snippet   string // a crop of the body around the first match, tagged (only with Query.Highlight)
}

// FacetCount is the number of matching documents with one value of a facet field. Integer
// values are given in decimal.
type FacetCount struct {
	Value string
	Count int
}

// SortFacets orders counts by count descending, then value ascending: the order every engine
// returns.
func SortFacets(fc []FacetCount) {
	slices.SortFunc(fc, func(a, b FacetCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
}

// Normalize validates q and returns it with defaults applied and its filter normalized (see
// Filter.Normalize). Every engine calls it first; errors are *ValidationError.
func (q Query) Normalize() (Query, error) {
	q.Text = strings.TrimSpace(q.Text)
	if !utf8.ValidString(q.Text) {
		return Query{}, invalid("text", "is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(q.Text); n > MaxTextRunes {
		return Query{}, invalid("text", "is %d characters long, at most %d allowed", n, MaxTextRunes)
	}
	switch {
	case q.Page == 0:
		q.Page = 1
	case q.Page < 0 || q.Page > MaxPage:
		return Query{}, invalid("page", "must be between 1 and %d", MaxPage)
	}
	switch {
	case q.PageSize == 0:
		q.PageSize = DefaultPageSize
	case q.PageSize < 0 || q.PageSize > MaxPageSize:
		return Query{}, invalid("page_size", "must be between 1 and %d", MaxPageSize)
	}
	f, err := q.Filter.Normalize()
	if err != nil {
		return Query{}, err
	}
	q.Filter = f
	var facets []string
	for _, name := range q.Facets {
		spec, ok := LookupField(name)
		if !ok || !spec.Facet {
			return Query{}, invalid("facets", "%q is not a facet field", name)
		}
		if !slices.Contains(facets, name) {
			facets = append(facets, name)
		}
	}
	q.Facets = facets
	switch s := q.Sort; {
	case s.Near != nil && s.Field != "":
		return Query{}, invalid("sort", "either a field or a distance, not both")
	case s.Near != nil:
		if !s.Near.Valid() {
			return Query{}, invalid("sort", "lat must be in [-90, 90] and lng in [-180, 180]")
		}
		p := *s.Near
		q.Sort = Sort{Near: &p}
	case s.Field != "":
		spec, ok := LookupField(s.Field)
		if !ok || !spec.Sortable {
			return Query{}, invalid("sort", "%q is not a sortable field", s.Field)
		}
	}
	if h := q.Highlight; h != nil {
		c := *h
		if c.PreTag == "" {
			c.PreTag = MarkStart
		}
		if c.PostTag == "" {
			c.PostTag = MarkEnd
		}
		switch {
		case c.SnippetRunes == 0:
			c.SnippetRunes = DefaultSnippetRunes
		case c.SnippetRunes < 10 || c.SnippetRunes > 1000:
			return Query{}, invalid("highlight", "snippet length must be between 10 and 1000")
		}
		q.Highlight = &c
	}
	return q, nil
}

// DistanceFrom returns the point distances are reported from: the distance sort's point, else
// the centre of the filter's first radius condition.
func (q Query) DistanceFrom() (GeoPoint, bool) {
	if q.Sort.Near != nil {
		return *q.Sort.Near, true
	}
	return q.Filter.geoCenter()
}
