package embedded

import (
	"slices"
	"strings"

	"github.com/wushe/wushe/search/textfold"
)

// Query terms as residents type them: with synonyms (老人 also finds 长者 and elderly) and, for
// Latin letters, as pinyin (xihu, xi1hu2, xīhú) and initials (xh) of Chinese text.

// qterm is one query term with the other ways it may be written.
type qterm struct {
	term
	variants []term  // synonyms of the whole term or of words inside it
	sound    *sound  // the term read as pinyin or initials; nil when it cannot be
	split    []qterm // a term mixing Chinese and Latin letters (西湖jz): each run on its own
}

// sound is a run of Latin letters read as Chinese.
type sound struct {
	segs  [][]string // pinyin syllables, every way the letters split (xian: xian | xi an)
	inits string     // the letters as initials ("xh"), "" when they cannot be
}

// compileTerms adds synonyms and readings to parsed terms.
func compileTerms(ts []term) []qterm {
	out := make([]qterm, len(ts))
	for i, t := range ts {
		out[i] = compileTerm(t, true)
	}
	return out
}

func compileTerm(t term, top bool) qterm {
	qt := qterm{term: t}
	var text strings.Builder
	for _, r := range t.runs {
		text.WriteString(string(r.runes))
	}
	for _, v := range textfold.TermVariants(text.String(), textfold.MaxVariants) {
		if vt := parseTerms(v); len(vt) == 1 {
			qt.variants = append(qt.variants, vt[0])
		}
	}
	if len(t.runs) == 1 {
		qt.sound = soundOf(t.runs[0])
		return qt
	}
	if !top {
		return qt
	}
	latin := false
	for _, r := range t.runs {
		latin = latin || soundOf(r) != nil
	}
	if latin {
		for _, r := range t.runs {
			qt.split = append(qt.split, compileTerm(term{runs: []run{r}}, false))
		}
	}
	return qt
}

// soundOf reads a word run as pinyin (tones marked or numbered are dropped) and as initials.
func soundOf(r run) *sound {
	if r.class != word {
		return nil
	}
	letters := textfold.StripTones(string(r.runes))
	s := &sound{segs: textfold.Syllabify(letters, textfold.MaxSegmentations)}
	// Letters that read as pinyin are not also tried as initials: laoren means 老人, and
	// l-a-o-r-e-n as six initials would only add noise (and cost).
	if len(s.segs) == 0 && textfold.MayBeInitials(letters) {
		s.inits = letters
	}
	if len(s.segs) == 0 && s.inits == "" {
		return nil
	}
	return s
}

// hasSound reports whether matching the terms needs the pinyin table.
func hasSound(qts []qterm) bool {
	for _, qt := range qts {
		if qt.sound != nil || len(qt.split) > 0 {
			return true
		}
	}
	return false
}

// exactExpr is the FTS5 expression on docs_fts for the term and its synonyms.
func (qt qterm) exactExpr() string {
	if len(qt.variants) == 0 {
		return qt.expr()
	}
	parts := []string{qt.expr()}
	for _, v := range qt.variants {
		parts = append(parts, v.expr())
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// pinyinExpr is the FTS5 expression on docs_py for the pinyin reading, "" when there is none.
// A syllable is its token "00xi"; several syllables are their pairs, AND-ed: "xhi0u" AND
// "hju0ian" AND "jzian0hu". The pairs must all be in the document, not necessarily in one
// place: FTS5 has no phrases over the several tokens a polyphone puts at one position, and
// with overlapping pairs a false match needs every pair elsewhere in the same record.
func (s *sound) pinyinExpr() string {
	if s == nil || len(s.segs) == 0 {
		return ""
	}
	var alts []string
	for _, seg := range s.segs {
		if len(seg) == 1 {
			alts = append(alts, `"00`+seg[0]+`"`)
			continue
		}
		var pairs []string
		for i := 0; i+1 < len(seg); i++ {
			p := `"` + pairToken(seg[i], seg[i+1]) + `"`
			if !slices.Contains(pairs, p) {
				pairs = append(pairs, p)
			}
		}
		alts = append(alts, "("+strings.Join(pairs, " AND ")+")")
	}
	return "(" + strings.Join(alts, " OR ") + ")"
}

// initialsExpr is the FTS5 expression on docs_py for the initials reading, "" when there is
// none: every two neighbouring letters are the start of a pair token ("xh" *), AND-ed.
func (s *sound) initialsExpr() string {
	if s == nil || s.inits == "" {
		return ""
	}
	var pairs []string
	for i := 0; i+1 < len(s.inits); i++ {
		p := `"` + s.inits[i:i+2] + `" *`
		if !slices.Contains(pairs, p) {
			pairs = append(pairs, p)
		}
	}
	return "(" + strings.Join(pairs, " AND ") + ")"
}

// soundSpans finds where folded text reads as the sound: a run of Chinese characters whose
// readings are the syllables of one segmentation, or whose initials are the letters.
func soundSpans(text []rune, s *sound) []span {
	if s == nil {
		return nil
	}
	var out []span
	for i := range text {
		if !textfold.IsHan(text[i]) {
			continue
		}
		for _, seg := range s.segs {
			if n := len(seg); i+n <= len(text) && readsAs(text[i:i+n], seg) {
				out = append(out, span{i, i + n})
			}
		}
		if n := len(s.inits); n > 0 && i+n <= len(text) && initialsAre(text[i:i+n], s.inits) {
			out = append(out, span{i, i + n})
		}
	}
	return out
}

// soundIn reports whether folded text holds the pinyin (kind 'p') or the initials (kind 'i').
func soundIn(text string, s *sound, kind byte) bool {
	rs := []rune(text)
	for i := range rs {
		if !textfold.IsHan(rs[i]) {
			continue
		}
		if kind == 'p' {
			for _, seg := range s.segs {
				if n := len(seg); i+n <= len(rs) && readsAs(rs[i:i+n], seg) {
					return true
				}
			}
		} else if n := len(s.inits); n > 0 && i+n <= len(rs) && initialsAre(rs[i:i+n], s.inits) {
			return true
		}
	}
	return false
}

func readsAs(chars []rune, seg []string) bool {
	for k, c := range chars {
		rs := textfold.Readings(c)
		if len(rs) > maxReadings {
			rs = rs[:maxReadings]
		}
		if !slices.Contains(rs, seg[k]) {
			return false
		}
	}
	return true
}

func initialsAre(chars []rune, inits string) bool {
	for k, c := range chars {
		if !readsWithInitial(c, inits[k]) {
			return false
		}
	}
	return true
}

// readsWithInitial reports whether one of the character's indexed readings starts with b.
func readsWithInitial(c rune, b byte) bool {
	cs := textfold.SoundOf(c)
	if cs == nil {
		return false
	}
	for _, r := range cs.Readings[:min(len(cs.Readings), maxReadings)] {
		if r[0] == b {
			return true
		}
	}
	return false
}
