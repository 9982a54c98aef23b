package textfold

import (
	"strings"
	"sync"

	"github.com/mozillazg/go-pinyin"
)

// Pinyin comes from github.com/mozillazg/go-pinyin's character dictionary (MIT; from the
// pinyin-data project): every reading of 41,000 characters, the most common first. Only the
// dictionary is used, through our own toneless table: the package's conversion functions read
// global settings, and search needs every reading of a polyphone, not one guess.

// pinyinTable is the toneless readings of every character in the dictionary, and the set of
// syllables that occur.
type pinyinTable struct {
	readings  map[rune][]string
	initials  map[rune]string
	sounds    map[rune]*CharSound
	syllables map[string]bool
	ids       map[string]uint16
	maxLen    int
}

// CharSound is how one character may be read: its readings (the most common first), their
// ids (a number per syllable, for compact keys), and the distinct initials.
type CharSound struct {
	Readings []string
	IDs      []uint16
	Initials string
}

var table = sync.OnceValue(func() *pinyinTable {
	t := &pinyinTable{readings: make(map[rune][]string, len(pinyin.PinyinDict)),
		initials: make(map[rune]string, len(pinyin.PinyinDict)), syllables: map[string]bool{}}
	t.sounds = make(map[rune]*CharSound, len(pinyin.PinyinDict))
	t.ids = map[string]uint16{}
	for code, list := range pinyin.PinyinDict {
		var rs []string
		for _, p := range strings.Split(list, ",") {
			s, ok := toneless(p)
			if !ok || !isSyllable(s) {
				continue
			}
			if !contains(rs, s) {
				rs = append(rs, s)
			}
		}
		if len(rs) == 0 {
			continue
		}
		t.readings[rune(code)] = rs
		var ini []byte
		for _, s := range rs {
			if !containsByte(ini, s[0]) {
				ini = append(ini, s[0])
			}
		}
		t.initials[rune(code)] = string(ini)
		cs := &CharSound{Readings: rs, Initials: string(ini)}
		for _, s := range rs {
			t.syllables[s] = true
			t.maxLen = max(t.maxLen, len(s))
			id, ok := t.ids[s]
			if !ok {
				id = uint16(len(t.ids) + 1)
				t.ids[s] = id
			}
			cs.IDs = append(cs.IDs, id)
		}
		t.sounds[rune(code)] = cs
	}
	return t
})

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// isSyllable keeps readings a resident could type as a syllable: letters with a vowel. The
// dictionary also has interjections written m, n, ng, hm, hng, which would let almost any
// Latin word pass as pinyin.
func isSyllable(s string) bool {
	return s != "" && strings.ContainsAny(s, "aeiouv") && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") == ""
}

// toneMarks maps a vowel with a tone mark (and ü) to the letter typed for it on a keyboard.
var toneMarks = map[rune]byte{
	'ā': 'a', 'á': 'a', 'ǎ': 'a', 'à': 'a',
	'ē': 'e', 'é': 'e', 'ě': 'e', 'è': 'e',
	'ī': 'i', 'í': 'i', 'ǐ': 'i', 'ì': 'i',
	'ō': 'o', 'ó': 'o', 'ǒ': 'o', 'ò': 'o',
	'ū': 'u', 'ú': 'u', 'ǔ': 'u', 'ù': 'u',
	'ü': 'v', 'ǖ': 'v', 'ǘ': 'v', 'ǚ': 'v', 'ǜ': 'v',
	'ń': 'n', 'ň': 'n', 'ǹ': 'n', 'ḿ': 'm',
	'Ā': 'a', 'Á': 'a', 'Ǎ': 'a', 'À': 'a', 'Ē': 'e', 'É': 'e', 'Ě': 'e', 'È': 'e',
	'Ō': 'o', 'Ó': 'o', 'Ǒ': 'o', 'Ò': 'o', 'Ü': 'v',
}

// toneless turns a dictionary reading (xīng) into letters (xing); ok is false for readings
// with other characters.
func toneless(p string) (string, bool) {
	var b strings.Builder
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case toneMarks[r] != 0:
			b.WriteByte(toneMarks[r])
		default:
			return "", false
		}
	}
	return b.String(), true
}

