package funds

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseAmount feeds typed amounts ("1,200.50", "¥-5", "１２") to the money parser. Whatever
// it accepts must be a non-negative amount that every format Wushe prints reads back to the
// same fen, ParsePositive must agree with ParseNonNegative, and refusals must say which input.
// Run long with scripts/fuzz.sh; the seed corpus is in testdata/fuzz/FuzzParseAmount.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"50", "50.5", "¥1,234.56", "￥1,234.56", "1234.56元", "CNY 7", "　12　", "-5", "¥-5", "−5",
		"1.001", "12,34", "1e3", "92233720368547758.07", "92233720368547758.08", "0", "0.00", "RMB 1,000,000", "JP¥5", ".5", "5."} {
		f.Add(s, false)
	}
	f.Add("1,000", true)
	f.Fuzz(func(t *testing.T, s string, yen bool) {
		cur := CNY
		if yen {
			cur = "JPY"
		}
		m, err := ParseNonNegative(s, cur)
		pm, perr := ParsePositive(s, cur)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Input != s {
				t.Fatalf("ParseNonNegative(%q) error %v does not name the input", s, err)
			}
			if perr == nil {
				t.Fatalf("ParsePositive(%q) = %v but ParseNonNegative refused: %v", s, pm, err)
			}
			return
		}
		if m.Amount < 0 || m.Currency != cur {
			t.Fatalf("ParseNonNegative(%q) = %+v", s, m)
		}
		if (m.Amount > 0) != (perr == nil) || (perr == nil && pm != m) {
			t.Fatalf("ParsePositive(%q) = %v, %v; ParseNonNegative = %v", s, pm, perr, m)
		}
		for _, out := range []string{m.Decimal(), m.String(), m.Short(), m.English()} {
			back, err := ParseNonNegative(out, cur)
			if err != nil || back != m {
				t.Fatalf("%q → %v printed as %q reads back as %v, %v", s, m, out, back, err)
			}
		}
	})
}

// FuzzReadQFCSV feeds arbitrary files to the quadratic-funding CSV reader (`wushe funds qf
// --in`). It must never panic, must refuse with the line number, and whatever it accepts must
// be rows a CSV writer reproduces exactly; the accepted rows then go through the engine, whose
// matches never exceed the pool nor go negative.
func FuzzReadQFCSV(f *testing.F) {
	f.Add([]byte("contributor,project,amount\nalice,p1,100\nbob,p1,400\ncarol,p2,900\n"), int64(1000))
	f.Add([]byte("\uFEFFcontributor,project,amount\r\n\"a,b\",p,1\r\n\r\n"), int64(0))
	f.Add([]byte("contributor,project,amount\na,p,1.5\n"), int64(10))
	f.Add([]byte("contributor,project,amount\na,p,9223372036854775807\nb,p,1\n"), int64(9223372036854775807))
	f.Add([]byte("project,contributor,amount\n"), int64(1))
	f.Add([]byte("contributor,project,amount\na,\"p\nq\",5\n"), int64(5))
	f.Fuzz(func(t *testing.T, data []byte, pool int64) {
		rows, err := ReadQFCSV(bytes.NewReader(data))
		if err != nil {
			var le *QFLineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error %v names no line", err)
			}
			return
		}
		for _, r := range rows {
			if r.Contributor == "" || r.Project == "" || r.Amount < 0 || r.Line < 2 {
				t.Fatalf("accepted row %+v", r)
			}
		}
		// What was read is what a CSV writer writes back.
		var b strings.Builder
		b.WriteString("contributor,project,amount\n")
		for _, r := range rows {
			b.WriteString(csvField(r.Contributor) + "," + csvField(r.Project) + "," + itoa(r.Amount) + "\n")
		}
		again, err := ReadQFCSV(strings.NewReader(b.String()))
		if err != nil || len(again) != len(rows) {
			t.Fatalf("rows written back do not read: %v (%d vs %d)", err, len(again), len(rows))
		}
		for i := range rows {
			if again[i].Contributor != rows[i].Contributor || again[i].Project != rows[i].Project || again[i].Amount != rows[i].Amount {
				t.Fatalf("row %d: %+v read back as %+v", i, rows[i], again[i])
			}
		}
		if len(rows) > 200 || pool < 0 {
			return // the engine's cost is not what this target measures
		}
		res, err := QuadraticFunding(rows, DefaultQFParams(pool))
		if err != nil {
			if errors.Is(err, ErrMalformedRow) && strings.Contains(err.Error(), "overflows") {
				return // a project total past int64 is refused, as documented
			}
			t.Fatalf("QuadraticFunding on accepted rows: %v", err)
		}
		var sum int64
		for _, p := range res.Projects {
			if p.Match < 0 {
				t.Fatalf("negative match %+v", p)
			}
			sum += p.Match
		}
		if sum != res.Matched || sum > pool || res.Left != pool-sum {
			t.Fatalf("matched %d (reported %d, left %d) from a pool of %d", sum, res.Matched, res.Left, pool)
		}
	})
}

// csvField quotes a field the way encoding/csv's writer would need it read back.
func csvField(s string) string {
	if s == "" || strings.ContainsAny(s, ",\"\r\n") || s[0] == ' ' || s[0] == '\t' || !utf8.ValidString(s) {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func itoa(n int64) string { return Money{Amount: n, Currency: "JPY"}.Decimal() }
