package app

import (
	"strings"
	"unicode/utf8"
)

// MaskMobile hides the middle of a phone number: 13812341234 → 138****1234.
func MaskMobile(s string) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return ""
	case n <= 4:
		return strings.Repeat("*", n)
	case n < 8:
		r := []rune(s)
		return string(r[:1]) + strings.Repeat("*", n-3) + string(r[n-2:])
	default:
		r := []rune(s)
		return string(r[:3]) + strings.Repeat("*", n-7) + string(r[n-4:])
	}
}

// MaskName keeps the first character of a name and hides the rest: 张三 → 张*, 欧阳娜娜 → 欧***.
// Latin names keep their first letter: Alice → A****.
func MaskName(s string) string {
	s = strings.TrimSpace(s)
	r := []rune(s)
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	}
	return string(r[:1]) + strings.Repeat("*", len(r)-1)
}

// MaskEmail keeps the first character of the local part and the domain: a***@example.com.
func MaskEmail(s string) string {
	local, domain, ok := strings.Cut(s, "@")
	if !ok {
		return MaskName(s)
	}
	return MaskName(local) + "@" + domain
}

// MaskID hides all but the first and last four characters of an identity number.
func MaskID(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}
