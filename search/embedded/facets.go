package embedded

import (
	"strconv"

	"github.com/wushe/wushe/search"
)

// facets counts values of the requested fields over the candidates.
type facets struct {
	s      *store
	names  []string
	counts [][]int         // dict and type fields, by id
	ints   []map[int64]int // community_id, grid_id
}

func (s *store) newFacets(names []string) *facets {
	f := &facets{s: s, names: names, counts: make([][]int, len(names))}
	for k, n := range names {
		switch n {
		case search.FieldCommunity, search.FieldGrid:
			f.counts[k] = make([]int, len(s.intVals))
		case search.FieldType:
			f.counts[k] = make([]int, len(search.Types))
		default:
			f.counts[k] = make([]int, len(s.names))
		}
	}
	return f
}

func (f *facets) add(i int) {
	s := f.s
	for k, n := range f.names {
		switch n {
		case search.FieldType:
			f.counts[k][s.typ[i]]++
		case search.FieldCommunity:
			f.counts[k][s.commIdx[i]]++
		case search.FieldGrid:
			f.counts[k][s.gridIdx[i]]++
		case search.FieldTags:
			for _, t := range s.tags[i] {
				f.counts[k][t]++
			}
		default:
			if v := s.dictColumn(n)[i]; v != 0 {
				f.counts[k][v]++
			}
		}
	}
}

func (f *facets) result() map[string][]search.FacetCount {
	if len(f.names) == 0 {
		return nil
	}
	out := make(map[string][]search.FacetCount, len(f.names))
	for k, n := range f.names {
		fc := []search.FacetCount{}
		switch n {
		case search.FieldCommunity, search.FieldGrid:
			for idx, c := range f.counts[k][1:] { // 0 is absent
				if c > 0 {
					fc = append(fc, search.FacetCount{Value: strconv.FormatInt(f.s.intVals[idx+1], 10), Count: c})
				}
			}
		case search.FieldType:
			for t, c := range f.counts[k] {
				if c > 0 {
					fc = append(fc, search.FacetCount{Value: string(search.Types[t]), Count: c})
				}
			}
		default:
			for id, c := range f.counts[k] {
				if c > 0 {
					fc = append(fc, search.FacetCount{Value: f.s.names[id], Count: c})
				}
			}
		}
		search.SortFacets(fc)
		out[n] = fc
	}
	return out
}
