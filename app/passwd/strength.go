package passwd

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// Password rules: at least MinPasswordLength characters (runes, so a Chinese phrase counts
// per character), at most MaxPasswordLength, and not easy to guess.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 128
	// minPasswordScore is zxcvbn's score (0–4) a new password needs: 2 means more than a
	// million guesses, beyond what a throttled online attack tries.
	minPasswordScore = 2
)

// commonChinesePasswords are passwords that recur at the top of leaks from Chinese sites
// (pinyin phrases, lucky numbers, "I love you" codes) and that zxcvbn's English-centred
// lists rank too low. They are given to zxcvbn as a dictionary, so variations (a digit
// appended, capitals, l33t) are caught as well.
var commonChinesePasswords = []string{
	"woaini", "woaini1314", "woaini520", "5201314", "1314520", "520520", "521521", "7758521", "7758258",
	"woaiwojia", "wojiushiwo", "nihao", "nihaoma", "nihao123", "xiaoming", "xiaoxiao", "baobao", "beibei",
	"tiantian", "zhongguo", "beijing", "shanghai", "aini1314", "iloveyou", "qq123456", "qwe123", "123qwe",
	"a123456", "aa123456", "123456a", "123456aa", "123456abc", "abc123456", "a123456789", "zhang123", "wang123",
	"li123456", "zhangwei", "wangwei", "wangfang", "liwei", "wanglei", "liujie", "wangyang", "zhangjie", "lijing",
	"147258369", "159357", "147258", "258369", "1qaz2wsx", "qazwsx", "qazwsxedc", "asdfghjkl", "zxcvbnm",
	"31415926", "110110", "dearbook", "xiazhili", "88888888", "66666666", "168168", "518518",
}

// Problem returns the message id saying why a password may not be used, or "" when
// it may. personal lists details of the account (name, e-mail, mobile) it must not lean on.
func Problem(password string, personal ...string) string {
	switch n := utf8.RuneCountInString(password); {
	case n < MinPasswordLength:
		return "security.error.password_short"
	case n > MaxPasswordLength:
		return "security.error.password_long"
	}
	if distinctRunes(password) < minDistinctRunes {
		return "security.error.password_weak" // 长长长长长长长长, 12121212: zxcvbn misses CJK repeats
	}
	mine := personalWords(personal)
	r := zxcvbn.PasswordStrength(prefix(password, estimateRunes), append(mine, commonChinesePasswords...))
	if r.Guesses == 0 {
		// zxcvbn gives up on some CJK strings; estimate by characters alone.
		r.Score = bruteForceScore(password)
	}
	if r.Score >= minPasswordScore {
		return ""
	}
	for _, m := range r.Sequence {
		if m.DictionaryName == "user_inputs" && containsFold(mine, m.MatchedWord) {
			return "security.error.password_personal"
		}
	}
	return "security.error.password_weak"
}

const (
	// minDistinctRunes: fewer different characters than this is a pattern, not a password.
	minDistinctRunes = 4
	// estimateRunes bounds the part of a password zxcvbn estimates: its cost grows steeply
	// with length (hundreds of milliseconds at 128 characters, on an anonymous form), and a
	// guessable password stays guessable in its first 40 characters.
	estimateRunes = 40
)

func distinctRunes(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

func prefix(s string, runes int) string {
	i := 0
	for j := range s {
		if i == runes {
			return s[:j]
		}
		i++
	}
	return s
}

// bruteForceScore scores a password by its length and alphabet alone, on zxcvbn's scale:
// about 3,500 common Chinese characters, or the 95 printable ASCII ones.
func bruteForceScore(s string) int {
	alphabet := 95.0
	for _, r := range s {
		if r >= 0x2E80 {
			alphabet = 3500
			break
		}
	}
	guesses := math.Pow(alphabet, float64(utf8.RuneCountInString(s))) / 2
	switch {
	case guesses < 1e3:
		return 0
	case guesses < 1e6:
		return 1
	case guesses < 1e8:
		return 2
	case guesses < 1e10:
		return 3
	}
	return 4
}

// personalWords splits account details into the pieces a password might reuse: the whole
// value, an e-mail's local part, a mobile's last digits.
func personalWords(details []string) []string {
	var out []string
	for _, d := range details {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		out = append(out, d)
		if local, _, ok := strings.Cut(d, "@"); ok && local != "" {
			out = append(out, local)
		}
		if len(d) == 11 && strings.Trim(d, "0123456789") == "" {
			out = append(out, d[3:], d[7:])
		}
	}
	return out
}

func containsFold(words []string, w string) bool {
	for _, x := range words {
		if strings.EqualFold(x, w) {
			return true
		}
	}
	return false
}

// Problem lets a Hasher stand for the application's password policy too.
func (Hasher) Problem(password string, personal ...string) string {
	return Problem(password, personal...)
}

// Policy is the password policy on its own (Problem), for wiring apart from the hasher: a
// test's cheap hasher then leaves the policy as production has it.
type Policy struct{}

// Problem returns the message id saying why a password may not be used, or "" when it may.
func (Policy) Problem(password string, personal ...string) string {
	return Problem(password, personal...)
}
