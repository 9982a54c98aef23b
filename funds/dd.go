package funds

import (
	"math"
	"math/big"
)

// dd is a double-double: the unevaluated sum hi + lo of two float64s, carrying about 106 bits
// (32 decimal digits). Quadratic funding needs it because matches are floored to the fen: a
// plain float64 sum of 80,000 square roots is off by far more than a fen for large rounds,
// while big.Float is too slow for the per-contribution work. Per-project totals move to
// big.Float once they are few.
type dd struct{ hi, lo float64 }

// twoSum returns s = fl(a+b) and the exact error e, so a + b = s + e.
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

// quickTwoSum is twoSum for |a| ≥ |b|.
func quickTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return s, e
}

// twoProd returns p = fl(a·b) and the exact error e using a fused multiply-add.
func twoProd(a, b float64) (p, e float64) {
	p = a * b
	e = math.FMA(a, b, -p)
	return p, e
}

// addSameSign adds operands of the same sign, as every sum in quadratic funding is; without
// cancellation the cheaper form keeps the same ~106 bits, and it is the inner loop of pairwise
// mode.
func (a dd) addSameSign(b dd) dd {
	s, e := twoSum(a.hi, b.hi)
	e += a.lo + b.lo
	s, e = quickTwoSum(s, e)
	return dd{s, e}
}

// quo divides with one correction step: q0 = a.hi/b.hi, then the remainder a − q0·b is formed
// exactly enough (a.hi − p1 is exact because p1 is within a factor of two of a.hi) to give
// the second word. Accurate to a few units of 2^-104 at a third of the cost of the textbook
// three-step double-double division; it runs once per pair in pairwise mode.
func (a dd) quo(b dd) dd {
	q0 := a.hi / b.hi
	p1, p2 := twoProd(q0, b.hi)
	r := ((a.hi - p1) - p2 + a.lo) - q0*b.lo
	q1 := r / b.hi
	h, l := quickTwoSum(q0, q1)
	return dd{h, l}
}

// mul multiplies, keeping the exact error of the leading product.
func (a dd) mul(b dd) dd {
	p, e := twoProd(a.hi, b.hi)
	e += a.hi*b.lo + a.lo*b.hi
	p, e = quickTwoSum(p, e)
	return dd{p, e}
}

// ddInt converts a non-negative int64 exactly, even above 2^53.
func ddInt(n int64) dd {
	hi, lo := twoSum(float64(n>>32)*(1<<32), float64(n&(1<<32-1)))
	return dd{hi, lo}
}

// ddSqrtInt is √n for n ≥ 0 to about 106 bits: a float64 root refined by one Newton step
// whose residual is computed exactly.
func ddSqrtInt(n int64) dd {
	if n <= 0 {
		return dd{}
	}
	x := ddInt(n)
	s := math.Sqrt(x.hi)
	p, e := twoProd(s, s)
	r := ((x.hi - p) - e) + x.lo
	h, l := quickTwoSum(s, r/(2*s))
	return dd{h, l}
}

// ddRat converts an exact rational to the nearest double-double.
func ddRat(r *big.Rat) dd {
	hi, _ := r.Float64()
	rest := new(big.Rat).Sub(r, new(big.Rat).SetFloat64(hi))
	lo, _ := rest.Float64()
	return dd{hi, lo}
}

// bigFloat converts exactly (hi and lo each fit in 53 bits; prec must be ample).
func (a dd) bigFloat(prec uint) *big.Float {
	x := new(big.Float).SetPrec(prec).SetFloat64(a.hi)
	return x.Add(x, new(big.Float).SetPrec(prec).SetFloat64(a.lo))
}
