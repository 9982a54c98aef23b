// Package searchtest is the contract every search.Index engine must pass. Each engine's test
// calls Run with a factory; the cases are one table for all engines, and the few places where
// engines differ by design are per-engine expectations in differences.go, not gaps.
package searchtest

import (
	"cmp"
	"context"
	"slices"
	"testing"

	"github.com/wushe/wushe/search"
)

// Engine describes the engine under test.
type Engine struct {
	// Name selects the engine's row in the differences table: "embedded" or "meili".
	Name string
	// New returns a new, empty index that no other test uses, before EnsureIndex. It registers
	// its own cleanup on t.
	New func(t *testing.T) search.Index
}

// Run runs the whole contract against e.
func Run(t *testing.T, e Engine) {
	t.Run("lifecycle", func(t *testing.T) { t.Parallel(); testLifecycle(t, e) })
	t.Run("replace_delete_reset", func(t *testing.T) { t.Parallel(); testWrites(t, e) })
	t.Run("validation", func(t *testing.T) { t.Parallel(); testValidation(t, e) })
	t.Run("snippet_crop", func(t *testing.T) { t.Parallel(); testSnippetCrop(t, e) })
	t.Run("volume", func(t *testing.T) { t.Parallel(); testVolume(t, e) })
	t.Run("typed", func(t *testing.T) { t.Parallel(); testTyped(t, e) })
	t.Run("bad_input", func(t *testing.T) { t.Parallel(); testBadInput(t, e) })
	t.Run("synonyms", func(t *testing.T) { t.Parallel(); testSynonyms(t, e) })
	t.Run("corpus", func(t *testing.T) {
		t.Parallel()
		idx := Load(t, e, Corpus)
		runCases(t, idx, corpusCases())
		t.Run("differences", func(t *testing.T) { testDifferences(t, e.Name, idx) })
	})
}

// Load returns a fresh index of e holding docs, flushed.
func Load(t *testing.T, e Engine, docs []search.Document) search.Index {
	t.Helper()
	idx := e.New(t)
	ctx := context.Background()
	fresh, err := idx.EnsureIndex(ctx)
	if err != nil {
		t.Fatalf("EnsureIndex: %v", err)
	}
	if !fresh {
		t.Fatalf("EnsureIndex on a new index: fresh = false, want true")
	}
	if err := idx.Upsert(ctx, docs); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	if err := idx.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	return idx
}

// N is the ref of need id (fixture shorthand, as are P, O, V, T and C).
func N(id int64) search.Ref { return search.Ref{Type: search.TypeNeed, ID: id} }

// P is the ref of project id.
func P(id int64) search.Ref { return search.Ref{Type: search.TypeProject, ID: id} }

// O is the ref of organization id.
func O(id int64) search.Ref { return search.Ref{Type: search.TypeOrganization, ID: id} }

// V is the ref of volunteer id.
func V(id int64) search.Ref { return search.Ref{Type: search.TypeVolunteer, ID: id} }

// T is the ref of tender id.
func T(id int64) search.Ref { return search.Ref{Type: search.TypeTender, ID: id} }

// C is the ref of campaign id.
func C(id int64) search.Ref { return search.Ref{Type: search.TypeCampaign, ID: id} }

// Refs returns the refs of the hits, in order.
func Refs(res *search.Result) []search.Ref {
	out := make([]search.Ref, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.Doc.Ref()
	}
	return out
}

func compareRefs(a, b search.Ref) int {
	return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.ID, b.ID))
}

func sortedRefs(rs []search.Ref) []search.Ref {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, compareRefs)
	return rs
}

// corpusWhere returns the refs of Corpus documents for which keep is true, in Corpus order.
func corpusWhere(keep func(search.Document) bool) []search.Ref {
	var out []search.Ref
	for _, d := range Corpus {
		if keep(d) {
			out = append(out, d.Ref())
		}
	}
	return out
}

// corpusSorted returns the refs of the documents kept, in the contract's order for a field or
// distance sort: the value (absent last, in both directions), then id, then type.
func corpusSorted(keep func(search.Document) bool, key func(search.Document) (float64, bool), desc bool) []search.Ref {
	var docs []search.Document
	for _, d := range Corpus {
		if keep == nil || keep(d) {
			docs = append(docs, d)
		}
	}
	slices.SortFunc(docs, func(a, b search.Document) int {
		va, oka := key(a)
		vb, okb := key(b)
		switch {
		case oka && !okb:
			return -1
		case !oka && okb:
			return 1
		case oka && okb && va != vb:
			if desc {
				return cmp.Compare(vb, va)
			}
			return cmp.Compare(va, vb)
		}
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Type, b.Type))
	})
	out := make([]search.Ref, len(docs))
	for i, d := range docs {
		out[i] = d.Ref()
	}
	return out
}
