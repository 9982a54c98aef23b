package funds

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Currency is an ISO 4217 code in upper case, e.g. "CNY".
type Currency string

// CNY is the renminbi, the currency of every community fund today.
const CNY Currency = "CNY"

// currencyInfo is what formatting and parsing need to know about a currency.
type currencyInfo struct {
	exponent int      // digits after the decimal point in one major unit
	symbol   string   // shown before the amount
	prefixes []string // accepted before an amount typed by a person
	suffixes []string // accepted after it
}

// currencies lists the currencies Wushe understands. Amounts in any other code are refused
// rather than guessed, because a wrong exponent would move money by a factor of 100.
var currencies = map[Currency]currencyInfo{
	"CNY": {2, "¥", []string{"¥", "￥", "CNY", "RMB"}, []string{"元"}},
	"HKD": {2, "HK$", []string{"HK$", "HKD"}, nil},
	"USD": {2, "$", []string{"US$", "$", "USD"}, nil},
	"EUR": {2, "€", []string{"€", "EUR"}, nil},
	"JPY": {0, "JP¥", []string{"JP¥", "JPY"}, []string{"円"}},
}

// Errors returned by money parsing and arithmetic; match them with errors.Is.
var (
	ErrMalformedAmount  = errors.New("not an amount of money")
	ErrNegativeAmount   = errors.New("amount must not be negative")
	ErrZeroAmount       = errors.New("amount must be greater than zero")
	ErrTooManyDecimals  = errors.New("amount has more decimal places than the currency allows")
	ErrAmountOverflow   = errors.New("amount is too large")
	ErrUnknownCurrency  = errors.New("unknown currency")
	ErrCurrencyMismatch = errors.New("currency mismatch")
)

// Valid reports whether Wushe knows the currency.
func (c Currency) Valid() bool {
	_, ok := currencies[c]
	return ok
}

// Exponent is the number of minor-unit digits (2 for CNY: 1 yuan = 100 fen).
func (c Currency) Exponent() int { return currencies[c].exponent }

// Money is an amount in minor units (fen for CNY) with its currency. It is never a float.
type Money struct {
	Amount   int64    // minor units; may be negative for balances, never for user input
	Currency Currency // ISO 4217 code
}

// Fen returns an amount of renminbi given in fen.
func Fen(n int64) Money { return Money{Amount: n, Currency: CNY} }

// Yuan returns an amount of renminbi given in whole yuan; it panics on overflow because it is
// meant for constants and tests.
func Yuan(n int64) Money {
	if n > math.MaxInt64/100 || n < math.MinInt64/100 {
		panic("funds.Yuan: overflow")
	}
	return Money{Amount: n * 100, Currency: CNY}
}

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.Amount == 0 }

