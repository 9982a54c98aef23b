package funds

import (
	"errors"
	"fmt"
	"math/bits"
)

// Money is bounded. An int64 of fen holds ±¥92 quadrillion, far more than any community fund
// will see, and the space in between is where overflow bugs live: a sum that wraps to a
// negative number, a value SQLite silently turns into a float, a total PostgreSQL refuses as
// "bigint out of range". So every amount a person or a provider hands Wushe is checked
// against a documented range at the edge, every total against a larger one, and the database
// repeats both bounds as CHECK constraints (migration 00008), so no path writes past them.
//
// The bounds are in minor units of the amount's currency (fen for CNY, the only currency a
// fund holds today); see docs/funds.md, "Bounds".
const (
	// MinAmount is the smallest single movement: one fen.
	MinAmount int64 = 1
	// MaxAmount is the largest single movement — one gift, deposit, campaign goal,
	// disbursement, refund, cap or threshold: ¥100,000,000 (一亿元), ten thousand times the
	// largest gift a community campaign has seen and more than a street's yearly budget.
	MaxAmount int64 = 10_000_000_000
	// MaxTotal is the largest running total — a pool's budget and available money, a
	// campaign's raised and matched money, one match, one ledger entry: ¥1,000,000,000,000
	// (一万亿元), ten thousand movements of MaxAmount. 92,233 totals of this size still add
	// up inside an int64, so summing the balances of a fund cannot overflow in practice;
	// sums are checked all the same.
	MaxTotal int64 = 100_000_000_000_000
)

// MaxPeople bounds the counts of people a rule or policy names — approvals needed, committee
// size and quorum, donors needed to unlock a match: far above any community's, and far below
// the 32-bit integer columns that store them (a count past 2^31 was a PostgreSQL
// "integer out of range", a 500).
const MaxPeople = 100_000

// ErrOutOfRange is returned for amounts outside [MinAmount, MaxAmount] (or [0, MaxTotal] for
// totals); it wraps ErrAmountOverflow when the amount is too large, so callers that show
// "too large" keep working.
var ErrOutOfRange = errors.New("amount is outside the allowed range")

// RangeError says which bound an amount broke.
type RangeError struct {
	Amount   int64
	Min, Max int64
}

// Error names the amount and the range, in fen.
func (e *RangeError) Error() string {
	return fmt.Sprintf("%d is outside %d … %d", e.Amount, e.Min, e.Max)
}

// Unwrap lets errors.Is match ErrOutOfRange, and ErrAmountOverflow, ErrZeroAmount or
// ErrNegativeAmount for the side it broke.
func (e *RangeError) Unwrap() []error {
	switch {
	case e.Amount > e.Max:
		return []error{ErrOutOfRange, ErrAmountOverflow}
	case e.Min > 0:
		return []error{ErrOutOfRange, ErrZeroAmount} // "must be greater than zero" covers negatives too
	default:
		return []error{ErrOutOfRange, ErrNegativeAmount}
	}
}

func inRange(n, lo, hi int64) error {
	if n < lo || n > hi {
		return &RangeError{Amount: n, Min: lo, Max: hi}
	}
	return nil
}

// CheckAmount accepts one movement of money: 1 fen … MaxAmount.
func CheckAmount(n int64) error { return inRange(n, MinAmount, MaxAmount) }

// CheckLimit accepts a cap, minimum or threshold, where 0 means "none": 0 … MaxAmount.
func CheckLimit(n int64) error { return inRange(n, 0, MaxAmount) }

// CheckTotal accepts a running total or a balance: 0 … MaxTotal.
func CheckTotal(n int64) error { return inRange(n, 0, MaxTotal) }

// AddTotal adds two amounts for a running total, refusing a result outside 0 … MaxTotal (and
// so any int64 overflow, which is far beyond it).
func AddTotal(total, amount int64) (int64, error) {
	s, ok := addInt64(total, amount)
	if !ok {
		return 0, &RangeError{Amount: maxOrMin(amount), Min: 0, Max: MaxTotal}
	}
	if err := CheckTotal(s); err != nil {
		return 0, err
	}
	return s, nil
}

func maxOrMin(sign int64) int64 {
	if sign < 0 {
		return -1
	}
	return MaxTotal + 1
}

// Sum adds int64s with an overflow check; ok is false when the exact sum does not fit.
func Sum(xs ...int64) (s int64, ok bool) {
	for _, x := range xs {
		if s, ok = addInt64(s, x); !ok {
			return 0, false
		}
	}
	return s, true
}

// Accumulator sums int64s and remembers whether any step overflowed, so a loop over stored
// rows (which may predate the bounds) can add without checking each step and ask once.
type Accumulator struct {
	sum      int64
	overflow bool
}

// Add adds x to the sum; after an overflow the sum stays unusable.
func (a *Accumulator) Add(x int64) {
	if a.overflow {
		return
	}
	s, ok := addInt64(a.sum, x)
	if !ok {
		a.overflow = true
		return
	}
	a.sum = s
}

// Value returns the sum, or ErrAmountOverflow when a step did not fit in an int64.
func (a *Accumulator) Value() (int64, error) {
	if a.overflow {
		return 0, ErrAmountOverflow
	}
	return a.sum, nil
}

// MulDiv returns a·b/c rounded down for non-negative a, b and positive c without overflowing
// in between (a percentage of two totals, a share of an amount); ok is false when the
// quotient does not fit in an int64.
func MulDiv(a, b, c int64) (int64, bool) {
	if a < 0 || b < 0 || c <= 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, uint64(c))
	if q > 1<<63-1 {
		return 0, false
	}
	return int64(q), true
}
