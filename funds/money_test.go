package funds

import (
	"errors"
	"math"
	"testing"
)

func TestParseMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		cur     Currency
		want    int64
		wantErr error
	}{
		{"50", CNY, 5000, nil},
		{"50.5", CNY, 5050, nil},
		{"50.50", CNY, 5050, nil},
		{"50.500", CNY, 5050, nil},
		{"0.01", CNY, 1, nil},
		{"¥1,234.56", CNY, 123456, nil},
		{"￥1,234.56", CNY, 123456, nil},
		{"¥ 12,300", CNY, 1230000, nil},
		{"1234.56元", CNY, 123456, nil},
		{"CNY 7", CNY, 700, nil},
		{"RMB7", CNY, 700, nil},
		{"\u3000 88 \u3000", CNY, 8800, nil},
		{"+5", CNY, 500, nil},
		{"1,234,567.89", CNY, 123456789, nil},
		{"92233720368547758.07", CNY, math.MaxInt64, nil},
		{"$3.10", "USD", 310, nil},
		{"1,000円", "JPY", 1000, nil},
		{"-5", CNY, 0, ErrNegativeAmount},
		{"−5", CNY, 0, ErrNegativeAmount},
		{"-¥5", CNY, 0, ErrNegativeAmount},
		{"¥-5", CNY, 0, ErrNegativeAmount},
		{"1.001", CNY, 0, ErrTooManyDecimals},
		{"1.5", "JPY", 0, ErrTooManyDecimals},
		{"92233720368547758.08", CNY, 0, ErrAmountOverflow},
		{"99999999999999999999999", CNY, 0, ErrAmountOverflow},
		{"", CNY, 0, ErrMalformedAmount},
		{"abc", CNY, 0, ErrMalformedAmount},
		{"1e3", CNY, 0, ErrMalformedAmount},
		{"5.", CNY, 0, ErrMalformedAmount},
		{".5", CNY, 0, ErrMalformedAmount},
		{"1.2.3", CNY, 0, ErrMalformedAmount},
		{"12,34", CNY, 0, ErrMalformedAmount},
		{"1234,567", CNY, 0, ErrMalformedAmount},
		{",123", CNY, 0, ErrMalformedAmount},
		{"$5", CNY, 0, ErrMalformedAmount}, // another currency's symbol
		{"5", "XYZ", 0, ErrUnknownCurrency},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseNonNegative(tt.in, tt.cur)
			if tt.wantErr != nil {
				var pe *ParseError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &pe) || pe.Input != tt.in {
					t.Fatalf("ParseNonNegative(%q) error %v, want %v", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != (Money{tt.want, tt.cur}) {
				t.Errorf("ParseNonNegative(%q) = %+v, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestParsePositiveRefusesZero(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"0", "0.00", "¥0"} {
		if _, err := ParsePositive(in, CNY); !errors.Is(err, ErrZeroAmount) {
			t.Errorf("ParsePositive(%q) error %v, want ErrZeroAmount", in, err)
		}
		if m, err := ParseNonNegative(in, CNY); err != nil || m.Amount != 0 {
			t.Errorf("ParseNonNegative(%q) = %v, %v", in, m, err)
		}
	}
	if m, err := ParsePositive("0.01", CNY); err != nil || m != Fen(1) {
		t.Errorf("ParsePositive(0.01) = %v, %v", m, err)
	}
}

func TestFormatMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m                          Money
		str, short, english, plain string
	}{
		{Yuan(12300), "¥12,300.00", "¥12,300", "CNY 12,300.00", "12300.00"},
		{Fen(5050), "¥50.50", "¥50.50", "CNY 50.50", "50.50"},
		{Fen(5), "¥0.05", "¥0.05", "CNY 0.05", "0.05"},
		{Fen(0), "¥0.00", "¥0", "CNY 0.00", "0.00"},
		{Fen(-123456), "-¥1,234.56", "-¥1,234.56", "-CNY 1,234.56", "-1234.56"},
		{Fen(math.MaxInt64), "¥92,233,720,368,547,758.07", "¥92,233,720,368,547,758.07", "CNY 92,233,720,368,547,758.07", "92233720368547758.07"},
		{Fen(math.MinInt64), "-¥92,233,720,368,547,758.08", "-¥92,233,720,368,547,758.08", "-CNY 92,233,720,368,547,758.08", "-92233720368547758.08"},
		{Money{1000, "JPY"}, "JP¥1,000", "JP¥1,000", "JPY 1,000", "1000"},
		{Money{100, "USD"}, "$1.00", "$1", "USD 1.00", "1.00"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.str {
			t.Errorf("String(%d %s) = %q, want %q", tt.m.Amount, tt.m.Currency, got, tt.str)
		}
		if got := tt.m.Short(); got != tt.short {
			t.Errorf("Short(%d) = %q, want %q", tt.m.Amount, got, tt.short)
		}
		if got := tt.m.English(); got != tt.english {
			t.Errorf("English(%d) = %q, want %q", tt.m.Amount, got, tt.english)
		}
		if got := tt.m.Decimal(); got != tt.plain {
			t.Errorf("Decimal(%d) = %q, want %q", tt.m.Amount, got, tt.plain)
		}
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{1, 99, 100, 101, 123456789, math.MaxInt64} {
		for _, s := range []string{Fen(n).String(), Fen(n).Short(), Fen(n).English(), Fen(n).Decimal()} {
			m, err := ParsePositive(s, CNY)
			if err != nil || m.Amount != n {
				t.Errorf("round trip of %d through %q gave %v, %v", n, s, m, err)
			}
		}
	}
}

func TestMoneyArithmetic(t *testing.T) {
	t.Parallel()
	if s, err := Fen(150).Add(Fen(250)); err != nil || s != Fen(400) {
		t.Errorf("Add = %v, %v", s, err)
	}
	if s, err := Fen(150).Sub(Fen(250)); err != nil || s != Fen(-100) {
		t.Errorf("Sub = %v, %v", s, err)
	}
	if _, err := Fen(1).Add(Money{1, "USD"}); !errors.Is(err, ErrCurrencyMismatch) {
		t.Errorf("mixed currencies: %v", err)
	}
	if _, err := Fen(math.MaxInt64).Add(Fen(1)); !errors.Is(err, ErrAmountOverflow) {
		t.Errorf("overflow: %v", err)
	}
	if _, err := Fen(math.MinInt64).Sub(Fen(1)); !errors.Is(err, ErrAmountOverflow) {
		t.Errorf("underflow: %v", err)
	}
	if _, err := Fen(0).Sub(Fen(math.MinInt64)); !errors.Is(err, ErrAmountOverflow) {
		t.Errorf("negating MinInt64: %v", err)
	}
}

func TestParseRatio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Ratio
		ok   bool
	}{
		{"1:1", Ratio{1, 1}, true},
		{"1:0.5", Ratio{1, 2}, true},
		{"2:1", Ratio{1, 2}, true},
		{"1:1.25", Ratio{5, 4}, true},
		{"0.5", Ratio{1, 2}, true},
		{"3/6", Ratio{1, 2}, true},
		{"1.2", Ratio{6, 5}, true},
		{"0", Ratio{0, 1}, true}, // a zero multiplier; Rule.Validate refuses it as a ratio
		{"1:0", Ratio{}, false},
		{"0:1", Ratio{}, false},
		{"-1:1", Ratio{}, false},
		{"1/0", Ratio{}, false},
		{"-1/2", Ratio{}, false},
		{"1e3", Ratio{}, false},
		{"abc", Ratio{}, false},
		{"1.", Ratio{}, false},
		{"", Ratio{}, false},
	}
	for _, tt := range tests {
		got, err := ParseRatio(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseRatio(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if !tt.ok && !errors.Is(err, ErrInvalidRatio) {
			t.Errorf("ParseRatio(%q) error %v is not ErrInvalidRatio", tt.in, err)
		}
	}
	if s := BasisPoints(12000).String(); s != "6/5" {
		t.Errorf("BasisPoints(12000) = %s", s)
	}
}
