package search

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDistance(t *testing.T) {
	t.Parallel()
	// Reference values: one degree of arc on the sphere of radius EarthRadiusM, and
	// Wuhan (30.5928, 114.3055) to Beijing (39.9042, 116.4074) computed independently with the
	// same haversine formula (Python, math module).
	deg := EarthRadiusM * math.Pi / 180
	cases := []struct {
		name string
		a, b GeoPoint
		want float64
		tol  float64
	}{
		{"same point", GeoPoint{30.55, 114.34}, GeoPoint{30.55, 114.34}, 0, 0},
		{"one degree of latitude", GeoPoint{0, 0}, GeoPoint{1, 0}, deg, 1e-6},
		{"one degree of longitude at the equator", GeoPoint{0, 100}, GeoPoint{0, 101}, deg, 1e-6},
		{"antipodes", GeoPoint{0, 0}, GeoPoint{0, 180}, math.Pi * EarthRadiusM, 1e-6},
		{"Wuhan to Beijing", GeoPoint{30.5928, 114.3055}, GeoPoint{39.9042, 116.4074}, 1052732.1146, 1e-3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := Distance(c.a, c.b); math.Abs(got-c.want) > c.tol {
				t.Errorf("Distance = %.6f, want %.6f", got, c.want)
			}
			if got, back := Distance(c.a, c.b), Distance(c.b, c.a); got != back {
				t.Errorf("not symmetric: %v vs %v", got, back)
			}
		})
	}
}

func TestRadiusBoxContainsCircle(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		center GeoPoint
		radius float64
	}{
		{GeoPoint{30.55, 114.34}, 1000},
		{GeoPoint{30.55, 114.34}, 50_000},
		{GeoPoint{-45, -70}, 3000},
		{GeoPoint{89.9, 0}, 20_000},  // touches the pole: full longitude range
		{GeoPoint{10, 179.99}, 5000}, // crosses the antimeridian: full longitude range
	} {
		box := RadiusBox(c.center, c.radius)
		// Points on the circle, every 5 degrees of bearing, must be inside the box.
		for b := 0.0; b < 360; b += 5 {
			p := destination(c.center, b, c.radius*0.999999)
			if p.Lat < box.MinLat || p.Lat > box.MaxLat || p.Lng < box.MinLng || p.Lng > box.MaxLng {
				t.Errorf("center %v radius %v: point %v at bearing %v outside %+v", c.center, c.radius, p, b, box)
			}
		}
	}
}

// destination is the point metres from c on bearing degrees (the inverse of Distance).
func destination(c GeoPoint, bearing, metres float64) GeoPoint {
	δ := metres / EarthRadiusM
	θ := bearing * math.Pi / 180
	φ1, λ1 := c.Lat*math.Pi/180, c.Lng*math.Pi/180
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	lng := math.Mod(λ2*180/math.Pi+540, 360) - 180
	return GeoPoint{Lat: φ2 * 180 / math.Pi, Lng: lng}
}

func TestFilterNormalize(t *testing.T) {
	t.Parallel()
	ts := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		in   Filter
		want Filter
	}{
		{"zero is all", Filter{}, Filter{}},
		{"ints widen", Eq(FieldCommunity, 3), Filter{Op: OpEq, Field: FieldCommunity, Values: []any{int64(3)}}},
		{"in of one is eq", In(FieldStatus, "open"), Filter{Op: OpEq, Field: FieldStatus, Values: []any{"open"}}},
		{"type values", Eq(FieldType, TypeNeed), Filter{Op: OpEq, Field: FieldType, Values: []any{"need"}}},
		{"and drops all and flattens", And(All(), Eq(FieldStatus, "a"), And(Eq(FieldKind, "b"), Eq(FieldCategory, "c"))),
			And(Eq(FieldStatus, "a"), Eq(FieldKind, "b"), Eq(FieldCategory, "c"))},
		{"and of one", And(Eq(FieldStatus, "a")), Eq(FieldStatus, "a")},
		{"empty and", And(), Filter{}},
		{"or with all is all", Or(Eq(FieldStatus, "a"), All()), Filter{}},
		{"double not", Not(Not(Eq(FieldStatus, "a"))), Eq(FieldStatus, "a")},
	}
	t.Run("times become milliseconds", func(t *testing.T) {
		t.Parallel()
		got, err := Range(FieldCreatedAt, ts, nil).Normalize()
		want := Filter{Op: OpRange, Field: FieldCreatedAt, Min: &Bound{Value: ts.UnixMilli()}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Normalize = %+v, %v; want %+v", got, err, want)
		}
		// The canonical form normalizes to itself (a time range used to fail the second time).
		if again, err := got.Normalize(); err != nil || !reflect.DeepEqual(again, want) {
			t.Errorf("Normalize of the normalized filter = %+v, %v", again, err)
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.in.Normalize()
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.want.Normalize() // the expectation in canonical form too
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Normalize = %+v\n        want %+v", got, want)
			}
		})
	}
}

