package embedded

import (
	"math"
	"slices"
	"strings"

	"github.com/wushe/wushe/search"
)

// store keeps the filterable, facetable and sortable fields of every document in memory, in
// columns indexed by SQLite rowid, plus the folded title and tags for relevance. SQLite
// answers "which documents contain these terms" (FTS5, rowids only); counting, facets,
// filters and sorting over tens of thousands of matches are then array scans in Go. Measured
// at 100,000 documents, doing them in SQL instead cost 25–60 ms per facet for a broad query
// (docs/perf/search.md). About 80 bytes per document plus the titles.
type store struct {
	alive     []bool
	typ       []uint8 // index in search.Types
	id        []int64
	community []int64 // 0: absent
	grid      []int64 // 0: absent
	category  []uint32
	status    []uint32
	kind      []uint32
	created   []int64
	ends      []int64 // noTime: absent
	amount    []int64
	lat, lng  []float64 // NaN: absent
	tags      [][]uint32
	title     []string // folded
	tagText   []string // folded tags joined by "\n"
	titleSig  []bloom  // of title tokens: rejects most non-matching titles without a scan
	tagSig    []bloom  // of tag tokens
	commIdx   []uint32 // community_id as a dense index for facet counting; 0: absent
	gridIdx   []uint32 // grid_id likewise
	n         int      // alive documents

	ints    map[int64]uint32 // community and grid ids to dense indexes
	intVals []int64          // dense indexes back to ids

	dict  map[string]uint32 // category, status, kind and tag values; 0 means absent
	names []string          // dict ids back to values

}

const noTime = math.MinInt64

func newStore() *store {
	return &store{dict: map[string]uint32{}, names: []string{""}, ints: map[int64]uint32{}, intVals: []int64{0}}
}

// internInt returns the dense index of a community or grid id; 0 is absent.
func (s *store) internInt(v int64) uint32 {
	if v == 0 {
		return 0
	}
	if id, ok := s.ints[v]; ok {
		return id
	}
	id := uint32(len(s.intVals))
	s.ints[v] = id
	s.intVals = append(s.intVals, v)
	return id
}

// bloom is a 256-bit Bloom filter (two probes) of a field's tokens: its bigrams, single CJK
// characters and words. A 20-character title sets about 70 of the bits, so a one-token needle
// passes for under 10% of the titles that lack it; those few are then scanned.
type bloom [4]uint64

func (b *bloom) add(tok string) {
	h := fnv64(tok)
	for _, p := range [2]uint64{h, h >> 8} {
		b[(p>>6)&3] |= 1 << (p & 63)
	}
}

