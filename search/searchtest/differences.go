package searchtest

import (
	"slices"
	"strings"
	"testing"

	"github.com/wushe/wushe/search"
)

// difference is a query on which the engines differ by design. Each engine's behaviour is
// asserted, so a change in either shows up as a failing test rather than a silent drift, and
// docs/search.md explains each row to users of the search box.
type difference struct {
	name    string
	text    string
	why     string
	ordered bool                    // compare hit order too (relevance order differences)
	want    map[string][]search.Ref // by Engine.Name
}

// containing lists the Corpus documents whose title, body or tags contain s.
func containing(s string) []search.Ref {
	return corpusWhere(func(d search.Document) bool {
		return strings.Contains(d.Title, s) || strings.Contains(d.Body, s) || slices.ContainsFunc(d.Tags, func(t string) bool { return strings.Contains(t, s) })
	})
}

func differences() []difference {
	return []difference{
		{
			name: "single character",
			text: "老",
			why: "embedded: a one-character term matches every occurrence of the character (bigram prefix " +
				"plus run-final character); meili: jieba makes words and a single character is a prefix of " +
				"the last query word, so 老人 matches but 养老, 养老院 and 助老 do not",
			want: map[string][]search.Ref{
				"embedded": containing("老"),
				"meili":    {N(1), N(2), N(5), P(1), P(3), V(1), T(1), C(1)},
			},
		},
		{
			name: "single character inside words",
			text: "人",
			why: "embedded: every 人, as above; meili: only words starting with 人 (人员) or the word 人 " +
				"itself (2213人), not 老人",
			want: map[string][]search.Ref{
				"embedded": containing("人"),
				"meili":    {N(7), O(1)},
			},
		},
		{
			name: "traditional characters",
			text: "養老",
			why: "meili (charabia) folds traditional characters to simplified in documents and queries; " +
				"embedded has no conversion table, so 養老 only finds text written 養老",
			want: map[string][]search.Ref{
				"embedded": nil,
				"meili":    {N(2), P(3), O(2), T(1)},
			},
		},
		{
			name: "words, not substrings",
			text: "老人送餐",
			why: "meili segments the query into 老人 + 送餐 and requires both words anywhere; embedded " +
				"treats text typed without spaces as one term and requires it as written (only project-1 " +
				"has 老人送餐 verbatim): type 老人 送餐 with a space to get both engines' AND",
			want: map[string][]search.Ref{
				"embedded": {P(1)},
				"meili":    {N(1), P(1)},
			},
		},
		{
			name: "prefix of the last word",
			text: "volunt",
			why:  "meili matches the last query word as a prefix (search as you type); embedded matches whole words",
			want: map[string][]search.Ref{
				"embedded": nil,
				"meili":    {V(3)},
			},
		},
		{
			name: "typo tolerance",
			text: "volunter",
			why:  "meili tolerates typos in Latin words of 5+ letters; embedded has none",
			want: map[string][]search.Ref{
				"embedded": nil,
				"meili":    {V(3)},
			},
		},
		{
			name: "full-width Latin letters",
			text: "ＶＯＬＵＮＴＥＥＲ",
			why: "embedded folds full-width ASCII (typed in an IME's full-width mode) to ASCII; meili folds " +
				"full-width digits (３号楼 finds 3号楼) but not letters",
			want: map[string][]search.Ref{
				"embedded": {V(3)},
				"meili":    nil,
			},
		},
		{
			name: "relevance order",
			text: "服务",
			why: "both rank title matches first (a contract case), but order them differently: embedded " +
				"by a field bucket (title, tags, body) and then newest first, meili by its ranking rules " +
				"(proximity, attribute position, exactness) — scores are not comparable across engines",
			ordered: true,
			want: map[string][]search.Ref{
				"embedded": {N(2), T(1), P(1), T(2), O(1)},
				"meili":    {N(2), P(1), T(2), T(1), O(1)},
			},
		},
	}
}

func testDifferences(t *testing.T, engine string, idx search.Index) {
	for _, d := range differences() {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			want, ok := d.want[engine]
			if !ok {
				t.Fatalf("engine %q has no expectation for %q: add its behaviour to the differences table", engine, d.text)
			}
			res := mustSearch(t, idx, search.Query{Text: d.text, PageSize: search.MaxPageSize})
			got := Refs(res)
			if !d.ordered {
				got, want = sortedRefs(got), sortedRefs(want)
			}
			if !slices.Equal(got, want) || res.Total != len(want) {
				t.Errorf("%q on %s: hits %v (total %d), want %v\nwhy they differ: %s", d.text, engine, got, res.Total, want, d.why)
			}
		})
	}
}
