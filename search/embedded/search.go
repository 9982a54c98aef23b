package embedded

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wushe/wushe/search"
)

// columns lists the docs columns scanDoc reads, with or without the body.
func columns(body bool) string {
	b := ""
	if body {
		b = "body, "
	}
	return `type, id, title, ` + b + `tags, community_id, grid_id, category, status, kind,
		created_at, ends_at, amount, lat, lng`
}

func scanDoc(rows *sql.Rows, body bool, extra ...any) (search.Document, error) {
	var (
		d                            search.Document
		typ                          string
		tags, category, status, kind sql.NullString
		community, grid, endsAt      sql.NullInt64
		lat, lng                     sql.NullFloat64
		createdAt                    int64
	)
	dest := []any{&typ, &d.ID, &d.Title}
	if body {
		dest = append(dest, &d.Body)
	}
	dest = append(dest, &tags, &community, &grid, &category, &status, &kind, &createdAt, &endsAt,
		&d.Amount, &lat, &lng)
	if err := rows.Scan(append(dest, extra...)...); err != nil {
		return d, err
	}
	d.Type = search.Type(typ)
	if tags.Valid {
		if err := json.Unmarshal([]byte(tags.String), &d.Tags); err != nil {
			return d, fmt.Errorf("%s: tags: %w", d.Ref(), err)
		}
	}
	d.CommunityID, d.GridID = community.Int64, grid.Int64
	d.Category, d.Status, d.Kind = category.String, status.String, kind.String
	d.CreatedAt = time.UnixMilli(createdAt).UTC()
	if endsAt.Valid {
		d.EndsAt = time.UnixMilli(endsAt.Int64).UTC()
	}
	if lat.Valid && lng.Valid {
		d.Location = &search.GeoPoint{Lat: lat.Float64, Lng: lng.Float64}
	}
	return d, nil
}

// Search runs the query: FTS5 finds the rowids containing the terms, in one read transaction;
// the in-memory columns filter, count, facet and order them; the page's documents are read
// back from the same transaction.
func (e *Engine) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	res, err := e.search(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("embedded search %q: %w", q.Text, err)
	}
	return res, nil
}

func (e *Engine) search(ctx context.Context, q search.Query) (*search.Result, error) {
	tx, err := e.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only

	qts := compileTerms(parseTerms(q.Text))
	var m matches
	if len(qts) > 0 {
		if m, err = match(ctx, tx, qts); err != nil {
			return nil, fmt.Errorf("match: %w", err)
		}
	}

	e.mu.RLock()
	page, res := e.st.query(q, qts, m)
	e.mu.RUnlock()
	if len(page) == 0 {
		return res, nil
	}

	docs, err := fetch(ctx, tx, page)
	if err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	center, hasCenter := q.DistanceFrom()
	for _, p := range page {
		d, ok := docs[p.rowid]
		if !ok {
			continue // deleted by a write that is committing right now
		}
		h := search.Hit{Doc: d, Score: p.score}
		if hasCenter && d.Location != nil {
			dist := search.Distance(center, *d.Location)
			h.DistanceM = &dist
		}
		if hl := q.Highlight; hl != nil {
			h.Title = highlightTitle(d.Title, qts, hl.PreTag, hl.PostTag)
			h.Snippet = snippet(d.Body, qts, hl.SnippetRunes, hl.PreTag, hl.PostTag)
		}
		res.Hits = append(res.Hits, h)
	}
	return res, nil
}

// parseRowids parses group_concat's comma-separated integers.
func parseRowids(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	out := make([]int64, 0, strings.Count(s, ",")+1)
	var n int64
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, n)
			n = 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return nil, fmt.Errorf("unexpected %q in rowid list", c)
		}
		n = n*10 + int64(c-'0')
	}
	return out, nil
}

// matches are the documents the text matched. Without Latin terms all is the answer, from
// one FTS5 query; otherwise kinds holds, per term and indexed by rowid, how each document
// matched it (matchExact, matchPinyin, matchInitials bits), from a few queries per term on the
// two tables.
type matches struct {
	all   []int64
	kinds [][]uint8
}

// kind returns how document i matched term k.
func (m matches) kind(k, i int) uint8 {
	if m.kinds == nil {
		return matchExact
	}
	if i < len(m.kinds[k]) {
		return m.kinds[k][i]
	}
	return 0
}

// How a document matched a term, best first: the characters or word as typed (or a synonym),
// its pinyin, its initials.
const (
	matchExact uint8 = 1 << iota
	matchPinyin
	matchInitials
)

func match(ctx context.Context, tx *sql.Tx, qts []qterm) (matches, error) {
	if !hasSound(qts) {
		exprs := make([]string, len(qts))
		for i, qt := range qts {
			exprs[i] = qt.exactExpr()
		}
		all, err := rowids(ctx, tx, "docs_fts", strings.Join(exprs, " AND "))
		return matches{all: all}, err
	}
	var m matches
	for _, qt := range qts {
		kinds, err := matchTerm(ctx, tx, qt)
		if err != nil {
			return m, err
		}
		m.kinds = append(m.kinds, kinds)
	}
	// The documents matching every term.
	small := 0
	for k, kinds := range m.kinds {
		if len(kinds) < len(m.kinds[small]) {
			small = k
		}
	}
	for i, v := range m.kinds[small] {
		if v == 0 {
			continue
		}
		all := true
		for k := range m.kinds {
			if m.kind(k, i) == 0 {
				all = false
				break
			}
		}
		if all {
			m.all = append(m.all, int64(i))
		}
	}
	return m, nil
}

