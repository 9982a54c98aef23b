package embedded

import (
	"strings"
	"unicode"

	"github.com/wushe/wushe/search/textfold"
)

// Chinese is written without spaces and no word segmenter is exact, so the embedded engine
// indexes Chinese (and other CJK scripts) as overlapping character bigrams: 居家养老 becomes
// 居家 家养 养老. A query term becomes the phrase of its bigrams, which matches exactly the
// documents containing the term as a substring — 养老 finds 居家养老服务 and 养老院 alike.
//
// A single character cannot be found among bigrams by exact match, and FTS5 has prefix but no
// suffix queries. So the last character of every CJK run is also indexed, in separate "_end"
// columns (so it does not disturb phrase positions): a one-character query X is the prefix
// query X*, which matches every bigram starting with X plus every run ending with X — that is,
// every occurrence of X.
//
// Other letters and digits form words, lower-cased; full-width ASCII (ＡＢＣ３) folds to ASCII,
// and traditional characters to simplified (textfold.Fold), so 建築 and 建筑 are one text.
//
// Chinese characters are also indexed by sound, in a second FTS5 table (pinyinText): every
// reading of every character, and for every pair of neighbouring characters the pair of their
// readings led by their initials ("xhi0u" for 西湖), every combination of a polyphone's
// readings (银行: yhin0ang and yxin0ing). A Latin query term is looked up there as well as as a
// word (sound.go).

// class is a rune's role in tokenization.
type class int

const (
	sep  class = iota // separator: spaces, punctuation, symbols
	word              // letters and digits of space-separated scripts
	cjk               // Han, kana, Hangul: indexed as bigrams
)

// maxWordRunes caps a word token so a pasted blob cannot make a huge term.
const maxWordRunes = 64

// fold maps a rune to its indexed form, one rune to one rune so positions in the folded text
// are positions in the original (highlighting relies on it).
func fold(r rune) rune { return textfold.Fold(r) }

func classify(r rune) class {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
		return cjk
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
		return word
	}
	return sep
}

// run is a maximal sequence of runes of one class (word or cjk).
type run struct {
	class class
	runes []rune // folded
	start int    // index of the first rune in the folded text
}

// runs splits folded text into word and CJK runs, dropping separators.
func runs(text []rune) []run {
	var out []run
	i := 0
	for i < len(text) {
		c := classify(text[i])
		if c == sep {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && classify(text[j]) == c {
			j++
		}
		out = append(out, run{class: c, runes: text[i:j], start: i})
		i = j
	}
	return out
}

func foldString(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = fold(r)
	}
	return rs
}

// indexText returns the space-separated tokens FTS5 stores for one field: main holds words
// and bigrams in text order (for phrases), ends holds the last character of every CJK run.
func indexText(s string) (main, ends string) {
	var m, e strings.Builder
	add := func(b *strings.Builder, tok []rune) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(tok))
	}
	for _, r := range runs(foldString(s)) {
		if r.class == word {
			add(&m, r.runes[:min(len(r.runes), maxWordRunes)])
			continue
		}
		for i := 0; i+1 < len(r.runes); i++ {
			add(&m, r.runes[i:i+2])
		}
		add(&e, r.runes[len(r.runes)-1:])
	}
	return m.String(), e.String()
}

// term is one query term: the runs of a space- and punctuation-free piece of the query.
type term struct {
	runs []run
}

// parseTerms splits query text into terms at spaces and punctuation. Within a term, scripts
// may change (3号楼) and the runs must appear next to each other.
func parseTerms(text string) []term {
	rs := foldString(text)
	var out []term
	var cur []run
	prevEnd := -1
	for _, r := range runs(rs) {
		if len(cur) > 0 && r.start != prevEnd {
			out = append(out, term{runs: cur})
			cur = nil
		}
		cur = append(cur, r)
		prevEnd = r.start + len(r.runes)
	}
	if len(cur) > 0 {
		out = append(out, term{runs: cur})
	}
	return out
}

// matchExpr returns the FTS5 expression for the terms, AND-ed. Tokens only ever hold letters,
// digits and CJK characters, so they need no escaping inside double quotes.
func matchExpr(terms []term) string {
	var parts []string
	for _, t := range terms {
		parts = append(parts, t.expr())
	}
	return strings.Join(parts, " AND ")
}

