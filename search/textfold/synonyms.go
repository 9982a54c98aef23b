package textfold

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed synonyms.txt
var synonymData string

// synonymIndex is the parsed synonyms.txt: the groups, and each folded member's groups.
type synonymIndex struct {
	groups  [][]string
	byWord  map[string][]int
	cjk     []string // Chinese members, longest first, for finding them inside a query term
	maxRune int
}

var synonyms = sync.OnceValue(func() *synonymIndex {
	idx, err := parseSynonyms(synonymData)
	if err != nil {
		panic(err) // the file is embedded and checked by a test
	}
	return idx
})

func parseSynonyms(data string) (*synonymIndex, error) {
	idx := &synonymIndex{byWord: map[string][]int{}}
	for n, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var group []string
		for _, w := range strings.Split(line, ",") {
			w = FoldString(strings.TrimSpace(w))
			if w == "" || strings.ContainsAny(w, " \t") {
				return nil, fmt.Errorf("synonyms.txt line %d: member %q must be one word", n+1, w)
			}
			if !slices.Contains(group, w) {
				group = append(group, w)
			}
		}
		if len(group) < 2 {
			return nil, fmt.Errorf("synonyms.txt line %d: a group needs two members", n+1)
		}
		g := len(idx.groups)
		idx.groups = append(idx.groups, group)
		for _, w := range group {
			idx.byWord[w] = append(idx.byWord[w], g)
			if r, _ := utf8.DecodeRuneInString(w); IsHan(r) && !slices.Contains(idx.cjk, w) {
				idx.cjk = append(idx.cjk, w)
				idx.maxRune = max(idx.maxRune, utf8.RuneCountInString(w))
			}
		}
	}
	slices.SortStableFunc(idx.cjk, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	return idx, nil
}

// SynonymGroups returns the groups of synonyms.txt, members folded, the first member first.
func SynonymGroups() [][]string {
	out := make([][]string, len(synonyms().groups))
	for i, g := range synonyms().groups {
		out[i] = slices.Clone(g)
	}
	return out
}

// Synonyms returns the other members of every group the word belongs to (the word is folded
// first, so 長者 finds 老人), or nil.
func Synonyms(word string) []string {
	idx := synonyms()
	w := FoldString(word)
	var out []string
	for _, g := range idx.byWord[w] {
		for _, m := range idx.groups[g] {
			if m != w && !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// SynonymMap maps every member to the other members of its groups: Meilisearch's synonyms
// setting.
func SynonymMap() map[string][]string {
	out := map[string][]string{}
	for w := range synonyms().byWord {
		out[w] = Synonyms(w)
	}
	return out
}

// MaxVariants bounds TermVariants.
const MaxVariants = 24

// TermVariants returns the other ways of writing a folded query term with synonyms: the whole
// term replaced by each synonym (老人 → 长者, elderly…), and, inside a Chinese term, each
// Chinese member it contains replaced by the others (独居老人 → 空巢老人, 独居长者…). The term
// itself is not included; at most limit variants.
func TermVariants(term string, limit int) []string {
	idx := synonyms()
	var out []string
	add := func(v string) bool {
		if v != term && !slices.Contains(out, v) {
			out = append(out, v)
		}
		return len(out) < limit
	}
	for _, s := range Synonyms(term) {
		if !add(s) {
			return out
		}
	}
	// Members found inside the term, left to right, longest first, not overlapping.
	type hit struct {
		from, to int // byte offsets
		alts     []string
	}
	var hits []hit
	for i := 0; i < len(term); {
		found := false
		for _, m := range idx.cjk {
			if strings.HasPrefix(term[i:], m) {
				if m == term {
					break // the whole term: done above
				}
				var alts []string
				for _, s := range Synonyms(m) {
					if r, _ := utf8.DecodeRuneInString(s); IsHan(r) {
						alts = append(alts, s)
					}
				}
				hits = append(hits, hit{from: i, to: i + len(m), alts: alts})
				i += len(m)
				found = true
				break
			}
		}
		if !found {
			_, n := utf8.DecodeRuneInString(term[i:])
			i += n
		}
	}
	if len(hits) == 0 {
		return out
	}
	// Every combination of keeping or replacing each member found, breadth first so one
	// replacement at a time comes before two.
	var walk func(k int, prefix string, changed int) bool
	for want := 1; want <= len(hits); want++ {
		walk = func(k int, prefix string, changed int) bool {
			if k == len(hits) {
				if changed == want {
					return add(prefix + term[hits[k-1].to:])
				}
				return true
			}
			start := 0
			if k > 0 {
				start = hits[k-1].to
			}
			keep := prefix + term[start:hits[k].to]
			if !walk(k+1, keep, changed) {
				return false
			}
			if changed < want {
				for _, a := range hits[k].alts {
					if !walk(k+1, prefix+term[start:hits[k].from]+a, changed+1) {
						return false
					}
				}
			}
			return true
		}
		if !walk(0, "", 0) {
			return out
		}
	}
	return out
}
