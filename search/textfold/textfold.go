// Package textfold prepares Chinese text for search the way residents type it: traditional and
// variant characters folded to simplified (OpenCC's tables), full-width letters to ASCII, the
// pinyin readings and initials of every character (every reading of a polyphone, 多音字), the
// pinyin syllables of a Latin query, and the everyday synonyms of the community-service domain
// (synonyms.txt).
//
// It is shared by both search engines (search/embedded, search/meili) and the application, and
// kept out of the stdlib-only search package because it carries data and a pinyin dictionary.
package textfold

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed t2s.txt
var t2sData string

// t2s maps traditional and variant characters to simplified ones; built once, read-only after.
var t2s = sync.OnceValue(func() map[rune]rune {
	m := make(map[rune]rune, 4200)
	for _, line := range strings.Split(t2sData, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		from, n := utf8.DecodeRuneInString(line)
		to, _ := utf8.DecodeRuneInString(line[n:])
		m[from] = to
	}
	return m
})

// Fold maps one rune to the form it is indexed and matched in: traditional → simplified,
// full-width ASCII (ＡＢＣ３) → ASCII, the ideographic space → a space, letters lower-cased.
// It maps one rune to one rune, so positions in folded text are positions in the original
// and highlights mark the record's own characters.
func Fold(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		return unicode.ToLower(r - 0xFEE0)
	case r == 0x3000: // ideographic space
		return ' '
	}
	if s, ok := t2s()[r]; ok {
		return s
	}
	return unicode.ToLower(r)
}

// FoldString folds every rune of s.
func FoldString(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(Fold(r))
	}
	return b.String()
}

// IsHan reports whether r is a Chinese character (the script pinyin applies to).
func IsHan(r rune) bool { return unicode.Is(unicode.Han, r) }
