package meili

import (
	"slices"
	"strings"
	"unicode"

	"github.com/wushe/wushe/search/textfold"
)

// Meilisearch matches Chinese characters (segmented by jieba, folded to simplified by
// charabia) but knows no pinyin. So each document also carries how its Chinese text sounds,
// as Latin words in two searchable attributes after the text ones:
//
//   - py: for every Chinese character its readings (xi, hu), and for every two to four
//     neighbouring characters their readings joined (xihu, xihujian), every combination of a
//     polyphone's readings (银行: yinhang, yinxing);
//   - ini: the initials of every two, three and four neighbouring characters (xh, xhj, xhjz).
//
// A Latin query word then matches one of these words as it is typed. Longer words are cut
// into overlapping pieces the index holds (queryText).

// maxReadings bounds the readings of one character (the most common first), as in the
// embedded engine: later readings of a polyphone are nearly all archaic (和 huo, hu; 重 tong).
const maxReadings = 2

// maxGram is the most characters whose readings are joined into one word: a query word of
// up to four syllables (an English word such as medicine reads as me-di-ci-ne) is matched as
// typed, longer pinyin is cut into pieces of four.
const maxGram = 4

// maxCombos bounds the words made for one window of characters with several polyphones.
const maxCombos = 8

// pinyinFields returns the py and ini attributes of a document's text.
func pinyinFields(texts ...string) (py, ini string) {
	var p, in []string
	seenP, seenI := map[string]bool{}, map[string]bool{}
	add := func(list *[]string, seen map[string]bool, w string) {
		if !seen[w] {
			seen[w] = true
			*list = append(*list, w)
		}
	}
	for _, text := range texts {
		for _, run := range hanRuns(textfold.FoldString(text)) {
			readings := make([][]string, len(run))
			inits := make([][]string, len(run))
			for i, c := range run {
				rs := textfold.Readings(c)
				if len(rs) > maxReadings {
					rs = rs[:maxReadings]
				}
				readings[i] = rs
				for _, r := range rs {
					if !slices.Contains(inits[i], r[:1]) {
						inits[i] = append(inits[i], r[:1])
					}
				}
			}
			for i := range run {
				for n := 1; n <= maxGram && i+n <= len(run); n++ {
					for _, w := range joins(readings[i : i+n]) {
						add(&p, seenP, w)
					}
				}
				for n := 2; n <= 4 && i+n <= len(run); n++ {
					for _, w := range joins(inits[i : i+n]) {
						add(&in, seenI, w)
					}
				}
			}
		}
	}
	return strings.Join(p, " "), strings.Join(in, " ")
}

// joins returns the words made by joining one choice per position, at most maxCombos; nil
// when a position has no choice (a character without a reading).
func joins(parts [][]string) []string {
	out := []string{""}
	for _, choices := range parts {
		if len(choices) == 0 {
			return nil
		}
		var next []string
		for _, prefix := range out {
			for _, c := range choices {
				if len(next) < maxCombos {
					next = append(next, prefix+c)
				}
			}
		}
		out = next
	}
	return out
}

// hanRuns splits folded text into runs of Chinese characters.
func hanRuns(s string) [][]rune {
	var out [][]rune
	var cur []rune
	for _, r := range s {
		if textfold.IsHan(r) {
			cur = append(cur, r)
			continue
		}
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// queryText prepares what a resident typed for Meilisearch: full-width letters and digits
// folded (ｘｉｈｕ), tones dropped (xī hú, xi1hu2), Latin letters glued to Chinese split off
// (西湖jz → 西湖 jz), traditional characters folded to simplified as in the documents' folded
// copies, and a Latin word longer than the index's pieces cut into overlapping ones: pinyin of
// five or more syllables into fours (shequfuwuzhan → shequfuwu qufuwuzhan).
func queryText(text string) string {
	var words []string
	var cur []rune
	curHan := false
	flush := func() {
		if len(cur) == 0 {
			return
		}
		w := string(cur)
		cur = nil
		if curHan {
			words = append(words, w)
			return
		}
		words = append(words, latinWord(w)...)
	}
	for _, r := range text {
		f := textfold.Fold(r)
		switch han := textfold.IsHan(f); {
		case unicode.IsSpace(f) || unicode.IsPunct(f) && f != '\'' || unicode.IsSymbol(f):
			// Separators only: Meilisearch would read " as a phrase and a leading - as "not".
			flush()
		case han != curHan && len(cur) > 0:
			flush()
			curHan = han
			cur = append(cur, f)
		default:
			curHan = han
			cur = append(cur, f)
		}
	}
	flush()
	return strings.Join(strings.Fields(strings.Join(words, " ")), " ")
}

// latinWord folds one Latin word and cuts long pinyin or initials into indexed pieces.
func latinWord(w string) []string {
	letters := textfold.StripTones(w)
	if strings.Trim(letters, "abcdefghijklmnopqrstuvwxyz") != "" {
		return []string{w} // digits or other scripts: as typed
	}
	if segs := textfold.Syllabify(letters, 1); len(segs) == 1 && len(segs[0]) > maxGram {
		seg := segs[0]
		var out []string
		for i := 0; i+maxGram <= len(seg); i++ {
			out = append(out, strings.Join(seg[i:i+maxGram], ""))
		}
		return out
	}
	// Initials are not cut: an English word (elderly) is also a run of possible initials, and
	// must reach the index whole. Initials of up to four characters are indexed.
	return []string{letters}
}