func TestQueryNormalizeErrorsNameTheParameter(t *testing.T) {
	t.Parallel()
	deep := Eq(FieldStatus, "x")
	for range maxFilterDepth + 1 {
		deep = Not(And(deep, Eq(FieldKind, "y")))
	}
	many := make([]Filter, maxFilterNodes)
	for i := range many {
		many[i] = Eq(FieldStatus, "x")
	}
	cases := []struct {
		name  string
		q     Query
		param string
	}{
		{"long text", Query{Text: strings.Repeat("a", MaxTextRunes+1)}, "text"},
		{"bad utf-8", Query{Text: "\xff"}, "text"},
		{"page", Query{Page: MaxPage + 1}, "page"},
		{"page size", Query{PageSize: -1}, "page_size"},
		{"unknown field", Query{Filter: Eq("phone", "1")}, "filter.phone"},
		{"range on string", Query{Filter: Gt(FieldKind, 1)}, "filter.kind"},
		{"inverted range", Query{Filter: Range(FieldAmount, 10, 1)}, "filter.amount"},
		{"uint64 overflow", Query{Filter: Eq(FieldID, uint64(math.MaxUint64))}, "filter.id"},
		{"time on int field", Query{Filter: Eq(FieldAmount, time.Now())}, "filter.amount"},
		{"int on time field", Query{Filter: Eq(FieldCreatedAt, 5)}, "filter.created_at"},
		{"eq with two values", Query{Filter: Filter{Op: OpEq, Field: FieldKind, Values: []any{"a", "b"}}}, "filter.kind"},
		{"not of all", Query{Filter: Not(All())}, "filter"},
		{"too deep", Query{Filter: deep}, "filter"},
		{"too many", Query{Filter: Or(many...)}, "filter"},
		{"nan radius", Query{Filter: Near(30, 114, math.NaN())}, "filter.radius_m"},
		{"huge radius", Query{Filter: Near(30, 114, 3e7)}, "filter.radius_m"},
		{"nan lat", Query{Filter: Near(math.NaN(), 114, 10)}, "filter.near"},
		{"box out of range", Query{Filter: InBox(0, 0, 1, 181)}, "filter.box"},
		{"facet not facetable", Query{Facets: []string{FieldCreatedAt}}, "facets"},
		{"sort not sortable", Query{Sort: Asc(FieldStatus)}, "sort"},
		{"sort both", Query{Sort: Sort{Field: FieldID, Near: &GeoPoint{}}}, "sort"},
		{"snippet too short", Query{Highlight: &Highlight{SnippetRunes: 3}}, "highlight"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.q.Normalize()
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			if ve.Param != c.param {
				t.Errorf("param = %q (%v), want %q", ve.Param, err, c.param)
			}
		})
	}
}

func TestQueryNormalizeDefaults(t *testing.T) {
	t.Parallel()
	q, err := Query{Text: "  养老 ", Facets: []string{FieldType, FieldType}, Highlight: &Highlight{}}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "养老" || q.Page != 1 || q.PageSize != DefaultPageSize || len(q.Facets) != 1 {
		t.Errorf("normalized %+v", q)
	}
	if h := q.Highlight; h.PreTag != MarkStart || h.PostTag != MarkEnd || h.SnippetRunes != DefaultSnippetRunes {
		t.Errorf("highlight defaults %+v", h)
	}
	if _, ok := q.DistanceFrom(); ok {
		t.Error("DistanceFrom without geo: ok")
	}
	q, _ = Query{Filter: And(Eq(FieldType, "need"), Near(1, 2, 3))}.Normalize()
	if p, ok := q.DistanceFrom(); !ok || p != (GeoPoint{1, 2}) {
		t.Errorf("DistanceFrom radius = %v, %v", p, ok)
	}
	q, _ = Query{Filter: Near(1, 2, 3), Sort: ByDistance(5, 6)}.Normalize()
	if p, _ := q.DistanceFrom(); p != (GeoPoint{5, 6}) {
		t.Errorf("DistanceFrom prefers the sort point, got %v", p)
	}
	q, _ = Query{Filter: Not(Near(1, 2, 3))}.Normalize()
	if _, ok := q.DistanceFrom(); ok {
		t.Error("DistanceFrom of a negated radius: ok")
	}
}

func TestRefKey(t *testing.T) {
	t.Parallel()
	r := Ref{Type: TypeOrganization, ID: 42}
	if r.Key() != "organization-42" {
		t.Fatalf("Key = %q", r.Key())
	}
	back, err := ParseKey(r.Key())
	if err != nil || back != r {
		t.Fatalf("ParseKey = %v, %v", back, err)
	}
	for _, bad := range []string{"", "need", "need-x", "resident-1"} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) succeeded", bad)
		}
	}
	if _, err := ParseType("type", "resident"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseType(resident) = %v", err)
	}
}

func TestHighlightHTML(t *testing.T) {
	t.Parallel()
	in := `<script>` + MarkStart + `独居老人` + MarkEnd + `&"`
	want := `&lt;script&gt;<mark>独居老人</mark>&amp;&#34;`
	if got := HighlightHTML(in); got != want {
		t.Errorf("HighlightHTML = %q, want %q", got, want)
	}
}

func TestSortFacets(t *testing.T) {
	t.Parallel()
	fc := []FacetCount{{"b", 1}, {"a", 1}, {"c", 5}}
	SortFacets(fc)
	if want := []FacetCount{{"c", 5}, {"a", 1}, {"b", 1}}; !reflect.DeepEqual(fc, want) {
		t.Errorf("SortFacets = %v", fc)
	}
}