// matchTerm returns how each document matches one term, indexed by rowid.
func matchTerm(ctx context.Context, tx *sql.Tx, qt qterm) ([]uint8, error) {
	var kinds []uint8
	mark := func(ids []int64, kind uint8) {
		for _, id := range ids {
			if int(id) >= len(kinds) {
				kinds = slices.Grow(kinds, int(id)+1-len(kinds))[:int(id)+1]
			}
			kinds[id] |= kind
		}
	}
	for _, q := range []struct {
		table, expr string
		kind        uint8
	}{
		{"docs_fts", qt.exactExpr(), matchExact},
		{"docs_py", qt.sound.pinyinExpr(), matchPinyin},
		{"docs_py", qt.sound.initialsExpr(), matchInitials},
	} {
		if q.expr == "" {
			continue
		}
		ids, err := rowids(ctx, tx, q.table, q.expr)
		if err != nil {
			return nil, err
		}
		mark(ids, q.kind)
	}
	if len(qt.split) > 0 {
		// 西湖jz: every run matched on its own (the characters as typed, the letters by sound),
		// not necessarily next to each other; counted as a sound match.
		var both []uint8
		for n, part := range qt.split {
			k, err := matchTerm(ctx, tx, part)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				both = k
				continue
			}
			both = both[:min(len(both), len(k))]
			for i := range both {
				if k[i] == 0 {
					both[i] = 0
				} else {
					both[i] |= k[i]
				}
			}
		}
		for i, v := range both {
			if v == 0 {
				continue
			}
			if v&^matchExact != 0 {
				v &^= matchExact
			}
			if i >= len(kinds) {
				kinds = slices.Grow(kinds, i+1-len(kinds))[:i+1]
			}
			kinds[i] |= v
		}
	}
	return kinds, nil
}

// rowids lists the documents of an FTS5 table matching expr, as one group_concat row: a
// quarter faster than a row per match through database/sql when a term is in most documents.
func rowids(ctx context.Context, tx *sql.Tx, table, expr string) ([]int64, error) {
	var list sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT group_concat(rowid) FROM `+table+` WHERE `+table+` MATCH ?`, expr).Scan(&list)
	if err != nil {
		return nil, err
	}
	return parseRowids(list.String)
}

// readTx begins a read transaction whose snapshot the in-memory columns reflect, reloading
// them first when another process changed the file.
func (e *Engine) readTx(ctx context.Context) (*sql.Tx, error) {
	for attempt := 0; attempt < 3; attempt++ {
		tx, err := e.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, err
		}
		gen, err := generation(ctx, tx)
		if err != nil {
			_ = tx.Rollback()
			return nil, err
		}
		e.mu.RLock()
		// The snapshot may already hold our own write that is being applied (inflight): its
		// rows are then missing from the columns for a moment, as if searched just before.
		loaded := e.st != nil
		ok := loaded && (gen == e.gen || gen == e.inflight)
		e.mu.RUnlock()
		if ok || (attempt > 0 && loaded) {
			return tx, nil
		}
		_ = tx.Rollback()
		e.writeMu.Lock()
		err = e.reload(ctx, false)
		e.writeMu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	return nil, errors.New("index not loaded: call EnsureIndex first")
}

// fetch reads whole documents by rowid.
func fetch(ctx context.Context, tx *sql.Tx, page []ranked) (map[int64]search.Document, error) {
	args := make([]any, len(page))
	marks := make([]string, len(page))
	for i, p := range page {
		args[i], marks[i] = p.rowid, "?"
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+columns(true)+`, rowid FROM docs WHERE rowid IN (`+strings.Join(marks, ",")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]search.Document, len(page))
	for rows.Next() {
		var rowid int64
		d, err := scanDoc(rows, true, &rowid)
		if err != nil {
			return nil, err
		}
		out[rowid] = d
	}
	return out, rows.Err()
}

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

// needle is a term as folded strings to look for in a folded field.
type needle struct {
	parts []string
	words []bool   // the part is a word: match whole words only
	toks  []uint64 // hashes of the tokens a field's bloom must hold for the field to contain the term
}

func termNeedles(terms []term) []needle {
	out := make([]needle, len(terms))
	for i, t := range terms {
		for _, r := range t.runs {
			rs := r.runes
			if r.class == word {
				rs = rs[:min(len(rs), maxWordRunes)]
			}
			out[i].parts = append(out[i].parts, string(rs))
			out[i].words = append(out[i].words, r.class == word)
			switch {
			case r.class == word || len(rs) == 1:
				out[i].toks = append(out[i].toks, fnv64(string(rs)))
			default:
				for k := 0; k+1 < len(rs); k++ {
					out[i].toks = append(out[i].toks, fnv64(string(rs[k:k+2])))
				}
			}
		}
	}
	return out
}

// soundTitleLimit bounds the matches whose titles are read to rank pinyin and initials
// matches in the title above those elsewhere.
const soundTitleLimit = 1000

// anyIn reports whether the field holds one of the needles (a term or one of its synonyms).
func anyIn(ns []needle, sig *bloom, field string) bool {
	for _, n := range ns {
		if n.maybeIn(sig) && n.in(field) {
			return true
		}
	}
	return false
}

// maybeIn is the bloom test: false means the field cannot contain the term.
func (n needle) maybeIn(sig *bloom) bool {
	for _, t := range n.toks {
		if !sig.has(t) {
			return false
		}
	}
	return true
}

func (n needle) in(field string) bool {
	for k, p := range n.parts {
		if !n.words[k] {
			if !strings.Contains(field, p) {
				return false
			}
			continue
		}
		if !containsWord(field, p) {
			return false
		}
	}
	return true
}

// containsWord reports whether w occurs in s with no word character on either side.
func containsWord(s, w string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		i += off
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(w):])
		if (i == 0 || classify(before) != word) && (i+len(w) == len(s) || classify(after) != word) {
			return true
		}
		off = i + 1
	}
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
