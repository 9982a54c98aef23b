package embedded

import (
	"strings"
	"unicode/utf8"
)

// needle is a term as folded strings to look for in a folded field.
type needle struct {
	parts []string
	words []bool   // the part is a word: match whole words only
	toks  []uint64 // hashes of the tokens a field's bloom must hold for the field to contain the term
}

func termNeedles(terms []term) []needle {
	out := make([]needle, len(terms))
	for i, t := range terms {
		for _, r := range t.runs {
			rs := r.runes
			if r.class == word {
				rs = rs[:min(len(rs), maxWordRunes)]
			}
			out[i].parts = append(out[i].parts, string(rs))
			out[i].words = append(out[i].words, r.class == word)
			switch {
			case r.class == word || len(rs) == 1:
				out[i].toks = append(out[i].toks, fnv64(string(rs)))
			default:
				for k := 0; k+1 < len(rs); k++ {
					out[i].toks = append(out[i].toks, fnv64(string(rs[k:k+2])))
				}
			}
		}
	}
	return out
}

// soundTitleLimit bounds the matches whose titles are read to rank pinyin and initials
// matches in the title above those elsewhere.
const soundTitleLimit = 1000

// anyIn reports whether the field holds one of the needles (a term or one of its synonyms).
func anyIn(ns []needle, sig *bloom, field string) bool {
	for _, n := range ns {
		if n.maybeIn(sig) && n.in(field) {
			return true
		}
	}
	return false
}

// maybeIn is the bloom test: false means the field cannot contain the term.
func (n needle) maybeIn(sig *bloom) bool {
	for _, t := range n.toks {
		if !sig.has(t) {
			return false
		}
	}
	return true
}

func (n needle) in(field string) bool {
	for k, p := range n.parts {
		if !n.words[k] {
			if !strings.Contains(field, p) {
				return false
			}
			continue
		}
		if !containsWord(field, p) {
			return false
		}
	}
	return true
}

// containsWord reports whether w occurs in s with no word character on either side.
func containsWord(s, w string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		i += off
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(w):])
		if (i == 0 || classify(before) != word) && (i+len(w) == len(s) || classify(after) != word) {
			return true
		}
		off = i + 1
	}
}
