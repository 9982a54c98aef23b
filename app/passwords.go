package app

import (
	"context"
	"fmt"
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

// checkPassword adds a field error when a new password is too short, too long or easy to
// guess. The guessability estimate is zxcvbn's (frequency lists from real breaches,
// English words and names, keyboard patterns, repeats, sequences, dates, l33t), with
// passwords common in Chinese leaks and the account's own name, e-mail and mobile added as
// dictionaries. personal lists those account details.
func checkPassword(fe FieldErrors, field, password string, personal ...string) {
	if _, bad := fe[field]; bad || password == "" {
		return // the form's own rules already said what is wrong (or that it is required)
	}
	if id := PasswordProblem(password, personal...); id != "" {
		fe.Add(field, id, "min", MinPasswordLength, "max", MaxPasswordLength)
	}
}

// PasswordProblem returns the message id saying why a password may not be used, or "" when
// it may. personal lists details of the account (name, e-mail, mobile) it must not lean on.
func PasswordProblem(password string, personal ...string) string {
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

// PasswordChangeInput changes the signed-in user's password.
type PasswordChangeInput struct {
	CurrentPassword string `json:"current_password" form:"current_password" validate:"required,max=128"`
	NewPassword     string `json:"new_password" form:"new_password" validate:"required,min=8,max=128"`
}

// ChangePassword sets a new password for the signed-in user after checking the current one.
// Every API token of the user is revoked (a stolen token must not outlive the password), and
// sessions signed in before the change stop working (the web layer checks a stamp of the
// password hash on each request).
func (a *App) ChangePassword(ctx context.Context, in PasswordChangeInput) error {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if in.CurrentPassword != "" {
		ok, err := a.hasher.Verify(p.User.PasswordHash, in.CurrentPassword)
		if err != nil {
			return fmt.Errorf("verify password of user %d: %w", p.User.ID, err)
		}
		if !ok {
			fe.Add("current_password", "security.error.current_password")
		}
	}
	if in.NewPassword != "" && in.NewPassword == in.CurrentPassword {
		fe.Add("new_password", "security.error.password_same")
	}
	checkPassword(fe, "new_password", in.NewPassword, userDetails(p.User)...)
	if err := fe.Err(); err != nil {
		return err
	}
	hash, err := a.hasher.Hash(in.NewPassword)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		u, err := a.store.FindUser(ctx, p.User.ID)
		if err != nil {
			return err
		}
		u.PasswordHash, u.UpdatedAt = hash, a.Now()
		if err := a.store.UpdateUser(ctx, u); err != nil {
			return err
		}
		n, err := a.store.DeleteUserAPITokens(ctx, u.ID)
		if err != nil {
			return err
		}
		return a.audit(ctx, "user.password_changed", "user", u.ID, 0, map[string]any{"tokens_revoked": n})
	})
	if err == nil {
		p.User.PasswordHash = hash // the caller's principal signs its own session in again
	}
	return err
}

// userDetails are the account details a password must not lean on.
func userDetails(u *User) []string {
	out := []string{u.Name}
	if u.Email != nil {
		out = append(out, *u.Email)
	}
	if u.Mobile != nil {
		out = append(out, *u.Mobile)
	}
	return out
}
