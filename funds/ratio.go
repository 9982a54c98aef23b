package funds

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Ratio is an exact non-negative rational Num/Den. Match ratios and multipliers are ratios,
// not floats, so ¥0.01 steps add up the same way on every machine and in every audit.
type Ratio struct {
	Num int64
	Den int64
}

// BasisPoints returns bp/10000, e.g. BasisPoints(12000) is a 1.2× multiplier.
func BasisPoints(bp int64) Ratio { return Ratio{bp, 10000}.reduced() }

// ErrInvalidRatio is returned for ratios that cannot be read or are out of range.
var ErrInvalidRatio = errors.New("invalid ratio")

// String prints the ratio in lowest terms, e.g. "1/2".
func (r Ratio) String() string {
	r = r.reduced()
	if r.Den == 1 {
		return strconv.FormatInt(r.Num, 10)
	}
	return strconv.FormatInt(r.Num, 10) + "/" + strconv.FormatInt(r.Den, 10)
}

// check reports why r is unusable: a zero or negative denominator, a negative numerator, or
// (when positive is set) a zero numerator.
func (r Ratio) check(positive bool) error {
	switch {
	case r.Den <= 0:
		return fmt.Errorf("%w: denominator must be positive", ErrInvalidRatio)
	case r.Num < 0:
		return fmt.Errorf("%w: must not be negative", ErrInvalidRatio)
	case positive && r.Num == 0:
		return fmt.Errorf("%w: must be positive", ErrInvalidRatio)
	}
	return nil
}

func (r Ratio) rat() *big.Rat { return new(big.Rat).SetFrac64(r.Num, r.Den) }

func (r Ratio) reduced() Ratio {
	if r.Den == 0 {
		return r
	}
	g := gcd(abs64(r.Num), abs64(r.Den))
	if g > 1 {
		r.Num, r.Den = r.Num/g, r.Den/g
	}
	return r
}

// ParseRatio reads a match ratio as people write it: "1:1" and "1:0.5" (donor : pool, so the
// pool adds half of each yuan), a plain factor "0.5", or a fraction "1/2". The result is what
// the pool adds per unit donated.
func ParseRatio(s string) (Ratio, error) {
	s = strings.TrimSpace(s)
	fail := func() (Ratio, error) { return Ratio{}, fmt.Errorf("%w %q", ErrInvalidRatio, s) }
	if donor, pool, ok := strings.Cut(s, ":"); ok {
		d, err1 := parseDecimalRat(donor)
		p, err2 := parseDecimalRat(pool)
		if err1 != nil || err2 != nil || d.Sign() <= 0 || p.Sign() <= 0 {
			return fail()
		}
		return ratFromBig(new(big.Rat).Quo(p, d), s)
	}
	if num, den, ok := strings.Cut(s, "/"); ok {
		n, err1 := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		d, err2 := strconv.ParseInt(strings.TrimSpace(den), 10, 64)
		if err1 != nil || err2 != nil || d <= 0 || n < 0 {
			return fail()
		}
		return Ratio{n, d}.reduced(), nil
	}
	f, err := parseDecimalRat(s)
	if err != nil {
		return fail()
	}
	return ratFromBig(f, s)
}

// parseDecimalRat reads a plain non-negative decimal such as "0.5" exactly.
func parseDecimalRat(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole)+len(frac) > 18 {
		return nil, ErrInvalidRatio
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return nil, ErrInvalidRatio
		}
	}
	if strings.HasSuffix(s, ".") {
		return nil, ErrInvalidRatio
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, ErrInvalidRatio
	}
	return r, nil
}

func ratFromBig(r *big.Rat, input string) (Ratio, error) {
	if !r.Num().IsInt64() || !r.Denom().IsInt64() {
		return Ratio{}, fmt.Errorf("%w %q: too precise", ErrInvalidRatio, input)
	}
	return Ratio{r.Num().Int64(), r.Denom().Int64()}, nil
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func abs64(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}
