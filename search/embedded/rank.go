package embedded

import (
	"cmp"
	"math"
	"slices"

	"github.com/wushe/wushe/search"
)

// typeOrder ranks search.Types alphabetically, the order ties fall in (as Meilisearch sorts
// the type attribute).
var typeOrder = func() []uint8 {
	names := make([]string, len(search.Types))
	for i, t := range search.Types {
		names[i] = string(t)
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	out := make([]uint8, len(names))
	for i, n := range names {
		out[i] = uint8(slices.Index(sorted, n))
	}
	return out
}()

// ranked is one candidate with its sort keys: a, then b, ascending, then id, then type.
type ranked struct {
	rowid int64
	a     float64
	b     int64
	id    int64
	typ   uint8
	score float64
}

func less(x, y *ranked) int {
	return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b), cmp.Compare(x.id, y.id), cmp.Compare(x.typ, y.typ))
}

// query filters the candidates (the matched rowids, or every document without text),
// counts them, computes the facets and returns the requested page in order. Called under the
// read lock.
func (s *store) query(q search.Query, qts []qterm, m matches) ([]ranked, *search.Result) {
	res := &search.Result{Page: q.Page, PageSize: q.PageSize, Hits: []search.Hit{}}
	keep := s.compile(q.Filter)
	fc := s.newFacets(q.Facets)
	k := q.Page * q.PageSize // the page ends at the k-th hit
	top := newTopK(k)
	key := s.keyer(q, qts, m)
	visit := func(i int) {
		if !s.alive[i] || !keep(i) {
			return
		}
		res.Total++
		fc.add(i)
		r := ranked{rowid: int64(i), id: s.id[i], typ: typeOrder[s.typ[i]]}
		key(i, &r)
		top.push(r)
	}
	if len(qts) > 0 {
		for _, rowid := range m.all {
			if rowid < int64(len(s.alive)) {
				visit(int(rowid))
			}
		}
	} else {
		for i := range s.alive {
			visit(i)
		}
	}
	res.Facets = fc.result()
	all := top.sorted()
	from := (q.Page - 1) * q.PageSize
	if from >= len(all) {
		return nil, res
	}
	return all[from:], res
}

// keyer returns the function filling a candidate's sort keys for the query's order.
func (s *store) keyer(q search.Query, qts []qterm, m matches) func(int, *ranked) {
	switch srt := q.Sort; {
	case srt.Near != nil:
		c := *srt.Near
		return func(i int, r *ranked) {
			r.a = math.Inf(1) // no location: last
			if !math.IsNaN(s.lat[i]) {
				r.a = search.Distance(c, search.GeoPoint{Lat: s.lat[i], Lng: s.lng[i]})
			}
		}
	case srt.Field != "":
		col := s.intColumn(srt.Field)
		sign := 1.0
		if srt.Desc {
			sign = -1
		}
		absent := srt.Field == search.FieldEndsAt
		return func(i int, r *ranked) {
			if absent && col[i] == noTime {
				r.a = math.Inf(1)
				return
			}
			r.a = sign * float64(col[i])
		}
	case len(qts) > 0:
		// Relevance: every term counts 4 when it is in the title, 2 in the tags, 1 in the body
		// only; equal scores go newest first. Like Meilisearch's ranking rules this is a
		// bucket order, not BM25: at 100,000 documents FTS5's bm25() cost 127 ms for a term
		// in 89,000 of them, and community records are short. A synonym counts a little less
		// than the word as typed (3 in the title, 1.5 in the tags).
		// A term matched only by sound counts less than any match of the characters: its
		// pinyin 0.75 in the title, 0.5 elsewhere; its initials 0.35 and 0.25.
		type scorer struct {
			typed, synonyms []needle
			snd             *sound
		}
		scorers := make([]scorer, len(qts))
		for k, qt := range qts {
			scorers[k] = scorer{typed: termNeedles([]term{qt.term}), synonyms: termNeedles(qt.variants), snd: qt.sound}
		}
		full := 4 * float64(len(qts)) // every term in the title
		// Reading a title's characters costs about a microsecond; past soundTitleLimit
		// matches (shequ in most documents) sound matches are not told apart by title.
		titleSound := len(m.all) <= soundTitleLimit
		return func(i int, r *ranked) {
			score := 0.0
			for k, sc := range scorers {
				kind := m.kind(k, i)
				switch {
				case kind&matchExact != 0:
					switch {
					case anyIn(sc.typed, &s.titleSig[i], s.title[i]):
						score += 4
					case anyIn(sc.synonyms, &s.titleSig[i], s.title[i]):
						score += 3
					case anyIn(sc.typed, &s.tagSig[i], s.tagText[i]):
						score += 2
					case anyIn(sc.synonyms, &s.tagSig[i], s.tagText[i]):
						score += 1.5
					default:
						score++
					}
				case kind&matchPinyin != 0:
					score += 0.5
					if titleSound && sc.snd != nil && soundIn(s.title[i], sc.snd, 'p') {
						score += 0.25
					}
				default:
					score += 0.25
					if titleSound && sc.snd != nil && soundIn(s.title[i], sc.snd, 'i') {
						score += 0.1
					}
				}
			}
			r.score = score / full
			r.a = -score
			r.b = -s.created[i]
		}
	}
	return func(i int, r *ranked) { r.a = -float64(s.created[i]) } // browsing: newest first
}

// topK keeps the k smallest candidates.
type topK struct {
	k int
	h []ranked // a max-heap by less once full
}

func newTopK(k int) *topK { return &topK{k: k} }

func (t *topK) push(r ranked) {
	if len(t.h) < t.k {
		t.h = append(t.h, r)
		if len(t.h) == t.k {
			// Heapify once full.
			for i := len(t.h)/2 - 1; i >= 0; i-- {
				t.down(i)
			}
		}
		return
	}
	if less(&r, &t.h[0]) >= 0 {
		return
	}
	t.h[0] = r
	t.down(0)
}

func (t *topK) down(i int) {
	h := t.h
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		big := l
		if r := l + 1; r < len(h) && less(&h[r], &h[l]) > 0 {
			big = r
		}
		if less(&h[big], &h[i]) <= 0 {
			return
		}
		h[i], h[big] = h[big], h[i]
		i = big
	}
}

func (t *topK) sorted() []ranked {
	slices.SortFunc(t.h, func(a, b ranked) int { return less(&a, &b) })
	return t.h
}
