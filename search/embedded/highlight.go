package embedded

import (
	"slices"
	"strings"
)

// span is a half-open range of rune positions.
type span struct{ from, to int }

// matchSpans finds where the query terms occur in text, in the same sense as the index: a CJK
// run anywhere as a substring (a single character everywhere), a word only as a whole word.
// Overlapping and touching spans are merged.
func matchSpans(text []rune, qts []qterm) []span {
	folded := make([]rune, len(text))
	for i, r := range text {
		folded[i] = fold(r)
	}
	var spans []span
	var terms []term
	for _, qt := range qts {
		terms = append(append(terms, qt.term), qt.variants...)
		spans = append(spans, soundSpans(folded, qt.sound)...)
		for _, part := range qt.split {
			terms = append(terms, part.term)
			spans = append(spans, soundSpans(folded, part.sound)...)
		}
	}
	for _, t := range terms {
		for _, r := range t.runs {
			pat := r.runes
			if r.class == word {
				pat = pat[:min(len(pat), maxWordRunes)]
			}
			for i := 0; i+len(pat) <= len(folded); i++ {
				if !slices.Equal(folded[i:i+len(pat)], pat) {
					continue
				}
				// A word cut at maxWordRunes matches whatever follows the cut, as in the index.
				if r.class == word && len(r.runes) <= maxWordRunes {
					if i > 0 && classify(folded[i-1]) == word {
						continue
					}
					if j := i + len(pat); j < len(folded) && classify(folded[j]) == word {
						continue
					}
				}
				spans = append(spans, span{i, i + len(pat)})
			}
		}
	}
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.from <= last.to {
			last.to = max(last.to, s.to)
			continue
		}
		out = append(out, s)
	}
	return out
}

// mark writes text[from:to] with the spans (clipped to the window) wrapped in tags.
func mark(text []rune, spans []span, from, to int, pre, post string) string {
	var b strings.Builder
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
	return b.String()
}

// cropMarker ends a snippet cut inside the text, as Meilisearch does.
const cropMarker = "…"

// highlightTitle returns the whole title with matches tagged.
func highlightTitle(title string, terms []qterm, pre, post string) string {
	rs := []rune(title)
	return mark(rs, matchSpans(rs, terms), 0, len(rs), pre, post)
}

// snippet returns about n runes of body around its first match (from the start when nothing
// matches), with matches tagged and crop markers where the text was cut.
func snippet(body string, terms []qterm, n int, pre, post string) string {
	rs := []rune(body)
	spans := matchSpans(rs, terms)
	from := 0
	if len(spans) > 0 {
		// A little context before the match, the rest after it.
		from = max(0, spans[0].from-n/4)
	}
	to := min(len(rs), from+n)
	from = max(0, min(from, to-n))
	var b strings.Builder
	if from > 0 {
		b.WriteString(cropMarker)
	}
	b.WriteString(mark(rs, spans, from, to, pre, post))
	if to < len(rs) {
		b.WriteString(cropMarker)
	}
	return b.String()
}
