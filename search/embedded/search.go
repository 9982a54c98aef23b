package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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
		if err := e.awaitLoad(ctx); err != nil {
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
