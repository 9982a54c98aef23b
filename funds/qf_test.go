package funds

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

func qfRows(spec string) []QFRow {
	var rows []QFRow
	for i, f := range strings.Fields(spec) {
		parts := strings.Split(f, ",")
		var n int64
		fmt.Sscan(parts[2], &n)
		rows = append(rows, QFRow{Contributor: parts[0], Project: parts[1], Amount: n, Line: i + 2})
	}
	return rows
}

func matchesOf(res QFResult) string {
	var b strings.Builder
	for _, p := range res.Projects {
		fmt.Fprintf(&b, "%s:%d/%d/%d ", p.Project, p.Contributors, p.Contributed, p.Match)
	}
	return strings.TrimSpace(b.String())
}

// Hand-computed cases. A = {1, 4}: r = (1+2)² − 5 = 4. B = {9, 16}: r = 49 − 25 = 24.
// C = {2, 8}: r = 2·√2·√8 = 8, exact although both roots are irrational.
func TestQuadraticFundingHandComputed(t *testing.T) {
	t.Parallel()
	abc := "a,A,1 b,A,4 c,B,9 d,B,16 e,C,2 f,C,8"
	tests := []struct {
		name string
		rows string
		mod  func(*QFParams)
		want string
	}{
		{"pool covers all", abc, func(p *QFParams) { p.Pool = 100 }, "A:2/5/4 B:2/25/24 C:2/10/8"},
		{"pool exactly the total", abc, func(p *QFParams) { p.Pool = 36 }, "A:2/5/4 B:2/25/24 C:2/10/8"},
		{"λ = 14/36", abc, func(p *QFParams) { p.Pool = 14 }, "A:2/5/1 B:2/25/9 C:2/10/3"},
		{"λ = 1/2 gives exact integers", "a,A,1 b,A,4 c,B,9 d,B,16", func(p *QFParams) { p.Pool = 14 }, "A:2/5/2 B:2/25/12"},
		{"λ = 1/2 with irrational roots", "e,C,2 f,C,8 g,D,3 h,D,12", func(p *QFParams) { p.Pool = 10 }, "C:2/10/4 D:2/15/6"},
		{"cap binds, pool is ample", abc, func(p *QFParams) { p.Pool = 100; p.CapPercent = Ratio{10, 1} }, "A:2/5/4 B:2/25/10 C:2/10/8"},
		// C = 10; S(1) = 4+10+8 = 22 > 20; with B capped λ = (20−10)/12 → 3.33, 10, 6.67.
		{"cap and λ together", abc, func(p *QFParams) { p.Pool = 20; p.CapPercent = Ratio{50, 1} }, "A:2/5/3 B:2/25/10 C:2/10/6"},
		{"fractional cap floors", abc, func(p *QFParams) { p.Pool = 15; p.CapPercent = Ratio{10, 1} }, "A:2/5/1 B:2/25/1 C:2/10/1"},
		{"cap of 100% is no cap", abc, func(p *QFParams) { p.Pool = 14; p.CapPercent = Ratio{100, 1} }, "A:2/5/1 B:2/25/9 C:2/10/3"},
		{"empty pool", abc, func(p *QFParams) { p.Pool = 0 }, "A:2/5/0 B:2/25/0 C:2/10/0"},
		{"K = 3 excludes pairs", abc + " g,B,1", func(p *QFParams) { p.Pool = 100; p.MinContributors = 3 }, "A:2/5/0 B:3/26/38 C:2/10/0"},
		{"single contributor gets nothing even with K = 1", "a,A,100 b,B,1 c,B,1", func(p *QFParams) { p.Pool = 100; p.MinContributors = 1 }, "A:1/100/0 B:2/2/2"},
		{"K = 0 behaves like 1", "a,A,100", func(p *QFParams) { p.Pool = 100; p.MinContributors = 0 }, "A:1/100/0"},
		{"same contributor twice is summed", "a,A,1 a,A,3 b,A,4", func(p *QFParams) { p.Pool = 100 }, "A:2/8/8"},
		{"rows below A dropped, project still listed", "a,A,1 b,A,4 x,Z,3 y,Z,2", func(p *QFParams) { p.Pool = 100; p.MinAmount = 4 }, "A:1/4/0 Z:0/0/0"},
		{"A = 0 keeps zero rows as contributors", "a,A,0 b,A,9", func(p *QFParams) { p.Pool = 100; p.MinAmount = 0 }, "A:2/9/0"},
		{"default A drops zero rows", "a,A,0 b,A,9", func(p *QFParams) { p.Pool = 100 }, "A:1/9/0"},
		{"sorted bytewise", "a,b,1 c,b,4 a,B,1 c,B,4 a,_,1 c,_,4", func(p *QFParams) { p.Pool = 100 }, "B:2/5/4 _:2/5/4 b:2/5/4"},
		{"no rows", "", func(p *QFParams) { p.Pool = 100 }, ""},
		// Pairwise, one project each: P_ij = √(c_i c_j) = w, so r = 2·w·M/(M+w).
		// A: w = 2 → 2·2·2500/2502 = 3.996… → 3.
		{"pairwise single projects", abc, func(p *QFParams) { p.Pool = 100; p.Mode = QFPairwise }, "A:2/5/3 B:2/25/23 C:2/10/7"},
		// a and b co-fund A and B with 1 and 1: P_ab = 2, each project r = 2·1·M/(M+2).
		// With M = 2: r = 1 per project, exactly; with M = 6: 1.5.
		{"pairwise shared projects", "a,A,1 b,A,1 a,B,1 b,B,1", func(p *QFParams) { p.Pool = 100; p.Mode = QFPairwise; p.PairwiseM = Ratio{2, 1} }, "A:2/2/1 B:2/2/1"},
		{"pairwise shared projects, M = 6", "a,A,1 b,A,1 a,B,1 b,B,1", func(p *QFParams) { p.Pool = 100; p.Mode = QFPairwise; p.PairwiseM = Ratio{6, 1} }, "A:2/2/1 B:2/2/1"},
		// Both raw subsidies are 1.5 and the pool 2: λ = 2/3 makes each exactly 1.
		{"pairwise λ exact", "a,A,1 b,A,1 a,B,1 b,B,1", func(p *QFParams) { p.Pool = 2; p.Mode = QFPairwise; p.PairwiseM = Ratio{6, 1} }, "A:2/2/1 B:2/2/1"},
		{"pairwise M = 1/2", "a,A,1 b,A,1 a,B,1 b,B,1", func(p *QFParams) { p.Pool = 100; p.Mode = QFPairwise; p.PairwiseM = Ratio{1, 2} }, "A:2/2/0 B:2/2/0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := DefaultQFParams(0)
			tt.mod(&p)
			res, err := QuadraticFunding(qfRows(tt.rows), p)
			if err != nil {
				t.Fatal(err)
			}
			if got := matchesOf(res); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if res.Matched > p.Pool || res.Matched+res.Left != p.Pool {
				t.Errorf("matched %d, left %d, pool %d", res.Matched, res.Left, p.Pool)
			}
		})
	}
}

