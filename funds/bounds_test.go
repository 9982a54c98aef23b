package funds

import (
	"errors"
	"math"
	"testing"
)

func TestBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		check func(int64) error
		n     int64
		is    error // nil: accepted
	}{
		{"one fen", CheckAmount, 1, nil},
		{"one hundred million yuan", CheckAmount, MaxAmount, nil},
		{"a fen more", CheckAmount, MaxAmount + 1, ErrAmountOverflow},
		{"max int64", CheckAmount, math.MaxInt64, ErrAmountOverflow},
		{"zero gift", CheckAmount, 0, ErrZeroAmount},
		{"negative gift", CheckAmount, -5, ErrZeroAmount},
		{"min int64", CheckAmount, math.MinInt64, ErrOutOfRange},
		{"no cap", CheckLimit, 0, nil},
		{"negative cap", CheckLimit, -1, ErrNegativeAmount},
		{"cap too large", CheckLimit, MaxAmount + 1, ErrOutOfRange},
		{"total", CheckTotal, MaxTotal, nil},
		{"total too large", CheckTotal, MaxTotal + 1, ErrAmountOverflow},
	}
	for _, tt := range tests {
		err := tt.check(tt.n)
		if (tt.is == nil) != (err == nil) || (tt.is != nil && !errors.Is(err, tt.is)) {
			t.Errorf("%s (%d): %v, want %v", tt.name, tt.n, err, tt.is)
		}
		if err != nil && !errors.Is(err, ErrOutOfRange) {
			t.Errorf("%s: %v does not wrap ErrOutOfRange", tt.name, err)
		}
	}
}

func TestAddTotalAndSums(t *testing.T) {
	t.Parallel()
	if s, err := AddTotal(MaxTotal-5, 5); err != nil || s != MaxTotal {
		t.Errorf("AddTotal to the bound = %d, %v", s, err)
	}
	for _, c := range [][2]int64{{MaxTotal, 1}, {math.MaxInt64, 1}, {1, math.MaxInt64}, {0, -1}, {math.MinInt64, -1}} {
		if _, err := AddTotal(c[0], c[1]); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("AddTotal(%d, %d) = %v, want out of range", c[0], c[1], err)
		}
	}
	if _, ok := Sum(math.MaxInt64, 1); ok {
		t.Error("Sum overflowed silently")
	}
	if s, ok := Sum(1, 2, -4); !ok || s != -1 {
		t.Errorf("Sum = %d, %v", s, ok)
	}
	var acc Accumulator
	acc.Add(math.MaxInt64)
	acc.Add(1)
	acc.Add(-5) // an overflow is not undone by a later step
	if _, err := acc.Value(); !errors.Is(err, ErrAmountOverflow) {
		t.Errorf("Accumulator = %v, want overflow", err)
	}
	if q, ok := MulDiv(math.MaxInt64, 100, math.MaxInt64); !ok || q != 100 {
		t.Errorf("MulDiv large = %d, %v", q, ok)
	}
	if _, ok := MulDiv(math.MaxInt64, 100, 1); ok {
		t.Error("MulDiv overflow not reported")
	}
}
