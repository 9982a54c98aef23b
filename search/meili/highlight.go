package meili

import (
	"slices"
	"strings"
	"unicode"

	"github.com/wushe/wushe/search/textfold"
)

// Meilisearch highlights what it matched. A record found through its hidden attributes — the
// pinyin (xihu → 西湖) or the folded copy of traditional text charabia does not convert (建筑 →
// 建築) — comes back unmarked. For those the marks are made here, in the record's own
// characters, with the embedded engine's rules: Chinese anywhere, Latin letters as a whole
// word, or as the pinyin or initials of Chinese characters; synonyms too.

type span struct{ from, to int }

// localSpans finds where the query's terms are in text (rune positions).
func localSpans(text []rune, query string) []span {
	folded := make([]rune, len(text))
	for i, r := range text {
		folded[i] = textfold.Fold(r)
	}
	var spans []span
	for _, term := range strings.FieldsFunc(textfold.StripTones(textfold.FoldString(query)), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	}) {
		for _, v := range append([]string{term}, textfold.TermVariants(term, textfold.MaxVariants)...) {
			for _, part := range scriptRuns(v) {
				spans = append(spans, partSpans(folded, part)...)
			}
		}
	}
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	out := spans[:1]
	for _, s := range spans[1:] {
		if last := &out[len(out)-1]; s.from <= last.to {
			last.to = max(last.to, s.to)
			continue
		}
		out = append(out, s)
	}
	return out
}

// scriptRuns splits a term into its Chinese and other runs (西湖jz → 西湖, jz).
func scriptRuns(term string) []string {
	var out []string
	var cur []rune
	han := false
	for _, r := range term {
		if h := textfold.IsHan(r); len(cur) > 0 && h != han {
			out = append(out, string(cur))
			cur = nil
		}
		han = textfold.IsHan(r)
		cur = append(cur, r)
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

func partSpans(folded []rune, part string) []span {
	pat := []rune(part)
	var out []span
	isWord := func(r rune) bool { return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !textfold.IsHan(r) }
	han := textfold.IsHan(pat[0])
	for i := 0; i+len(pat) <= len(folded); i++ {
		if !slices.Equal(folded[i:i+len(pat)], pat) {
			continue
		}
		if !han && (i > 0 && isWord(folded[i-1]) || i+len(pat) < len(folded) && isWord(folded[i+len(pat)])) {
			continue
		}
		out = append(out, span{i, i + len(pat)})
	}
	if han {
		return out
	}
	// Latin letters read as Chinese: every segmentation into syllables, and as initials.
	segs := textfold.Syllabify(part, textfold.MaxSegmentations)
	inits := ""
	if textfold.MayBeInitials(part) {
		inits = part
	}
	for i := range folded {
		for _, seg := range segs {
			if i+len(seg) <= len(folded) && readsAs(folded[i:i+len(seg)], seg) {
				out = append(out, span{i, i + len(seg)})
			}
		}
		if inits != "" && i+len(inits) <= len(folded) && initialsAre(folded[i:i+len(inits)], inits) {
			out = append(out, span{i, i + len(inits)})
		}
	}
	return out
}

func readsAs(chars []rune, seg []string) bool {
	for k, c := range chars {
		rs := textfold.Readings(c)
		if !slices.Contains(rs[:min(len(rs), maxReadings)], seg[k]) {
			return false
		}
	}
	return true
}

func initialsAre(chars []rune, inits string) bool {
	for k, c := range chars {
		rs := textfold.Readings(c)
		if !slices.ContainsFunc(rs[:min(len(rs), maxReadings)], func(r string) bool { return r[0] == inits[k] }) {
			return false
		}
	}
	return true
}

// markLocal returns text[from:to] with the spans tagged, and crop marks where it was cut.
func markLocal(text []rune, spans []span, from, to int, pre, post string) string {
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, s := range spans {
		s.from, s.to = max(s.from, from), min(s.to, to)
		if s.from >= s.to {
			continue
		}
		b.WriteString(string(text[pos:s.from]))
		b.WriteString(pre)
		b.WriteString(string(text[s.from:s.to]))
		b.WriteString(post)
		pos = s.to
	}
	b.WriteString(string(text[pos:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// localHighlight marks the title, and crops and marks the body around its first match, when
// Meilisearch marked nothing in them; n is the snippet length in characters.
func localHighlight(title, snippet string, d doc, query string, n int, pre, post string) (string, string) {
	if !strings.Contains(title, pre) {
		rs := []rune(d.Title)
		if spans := localSpans(rs, query); len(spans) > 0 {
			title = markLocal(rs, spans, 0, len(rs), pre, post)
		}
	}
	if !strings.Contains(snippet, pre) {
		rs := []rune(d.Body)
		if spans := localSpans(rs, query); len(spans) > 0 {
			from := max(0, spans[0].from-n/4)
			to := min(len(rs), from+n)
			from = max(0, min(from, to-n))
			snippet = markLocal(rs, spans, from, to, pre, post)
		}
	}
	return title, snippet
}