func TestQuadraticFundingErrors(t *testing.T) {
	t.Parallel()
	big := int64(1) << 62
	tests := []struct {
		name  string
		rows  []QFRow
		p     QFParams
		field string
		line  int
	}{
		{"negative pool", nil, QFParams{Pool: -1, MinAmount: 1, Mode: QFStandard}, "pool", 0},
		{"cap zero", nil, QFParams{Pool: 1, CapPercent: Ratio{0, 1}, Mode: QFStandard}, "cap_percent", 0},
		{"cap above 100", nil, QFParams{Pool: 1, CapPercent: Ratio{1001, 10}, Mode: QFStandard}, "cap_percent", 0},
		{"negative K", nil, QFParams{Pool: 1, MinContributors: -1, Mode: QFStandard}, "min_contributors", 0},
		{"negative A", nil, QFParams{Pool: 1, MinAmount: -1, Mode: QFStandard}, "min_amount", 0},
		{"unknown mode", nil, QFParams{Pool: 1, Mode: "quadratic"}, "mode", 0},
		{"M not positive", nil, QFParams{Pool: 1, Mode: QFPairwise, PairwiseM: Ratio{0, 1}}, "pairwise_m", 0},
		{"contributed overflows", []QFRow{{"a", "P", big, 2}, {"b", "P", big - 1, 3}, {"c", "P", 1, 4}, {"d", "P", 1, 5}}, DefaultQFParams(1), "", 4},
		{"negative amount", []QFRow{{"a", "P", 1, 2}, {"b", "P", -1, 3}}, DefaultQFParams(1), "", 3},
		{"empty project", []QFRow{{"a", "", 1, 7}}, DefaultQFParams(1), "", 7},
		{"row without line uses its index", []QFRow{{"a", "P", 1, 0}, {"", "P", 1, 0}}, DefaultQFParams(1), "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := QuadraticFunding(tt.rows, tt.p)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.field != "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Fatalf("error %v does not name field %s", err, tt.field)
				}
				return
			}
			var le *QFLineError
			if !errors.As(err, &le) || le.Line != tt.line {
				t.Fatalf("error %v does not name line %d", err, tt.line)
			}
		})
	}
}

func TestReadQFCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		want  string // contributor|project|amount@line …
		line  int    // expected error line, 0 for success
		cause string // part of the error message
	}{
		{"plain", "contributor,project,amount\na,P,5\n", "a|P|5@2", 0, ""},
		{"header only", "contributor,project,amount\n", "", 0, ""},
		{"header only, no newline", "contributor,project,amount", "", 0, ""},
		{"BOM and CRLF", "\uFEFFcontributor,project,amount\r\na,P,5\r\nb,Q,0\r\n", "a|P|5@2 b|Q|0@3", 0, ""},
		{"blank lines keep line numbers", "contributor,project,amount\n\na,P,5\n\n\nb,P,7\n", "a|P|5@3 b|P|7@6", 0, ""},
		{"quoted fields", "contributor,project,amount\n\"x, y\",\"社区\"\"A\"\"\",\"12\"\n", "x, y|社区\"A\"|12@2", 0, ""},
		{"leading zeros", "contributor,project,amount\na,P,007\n", "a|P|7@2", 0, ""},
		{"max int64", "contributor,project,amount\na,P,9223372036854775807\n", "a|P|9223372036854775807@2", 0, ""},
		{"empty file", "", "", 1, "missing header"},
		{"BOM only", "\uFEFF", "", 1, "missing header"},
		{"wrong header", "contributor,project,value\na,P,1\n", "", 1, "header"},
		{"header case", "Contributor,Project,Amount\n", "", 1, "header"},
		{"short header", "contributor,project\n", "", 1, "wrong number of fields"},
		{"decimal", "contributor,project,amount\na,P,1\nb,P,1.5\n", "", 3, `"1.5"`},
		{"negative", "contributor,project,amount\na,P,-3\n", "", 2, `"-3"`},
		{"plus", "contributor,project,amount\na,P,+3\n", "", 2, `"+3"`},
		{"exponent", "contributor,project,amount\na,P,1e3\n", "", 2, `"1e3"`},
		{"leading space", "contributor,project,amount\na,P, 5\n", "", 2, `" 5"`},
		{"trailing space", "contributor,project,amount\na,P,5 \n", "", 2, `"5 "`},
		{"empty amount", "contributor,project,amount\na,P,\n", "", 2, `""`},
		{"overflow", "contributor,project,amount\na,P,9223372036854775808\n", "", 2, "9223372036854775808"},
		{"full-width digits", "contributor,project,amount\na,P,５\n", "", 2, "５"},
		{"too many fields", "contributor,project,amount\na,P,5\nb,P,5,6\n", "", 3, "wrong number of fields"},
		{"too few fields", "contributor,project,amount\na,P\n", "", 2, "wrong number of fields"},
		{"bare quote", "contributor,project,amount\na\"b,P,5\n", "", 2, "bare"},
		{"unterminated quote", "contributor,project,amount\n\"a,P,5\n", "", 2, "quote"},
		{"empty contributor", "contributor,project,amount\n,P,5\n", "", 2, "empty"},
		{"empty project", "contributor,project,amount\na,,5\n", "", 2, "empty"},
		{"multi-line field names the amount's line", "contributor,project,amount\n\"a\nb\",P,x\n", "", 3, `"x"`},
		{"whitespace-only line", "contributor,project,amount\n   \n", "", 2, "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, err := ReadQFCSV(strings.NewReader(tt.in))
			if tt.line != 0 {
				var le *QFLineError
				if !errors.As(err, &le) {
					t.Fatalf("want a line error, got %v (rows %v)", err, rows)
				}
				if le.Line != tt.line || !strings.Contains(err.Error(), tt.cause) {
					t.Fatalf("error %q: want line %d mentioning %s", err, tt.line, tt.cause)
				}
				if !errors.Is(err, ErrMalformedRow) {
					t.Fatalf("error %q does not wrap ErrMalformedRow", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%s|%s|%d@%d", r.Contributor, r.Project, r.Amount, r.Line))
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
}

func TestWriteQFCSV(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	err := WriteQFCSV(&b, []QFProject{{"a,b", 2, 10, 3}, {`q"x`, 0, 0, 0}, {"社区", 1, 5, 0}})
	if err != nil {
		t.Fatal(err)
	}
	want := "project,contributors,contributed,match\n\"a,b\",2,10,3\n\"q\"\"x\",0,0,0\n社区,1,5,0\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// refQF is an independent reference: naive formulas in 512-bit big.Float, (Σ√c)² − Σc without
// any rearrangement, an explicit table of every pair for pairwise mode, and λ by bisection
// rather than the piecewise solution the engine uses.
func refQF(rows []QFRow, p QFParams) map[string]int64 {
	const prec = 512
	f := func() *big.Float { return new(big.Float).SetPrec(prec) }
	cells := map[string]map[string]int64{}
	for _, r := range rows {
		if cells[r.Project] == nil {
			cells[r.Project] = map[string]int64{}
		}
		if r.Amount >= p.MinAmount {
			cells[r.Project][r.Contributor] += r.Amount
		}
	}
	sqrt := func(n int64) *big.Float { return f().Sqrt(f().SetInt64(n)) }
	type pair struct{ i, j string }
	shared := map[pair]*big.Float{}
	if p.Mode == QFPairwise {
		for _, cs := range cells {
			for i, ci := range cs {
				for j, cj := range cs {
					if i < j {
						k := pair{i, j}
						if shared[k] == nil {
							shared[k] = f()
						}
						shared[k].Add(shared[k], f().Mul(sqrt(ci), sqrt(cj)))
					}
				}
			}
		}
	}
	m := f().SetRat(p.PairwiseM.rat())
	raw := map[string]*big.Float{}
	for proj, cs := range cells {
		r := f()
		raw[proj] = r
		if len(cs) < p.MinContributors || len(cs) < 2 {
			continue
		}
		if p.Mode == QFStandard {
			s, t := f(), f()
			for _, c := range cs {
				s.Add(s, sqrt(c))
				t.Add(t, f().SetInt64(c))
			}
			r.Sub(f().Mul(s, s), t)
			continue
		}
		for i, ci := range cs {
			for j, cj := range cs {
				if i == j {
					continue
				}
				k := pair{min(i, j), max(i, j)}
				w := f().Mul(sqrt(ci), sqrt(cj))
				r.Add(r, f().Quo(f().Mul(w, m), f().Add(m, shared[k])))
			}
		}
	}
	pool := f().SetInt64(p.Pool)
	var c *big.Float
	if p.HasCap() {
		c = f().SetRat(new(big.Rat).Quo(new(big.Rat).Mul(big.NewRat(p.Pool, 1), p.CapPercent.rat()), big.NewRat(100, 1)))
	}
	at := func(l *big.Float, r *big.Float) *big.Float {
		x := f().Mul(l, r)
		if c != nil && x.Cmp(c) > 0 {
			return f().Set(c)
		}
		return x
	}
	sum := func(l *big.Float) *big.Float {
		s := f()
		for _, r := range raw {
			s.Add(s, at(l, r))
		}
		return s
	}
	lo, hi := f(), f().SetInt64(1)
	if sum(hi).Cmp(pool) <= 0 {
		lo.SetInt64(1)
	} else {
		for range 450 {
			mid := f().Quo(f().Add(lo, hi), f().SetInt64(2))
			if sum(mid).Cmp(pool) <= 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
	}
	out := map[string]int64{}
	tol := f().SetMantExp(f().SetInt64(1), -300)
	for proj, r := range raw {
		x := at(lo, r)
		nearest, _ := f().Add(x, f().SetFloat64(0.5)).Int(nil)
		d := f().Sub(x, f().SetInt(nearest))
		d.Abs(d)
		scale := f().Set(x)
		if scale.Cmp(f().SetInt64(1)) < 0 {
			scale.SetInt64(1)
		}
		if d.Cmp(scale.Mul(scale, tol)) <= 0 {
			out[proj] = nearest.Int64()
		} else {
			fl, _ := x.Int(nil)
			out[proj] = fl.Int64()
		}
	}
	return out
}

// TestQuadraticFundingMatchesReference compares the engine with refQF on random rounds built
// to hit exact cases: perfect squares, equal amounts, pools equal to sums of subsidies, caps
// that bind, λ < 1, large amounts.
func TestQuadraticFundingMatchesReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	caps := []Ratio{{}, {}, {100, 1}, {50, 1}, {25, 1}, {125, 10}, {10, 1}, {1, 1}, {1, 2}}
	ms := []Ratio{{2500, 1}, {1, 1}, {1, 2}, {7, 3}}
	smallAmounts := []int64{0, 1, 1, 2, 3, 4, 8, 9, 12, 16, 18, 25, 27, 50, 100}
	cases := 250
	if testing.Short() {
		cases = 100
	}
	for n := range cases {
		var rows []QFRow
		nProj, nContrib := 1+rng.IntN(6), 1+rng.IntN(12)
		large := n%5 == 4
		for range 1 + rng.IntN(30) {
			a := smallAmounts[rng.IntN(len(smallAmounts))]
			if large {
				a = rng.Int64N(1_000_000_000_000) * (1 + rng.Int64N(1000))
			}
			rows = append(rows, QFRow{
				Contributor: fmt.Sprintf("c%d", rng.IntN(nContrib)),
				Project:     fmt.Sprintf("p%d", rng.IntN(nProj)),
				Amount:      a,
			})
		}
		p := DefaultQFParams(0)
		p.CapPercent = caps[rng.IntN(len(caps))]
		p.MinContributors = rng.IntN(4)
		p.MinAmount = int64(rng.IntN(3))
		if rng.IntN(2) == 0 {
			p.Mode = QFPairwise
			p.PairwiseM = ms[rng.IntN(len(ms))]
		}
		// Pools: from nothing to plenty, including the exact total of integer subsidies.
		unscaled, err := QuadraticFunding(rows, QFParams{Pool: 1 << 62, MinContributors: p.MinContributors, MinAmount: p.MinAmount, Mode: p.Mode, PairwiseM: p.PairwiseM})
		if err != nil {
			t.Fatal(err)
		}
		switch rng.IntN(4) {
		case 0:
			p.Pool = unscaled.Matched
		case 1:
			p.Pool = rng.Int64N(unscaled.Matched + 2)
		case 2:
			p.Pool = unscaled.Matched / (1 + rng.Int64N(5))
		default:
			p.Pool = unscaled.Matched*2 + rng.Int64N(100)
		}
		res, err := QuadraticFunding(rows, p)
		if err != nil {
			t.Fatal(err)
		}
		want := refQF(rows, p)
		if len(want) != len(res.Projects) {
			t.Fatalf("case %d: %d projects, reference %d", n, len(res.Projects), len(want))
		}
		var total int64
		for _, pr := range res.Projects {
			total += pr.Match
			if pr.Match != want[pr.Project] {
				t.Errorf("case %d (%+v): project %s match %d, reference %d\nrows %v", n, p, pr.Project, pr.Match, want[pr.Project], rows)
			}
		}
		if total > p.Pool {
			t.Errorf("case %d: total %d exceeds pool %d", n, total, p.Pool)
		}
		if !sort.SliceIsSorted(res.Projects, func(a, b int) bool { return res.Projects[a].Project < res.Projects[b].Project }) {
			t.Errorf("case %d: projects not sorted", n)
		}
	}
}

// TestQuadraticFundingNeverExceedsPool runs the engine's own invariants on larger rounds.
func TestQuadraticFundingNeverExceedsPool(t *testing.T) {
	t.Parallel()
	for seed := range uint64(8) {
		rows := SyntheticQFRound(seed, 800, 40)
		for _, mode := range []QFMode{QFStandard, QFPairwise} {
			for _, pool := range []int64{0, 1, 999, 1_000_000, 1 << 40} {
				p := DefaultQFParams(pool)
				p.Mode = mode
				if seed%2 == 1 {
					p.CapPercent = Ratio{int64(1 + seed), 1}
				}
				res, err := QuadraticFunding(rows, p)
				if err != nil {
					t.Fatal(err)
				}
				var capFloor int64 = 1 << 62
				if p.HasCap() {
					capFloor = pool * p.CapPercent.Num / 100
				}
				for _, pr := range res.Projects {
					if pr.Match < 0 || pr.Match > capFloor {
						t.Errorf("seed %d %s pool %d: %s match %d outside [0, %d]", seed, mode, pool, pr.Project, pr.Match, capFloor)
					}
				}
				if res.Matched > pool || res.Left != pool-res.Matched {
					t.Errorf("seed %d %s pool %d: matched %d left %d", seed, mode, pool, res.Matched, res.Left)
				}
			}
		}
	}
}

// TestQuadraticFundingLargeRoundMatchesReference checks a generated round of realistic shape
// against the reference, in both modes, with the pool binding.
func TestQuadraticFundingLargeRoundMatchesReference(t *testing.T) {
	if testing.Short() {
		t.Skip("slow reference")
	}
	t.Parallel()
	rows := SyntheticQFRound(3, 250, 10)
	for _, mode := range []QFMode{QFStandard, QFPairwise} {
		p := DefaultQFParams(1_234_567)
		p.Mode = mode
		p.CapPercent = Ratio{30, 1}
		res, err := QuadraticFunding(rows, p)
		if err != nil {
			t.Fatal(err)
		}
		want := refQF(rows, p)
		for _, pr := range res.Projects {
			if pr.Match != want[pr.Project] {
				t.Errorf("%s: project %s match %d, reference %d", mode, pr.Project, pr.Match, want[pr.Project])
			}
		}
	}
}

func TestDoubleDouble(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, 1, 2, 3, 4, 1 << 53, 1<<53 + 1, 9_007_199_254_740_993, 1<<63 - 1, 999_999_999_999} {
		got := ddSqrtInt(n).bigFloat(300)
		want := new(big.Float).SetPrec(300).Sqrt(new(big.Float).SetPrec(300).SetInt64(n))
		diff := new(big.Float).Sub(got, want)
		diff.Abs(diff)
		bound := new(big.Float).Mul(want, big.NewFloat(1e-30))
		if diff.Cmp(bound) > 0 {
			t.Errorf("sqrt(%d): off by %g", n, diff)
		}
		if back := ddInt(n).bigFloat(300); back.Cmp(new(big.Float).SetInt64(n)) != 0 {
			t.Errorf("ddInt(%d) = %v", n, back)
		}
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for range 1000 {
		a, b := ddSqrtInt(1+rng.Int64N(1<<62)), ddSqrtInt(1+rng.Int64N(1<<40))
		exact := new(big.Float).SetPrec(300).Quo(a.bigFloat(300), b.bigFloat(300))
		rel := new(big.Float).Quo(new(big.Float).Sub(a.quo(b).bigFloat(300), exact), exact)
		if f, _ := rel.Float64(); f > 1e-30 || f < -1e-30 {
			t.Errorf("quo: relative error %g", f)
		}
		sum := new(big.Float).SetPrec(300).Add(a.bigFloat(300), b.bigFloat(300))
		rel = new(big.Float).Quo(new(big.Float).Sub(a.addSameSign(b).bigFloat(300), sum), sum)
		if f, _ := rel.Float64(); f > 1e-30 || f < -1e-30 {
			t.Errorf("addSameSign: relative error %g", f)
		}
	}
}

func TestFloorSnapped(t *testing.T) {
	t.Parallel()
	f := func(s string) *big.Float {
		x, _, err := big.ParseFloat(s, 10, qfPrec, big.ToNearestEven)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	tests := []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"0.9999999", 0},
		{"7.999999999999999999999999999", 8}, // rounding error below an exact 8
		{"8.000000000000000000000000001", 8},
		{"7.9999999999", 7}, // genuinely below 8
		{"7.5", 7},
		{"123456789012.99999999999999999999999999", 123456789013},
		{"123456789012.9999", 123456789012},
		{"9223372036854775807", 9223372036854775807},
	}
	for _, tt := range tests {
		if got := floorSnapped(f(tt.in)); got != tt.want {
			t.Errorf("floorSnapped(%s) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