func (t term) expr() string {
	single := func(r run) bool { return r.class == cjk && len(r.runes) == 1 }
	if len(t.runs) == 1 && single(t.runs[0]) {
		return `"` + string(t.runs[0].runes) + `" *`
	}
	for _, r := range t.runs {
		if single(r) {
			// A lone CJK character inside a mixed term (3号) has no bigram to chain into a
			// phrase, so each run is matched on its own.
			var parts []string
			for _, r := range t.runs {
				parts = append(parts, term{runs: []run{r}}.expr())
			}
			return "(" + strings.Join(parts, " AND ") + ")"
		}
	}
	var toks []string
	for _, r := range t.runs {
		if r.class == word {
			toks = append(toks, string(r.runes[:min(len(r.runes), maxWordRunes)]))
			continue
		}
		for i := 0; i+1 < len(r.runes); i++ {
			toks = append(toks, string(r.runes[i:i+2]))
		}
	}
	return `"` + strings.Join(toks, " ") + `"`
}

// maxReadings bounds the readings of one character that are indexed, the most common first:
// the third and later readings of a polyphone are nearly all archaic or dialect (和 huo, hu;
// 重 tong), and every reading kept multiplies the pairs around it.
const maxReadings = 2

// pinyinText returns the sound tokens of a text for the docs_py table, each once:
//
//   - "00<reading>" for every reading of every Chinese character ("00xi", "00hu"): a
//     one-syllable query is that token (the shared "00" costs the two-character prefix index
//     one entry per document, not one per syllable);
//   - for every two neighbouring characters and every combination of their readings, the two
//     initials first, then the rest of each reading: 西湖 (xi, hu) → "xhi0u", 银行 → "yhin0ang"
//     and "yxin0ing". Pinyin of several syllables is its pairs; initials are a prefix of a
//     pair, so xh is the prefix query "xh" *, and need no tokens of their own.
//
// Only the first maxReadings readings of a character are indexed. The digits keep the pieces
// apart: no pair token starts with a digit, and 0 ends the first syllable.
func pinyinText(s string) string {
	var w soundWriter
	return w.text(s)
}

// soundWriter makes pinyinText's tokens; its buffers are reused from one text to the next.
type soundWriter struct {
	b    strings.Builder
	seen map[uint32]struct{} // tokens written to this text: syllable ids, pairs of them
}

func (w *soundWriter) text(s string) string {
	w.b.Reset()
	if w.seen == nil {
		w.seen = make(map[uint32]struct{}, 256)
	}
	clear(w.seen)
	first := func(key uint32) bool {
		if _, ok := w.seen[key]; ok {
			return false
		}
		w.seen[key] = struct{}{}
		if w.b.Len() > 0 {
			w.b.WriteByte(' ')
		}
		return true
	}
	const unigram = 1 << 30
	for _, r := range runs(foldString(s)) {
		if r.class != cjk {
			continue
		}
		var prev *textfold.CharSound
		for _, c := range r.runes {
			cur := textfold.SoundOf(c)
			if cur == nil {
				prev = nil
				continue
			}
			cr := cur.Readings[:min(len(cur.Readings), maxReadings)]
			for j, z := range cr {
				if first(unigram | uint32(cur.IDs[j])) {
					w.b.WriteString("00")
					w.b.WriteString(z)
				}
			}
			if prev != nil {
				for k, a := range prev.Readings[:min(len(prev.Readings), maxReadings)] {
					for j, z := range cr {
						if first(uint32(prev.IDs[k])<<16 | uint32(cur.IDs[j])) {
							writePair(&w.b, a, z)
						}
					}
				}
			}
			prev = cur
		}
	}
	return w.b.String()
}

// writePair writes the pair token of two readings: both initials, then the rest of each with
// 0 between (xi, hu → xhi0u).
func writePair(b *strings.Builder, a, z string) {
	b.WriteByte(a[0])
	b.WriteByte(z[0])
	b.WriteString(a[1:])
	b.WriteByte('0')
	b.WriteString(z[1:])
}

// pairToken returns the pair token of two readings.
func pairToken(a, z string) string {
	var b strings.Builder
	writePair(&b, a, z)
	return b.String()
}