// Readings returns the toneless pinyin readings of a character, every reading of a polyphone
// (行 → xing, hang, heng), the most common first; nil for anything that is not a Chinese
// character in the dictionary. Traditional characters have their own entries.
func Readings(r rune) []string {
	if r < 0x3000 {
		return nil
	}
	return table().readings[r]
}

// SoundOf returns how a character may be read, or nil for anything that is not a Chinese
// character in the dictionary: Readings and Initials in one lookup, for indexing.
func SoundOf(r rune) *CharSound {
	if r < 0x3000 {
		return nil
	}
	return table().sounds[r]
}

// Initials returns the distinct first letters of a character's readings (长 → "cz"; 西 →
// "x"): how pinyin initials are typed (中国 → zg, not zhg). "" for anything else.
func Initials(r rune) string {
	if r < 0x3000 {
		return ""
	}
	return table().initials[r]
}

func containsByte(bs []byte, c byte) bool {
	for _, b := range bs {
		if b == c {
			return true
		}
	}
	return false
}

// IsSyllable reports whether s (toneless, lower-case) is a pinyin syllable.
func IsSyllable(s string) bool { return table().syllables[syllableAlias(s)] }

// syllableAlias maps spellings keyboards accept for the same syllable: lue and nue for lüe
// and nüe (the dictionary writes lve, nve).
func syllableAlias(s string) string {
	switch s {
	case "lue":
		return "lve"
	case "nue":
		return "nve"
	}
	return s
}

// StripTones lower-cases Latin text and removes pinyin tones, whether marked (xī hú → xi hu)
// or numbered (xi1hu2 → xihu); ü becomes v, as keyboards type it. Other characters are kept.
func StripTones(s string) string {
	var b strings.Builder
	prevLetter := false
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			prevLetter = true
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
			prevLetter = true
		case toneMarks[r] != 0:
			b.WriteByte(toneMarks[r])
			prevLetter = true
		case r >= '0' && r <= '5' && prevLetter:
			// A tone number right after a syllable (xi1, lv4; 5 or 0 for the neutral tone).
			prevLetter = false
		default:
			b.WriteRune(r)
			prevLetter = false
		}
	}
	return b.String()
}

// MaxSegmentations bounds Syllabify's answers for one word.
const MaxSegmentations = 8

// Syllabify splits lower-case letters into pinyin syllables, every way it can be read, fewest
// syllables first, at most limit ways: xian → [xian] [xi an]; xihu → [xi hu]; nil when the
// letters are not pinyin (volunteer).
func Syllabify(s string, limit int) [][]string {
	t := table()
	n := len(s)
	if n == 0 || limit <= 0 {
		return nil
	}
	for i := 0; i < n; i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return nil
		}
	}
	// ok[i]: s[i:] can be read as syllables. Computed from the end, it prunes every dead end,
	// so even 200 letters take linear time.
	ok := make([]bool, n+1)
	ok[n] = true
	for i := n - 1; i >= 0; i-- {
		for l := 1; l <= t.maxLen && i+l <= n; l++ {
			if ok[i+l] && t.syllables[syllableAlias(s[i:i+l])] {
				ok[i] = true
				break
			}
		}
	}
	if !ok[0] {
		return nil
	}
	var out [][]string
	var path []string
	var walk func(i int)
	walk = func(i int) {
		if len(out) >= limit {
			return
		}
		if i == n {
			out = append(out, append([]string(nil), path...))
			return
		}
		for l := min(t.maxLen, n-i); l >= 1; l-- { // longer syllables first: fewer syllables
			if syl := syllableAlias(s[i : i+l]); ok[i+l] && t.syllables[syl] {
				path = append(path, syl)
				walk(i + l)
				path = path[:len(path)-1]
			}
		}
	}
	walk(0)
	return out
}

// MaxInitials is the longest run of letters read as initials (xhjz); longer runs are words or
// pinyin only.
const MaxInitials = 12

// MayBeInitials reports whether letters could be pinyin initials: two or more letters that can
// begin a syllable (every letter but i, u and v).
func MayBeInitials(s string) bool {
	if len(s) < 2 || len(s) > MaxInitials {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 'a' || c > 'z' || c == 'i' || c == 'u' || c == 'v' {
			return false
		}
	}
	return true
}
