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
//   - py: every reading of every Chinese character (xi, hu) and, for every two neighbouring
//     characters, their readings joined (xihu), every combination of a polyphone's readings
//     (银行: yinhang, yinxing);
//   - ini: the initials of every two neighbouring characters (xh).
//
// Each is a list with one word per element: Meilisearch puts elements of a list 8 positions
// apart, beyond its proximity window, so these words cost no word-pair proximity entries (a
// space-separated string of 200 words per document cost ten times the indexing time). A Latin
// query word matches one of these words as typed; longer ones are cut into the pairs the index
// holds (queryText), which Meilisearch requires all of. Only pairs are indexed: joined words of three and four characters made the
// index a hundred times larger (every one is a distinct word) and indexing 100,000 documents
// took over ten minutes.

// maxReadings bounds the readings of one character (the most common first), as in the
// embedded engine: later readings of a polyphone are nearly all archaic (和 huo, hu; 重 tong).
const maxReadings = 2

// maxCombos bounds the words made for two neighbouring polyphones.
const maxCombos = 4

// pinyinFields returns the py and ini attributes of a document's text.
func pinyinFields(texts ...string) (py, ini []string) {
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
				for n := 1; n <= 2 && i+n <= len(run); n++ {
					for _, w := range joins(readings[i : i+n]) {
						add(&p, seenP, w)
					}
				}
				if i+2 <= len(run) {
					for _, w := range joins(inits[i : i+2]) {
						add(&in, seenI, w)
					}
				}
			}
		}
	}
	return p, in
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
// copies, and a Latin word longer than the index's pairs cut into overlapping pairs:
// shequfuwu → shequ qufu fuwu, xhjz → xh hj jz.
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

// latinWord folds one Latin word and cuts long pinyin or initials into the indexed pairs. A
// word that could be English stays whole: one of the English words of the synonyms (canteen,
// medicine read as pinyin too), or letters with a vowel that are not pinyin (elderly, care).
func latinWord(w string) []string {
	letters := textfold.StripTones(w)
	if strings.Trim(letters, "abcdefghijklmnopqrstuvwxyz") != "" || textfold.Synonyms(letters) != nil {
		return []string{w} // digits, other scripts, or a known English word: as typed
	}
	if segs := textfold.Syllabify(letters, 1); len(segs) == 1 {
		seg := segs[0]
		if len(seg) <= 2 {
			return []string{letters}
		}
		var out []string
		for i := 0; i+2 <= len(seg); i++ {
			out = append(out, seg[i]+seg[i+1])
		}
		return out
	}
	if textfold.MayBeInitials(letters) && len(letters) > 2 && !strings.ContainsAny(letters, "aeo") {
		var out []string
		for i := 0; i+2 <= len(letters); i++ {
			out = append(out, letters[i:i+2])
		}
		return out
	}
	return []string{letters}
}