// SameCurrency returns ErrCurrencyMismatch when o is in another currency.
func (m Money) SameCurrency(o Money) error {
	if m.Currency != o.Currency {
		return fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	return nil
}

// Add returns m + o, refusing mixed currencies and overflow.
func (m Money) Add(o Money) (Money, error) {
	if err := m.SameCurrency(o); err != nil {
		return Money{}, err
	}
	s, ok := addInt64(m.Amount, o.Amount)
	if !ok {
		return Money{}, ErrAmountOverflow
	}
	return Money{Amount: s, Currency: m.Currency}, nil
}

// Sub returns m - o, refusing mixed currencies and overflow.
func (m Money) Sub(o Money) (Money, error) {
	if o.Amount == math.MinInt64 {
		return Money{}, ErrAmountOverflow
	}
	return m.Add(Money{Amount: -o.Amount, Currency: o.Currency})
}

// String formats with the currency symbol and grouping, e.g. "¥12,300.00"; it is the form
// pages show in both languages.
func (m Money) String() string { return m.format(m.symbol(), true) }

// Short drops a zero fraction, e.g. "¥12,300" but "¥50.50"; the donate form's preview uses it.
func (m Money) Short() string { return m.format(m.symbol(), false) }

// English uses the ISO code instead of the symbol, e.g. "CNY 12,300.00", for English pages and
// exports read outside China, where "¥" could be mistaken for yen.
func (m Money) English() string { return m.format(string(m.Currency)+" ", true) }

// Decimal is the plain amount without symbol or grouping, e.g. "12300.00", for CSV exports.
func (m Money) Decimal() string {
	neg, whole, frac := m.parts()
	s := strconv.FormatUint(whole, 10)
	if frac != "" {
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}

func (m Money) symbol() string {
	if info, ok := currencies[m.Currency]; ok {
		return info.symbol
	}
	return string(m.Currency) + " "
}

// parts splits the amount into sign, whole major units and the zero-padded fraction.
func (m Money) parts() (neg bool, whole uint64, frac string) {
	exp := currencies[m.Currency].exponent
	u := uint64(m.Amount)
	if m.Amount < 0 {
		neg = true
		u = uint64(-(m.Amount + 1)) + 1 // safe for math.MinInt64
	}
	div := uint64(1)
	for range exp {
		div *= 10
	}
	whole = u / div
	if exp > 0 {
		frac = fmt.Sprintf("%0*d", exp, u%div)
	}
	return neg, whole, frac
}

func (m Money) format(prefix string, keepZeroFraction bool) string {
	neg, whole, frac := m.parts()
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(prefix)
	b.WriteString(groupThousands(strconv.FormatUint(whole, 10)))
	if frac != "" && (keepZeroFraction || strings.Trim(frac, "0") != "") {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// groupThousands inserts commas every three digits from the right.
func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// ParseError says which typed amount could not be read and why.
type ParseError struct {
	Input string
	Err   error
}

// Error quotes the input so the person sees what was read.
func (e *ParseError) Error() string { return fmt.Sprintf("amount %q: %v", e.Input, e.Err) }

// Unwrap exposes the reason (ErrNegativeAmount and friends).
func (e *ParseError) Unwrap() error { return e.Err }

// ParsePositive reads an amount typed by a person, such as "50", "50.5", "¥1,234.56" or
// "1234.56元", into minor units of cur. Zero and negative amounts are refused: donations,
// refunds and disbursements always move something.
func ParsePositive(s string, cur Currency) (Money, error) {
	m, err := ParseNonNegative(s, cur)
	if err == nil && m.Amount == 0 {
		return Money{}, &ParseError{Input: s, Err: ErrZeroAmount}
	}
	return m, err
}

// ParseNonNegative reads an amount like ParsePositive but accepts zero, for limits and caps
// where zero is meaningful.
func ParseNonNegative(s string, cur Currency) (Money, error) {
	amount, err := parseAmount(s, cur)
	if err != nil {
		return Money{}, &ParseError{Input: s, Err: err}
	}
	return Money{Amount: amount, Currency: cur}, nil
}

func parseAmount(s string, cur Currency) (int64, error) {
	info, ok := currencies[cur]
	if !ok {
		return 0, fmt.Errorf("%w %q", ErrUnknownCurrency, cur)
	}
	t := trimSpace(s)
	neg := false
	if r, size := utf8.DecodeRuneInString(t); r == '-' || r == '−' {
		neg, t = true, trimSpace(t[size:])
	} else if r == '+' {
		t = trimSpace(t[size:])
	}
	for _, p := range info.prefixes {
		if rest, ok := strings.CutPrefix(t, p); ok {
			t = trimSpace(rest)
			break
		}
	}
	for _, suf := range info.suffixes {
		if rest, ok := strings.CutSuffix(t, suf); ok {
			t = trimSpace(rest)
			break
		}
	}
	if r, size := utf8.DecodeRuneInString(t); r == '-' || r == '−' {
		neg, t = true, t[size:] // "¥-5" is as negative as "-¥5"
	}
	intPart, fracPart, hasPoint := strings.Cut(t, ".")
	if intPart == "" || (hasPoint && fracPart == "") {
		return 0, ErrMalformedAmount
	}
	intDigits, err := ungroup(intPart)
	if err != nil {
		return 0, err
	}
	for _, r := range fracPart {
		if r < '0' || r > '9' {
			return 0, ErrMalformedAmount
		}
	}
	if neg {
		return 0, ErrNegativeAmount
	}
	// Trailing zeros beyond the exponent are harmless ("50.500" is 50.50 yuan).
	fracPart = strings.TrimRight(fracPart, "0")
	if len(fracPart) > info.exponent {
		return 0, ErrTooManyDecimals
	}
	fracPart += strings.Repeat("0", info.exponent-len(fracPart))
	n, err := strconv.ParseUint(intDigits+fracPart, 10, 63)
	if err != nil {
		return 0, ErrAmountOverflow // only digits remain, so the one failure left is range
	}
	return int64(n), nil
}

// ungroup removes thousands separators, insisting they are where a person would put them:
// "1,234,567" is fine, "12,34" is a typo we should not guess at.
func ungroup(s string) (string, error) {
	if !strings.Contains(s, ",") {
		for _, r := range s {
			if r < '0' || r > '9' {
				return "", ErrMalformedAmount
			}
		}
		return s, nil
	}
	groups := strings.Split(s, ",")
	for i, g := range groups {
		if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return "", ErrMalformedAmount
		}
		for _, r := range g {
			if r < '0' || r > '9' {
				return "", ErrMalformedAmount
			}
		}
	}
	return strings.Join(groups, ""), nil
}

// trimSpace trims ASCII and Unicode spaces, including the ideographic space (U+3000) that
// Chinese input methods produce.
func trimSpace(s string) string { return strings.TrimSpace(s) }

// addInt64 adds with an overflow check.
func addInt64(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}