// has reports whether the token with hash h (fnv64) may be in the filter.
func (b *bloom) has(h uint64) bool {
	for _, p := range [2]uint64{h, h >> 8} {
		if b[(p>>6)&3]&(1<<(p&63)) == 0 {
			return false
		}
	}
	return true
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// sigOf builds the bloom of folded text.
func sigOf(folded []rune) bloom {
	var b bloom
	for _, r := range runs(folded) {
		if r.class == word {
			b.add(string(r.runes[:min(len(r.runes), maxWordRunes)]))
			continue
		}
		for i := range r.runes {
			b.add(string(r.runes[i : i+1]))
			if i+1 < len(r.runes) {
				b.add(string(r.runes[i : i+2]))
			}
		}
	}
	return b
}

func typeIndex(t search.Type) uint8 {
	return uint8(slices.Index(search.Types, t))
}

// intern returns the dict id of s, adding it; "" is 0.
func (s *store) intern(v string) uint32 {
	if v == "" {
		return 0
	}
	if id, ok := s.dict[v]; ok {
		return id
	}
	id := uint32(len(s.names))
	s.dict[v] = id
	s.names = append(s.names, v)
	return id
}

// lookup returns the dict id of v, or 0 when no document ever had it.
func (s *store) lookup(v string) uint32 { return s.dict[v] }

func (s *store) grow(rowid int64) {
	if int(rowid) < len(s.alive) {
		return
	}
	n := max(int(rowid)+1, len(s.alive)*5/4)
	growTo(&s.alive, n)
	growTo(&s.typ, n)
	growTo(&s.id, n)
	growTo(&s.community, n)
	growTo(&s.grid, n)
	growTo(&s.category, n)
	growTo(&s.status, n)
	growTo(&s.kind, n)
	growTo(&s.created, n)
	growTo(&s.ends, n)
	growTo(&s.amount, n)
	growTo(&s.lat, n)
	growTo(&s.lng, n)
	growTo(&s.tags, n)
	growTo(&s.title, n)
	growTo(&s.tagText, n)
	growTo(&s.titleSig, n)
	growTo(&s.tagSig, n)
	growTo(&s.commIdx, n)
	growTo(&s.gridIdx, n)
}

func growTo[T any](p *[]T, n int) { *p = slices.Grow(*p, n-len(*p))[:n] }

// put stores d at rowid, replacing what was there.
func (s *store) put(rowid int64, d search.Document) {
	s.grow(rowid)
	i := int(rowid)
	if !s.alive[i] {
		s.n++
	}
	s.alive[i] = true
	s.typ[i] = typeIndex(d.Type)
	s.id[i] = d.ID
	s.community[i] = d.CommunityID
	s.grid[i] = d.GridID
	s.category[i] = s.intern(d.Category)
	s.status[i] = s.intern(d.Status)
	s.kind[i] = s.intern(d.Kind)
	s.created[i] = d.CreatedAt.UnixMilli()
	s.ends[i] = noTime
	if !d.EndsAt.IsZero() {
		s.ends[i] = d.EndsAt.UnixMilli()
	}
	s.amount[i] = d.Amount
	s.lat[i], s.lng[i] = math.NaN(), math.NaN()
	if d.Location != nil {
		s.lat[i], s.lng[i] = d.Location.Lat, d.Location.Lng
	}
	tags := cleanTags(d.Tags)
	s.tags[i] = nil
	for _, t := range tags {
		s.tags[i] = append(s.tags[i], s.intern(t))
	}
	title, tagText := foldString(d.Title), foldString(strings.Join(tags, "\n"))
	s.title[i], s.tagText[i] = string(title), string(tagText)
	s.titleSig[i], s.tagSig[i] = sigOf(title), sigOf(tagText)
	s.commIdx[i], s.gridIdx[i] = s.internInt(d.CommunityID), s.internInt(d.GridID)
}

func (s *store) remove(rowid int64) {
	i := int(rowid)
	if i >= len(s.alive) || !s.alive[i] {
		return
	}
	s.alive[i] = false
	s.tags[i], s.title[i], s.tagText[i] = nil, "", ""
	s.n--
}

// pred is a compiled filter over store rows.
type pred func(i int) bool

// compile turns a normalized filter into a predicate. It must be called, and the predicate
// used, under the store's read lock.
func (s *store) compile(f search.Filter) pred {
	switch f.Op {
	case search.OpAll:
		return func(int) bool { return true }
	case search.OpEq, search.OpIn:
		return s.compileIn(f.Field, f.Values)
	case search.OpRange:
		col := s.intColumn(f.Field)
		absent := int64(0)
		if f.Field == search.FieldEndsAt {
			absent = noTime
		}
		hasAbsent := f.Field == search.FieldCommunity || f.Field == search.FieldGrid || f.Field == search.FieldEndsAt
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		loEx, hiEx := false, false
		if f.Min != nil {
			lo, loEx = f.Min.Value.(int64), f.Min.Exclusive
		}
		if f.Max != nil {
			hi, hiEx = f.Max.Value.(int64), f.Max.Exclusive
		}
		return func(i int) bool {
			v := col[i]
			if hasAbsent && v == absent {
				return false
			}
			return (v > lo || !loEx && v == lo) && (v < hi || !hiEx && v == hi)
		}
	case search.OpAnd, search.OpOr:
		ps := make([]pred, len(f.Filters))
		for k, c := range f.Filters {
			ps[k] = s.compile(c)
		}
		if f.Op == search.OpAnd {
			return func(i int) bool {
				for _, p := range ps {
					if !p(i) {
						return false
					}
				}
				return true
			}
		}
		return func(i int) bool {
			for _, p := range ps {
				if p(i) {
					return true
				}
			}
			return false
		}
	case search.OpNot:
		p := s.compile(f.Filters[0])
		return func(i int) bool { return !p(i) }
	case search.OpGeoRadius:
		box := search.RadiusBox(f.Center, f.RadiusM)
		c, r := f.Center, f.RadiusM
		lat, lng := s.lat, s.lng
		return func(i int) bool {
			la, lo := lat[i], lng[i]
			// NaN (no location) fails every comparison.
			return la >= box.MinLat && la <= box.MaxLat && lo >= box.MinLng && lo <= box.MaxLng &&
				search.Distance(c, search.GeoPoint{Lat: la, Lng: lo}) <= r
		}
	case search.OpGeoBox:
		b := f.Box
		lat, lng := s.lat, s.lng
		return func(i int) bool {
			return lat[i] >= b.MinLat && lat[i] <= b.MaxLat && lng[i] >= b.MinLng && lng[i] <= b.MaxLng
		}
	}
	return func(int) bool { return false }
}

func (s *store) intColumn(field string) []int64 {
	switch field {
	case search.FieldID:
		return s.id
	case search.FieldCommunity:
		return s.community
	case search.FieldGrid:
		return s.grid
	case search.FieldCreatedAt:
		return s.created
	case search.FieldEndsAt:
		return s.ends
	case search.FieldAmount:
		return s.amount
	}
	return nil
}

func (s *store) dictColumn(field string) []uint32 {
	switch field {
	case search.FieldCategory:
		return s.category
	case search.FieldStatus:
		return s.status
	case search.FieldKind:
		return s.kind
	}
	return nil
}

func (s *store) compileIn(field string, values []any) pred {
	switch field {
	case search.FieldType:
		var want [8]bool
		for _, v := range values {
			want[typeIndex(search.Type(v.(string)))] = true
		}
		typ := s.typ
		return func(i int) bool { return want[typ[i]] }
	case search.FieldTags:
		want := s.dictSet(values)
		tags := s.tags
		return func(i int) bool {
			for _, t := range tags[i] {
				if want[t] {
					return true
				}
			}
			return false
		}
	case search.FieldCategory, search.FieldStatus, search.FieldKind:
		want := s.dictSet(values)
		col := s.dictColumn(field)
		return func(i int) bool { return want[col[i]] }
	}
	col := s.intColumn(field)
	nullable := field == search.FieldCommunity || field == search.FieldGrid || field == search.FieldEndsAt
	absent := int64(0)
	if field == search.FieldEndsAt {
		absent = noTime
	}
	want := map[int64]bool{}
	for _, v := range values {
		want[v.(int64)] = true
	}
	if nullable {
		delete(want, absent)
	}
	if len(want) == 1 {
		var x int64
		for x = range want {
		}
		return func(i int) bool { return col[i] == x }
	}
	return func(i int) bool { return want[col[i]] }
}

// dictSet maps string values to a set of dict ids, indexed by id; values never seen cannot
// match and "" is absent, so neither is in the set.
func (s *store) dictSet(values []any) []bool {
	want := make([]bool, len(s.names))
	for _, v := range values {
		if id := s.lookup(v.(string)); id != 0 {
			want[id] = true
		}
	}
	return want
}
