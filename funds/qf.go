package funds

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
)

// QFMode selects the quadratic-funding formula.
type QFMode string

// Quadratic-funding modes.
const (
	// QFStandard is the classic formula: r_p = (Σ_i √c_ip)² − Σ_i c_ip.
	QFStandard QFMode = "standard"
	// QFPairwise is pairwise-bounded QF: each pair of contributors' subsidy shrinks with how
	// much they already co-fund, so a coordinated group cannot farm the pool.
	QFPairwise QFMode = "pairwise"
)

// QFRow is one contribution of a round: who gave how much (minor units) to which project.
type QFRow struct {
	Contributor string
	Project     string
	Amount      int64
	Line        int // input line, for error messages; 0 if the row did not come from a file
}

// QFParams are a round's settings. DefaultQFParams gives the command's defaults.
type QFParams struct {
	Pool int64 // N, minor units
	// CapPercent is P: no project gets more than P% of the pool. The zero Ratio means no cap.
	CapPercent Ratio
	// MinContributors is K: projects with fewer distinct contributors get nothing.
	MinContributors int
	// MinAmount is A: contribution rows below it are dropped before anything else.
	MinAmount int64
	Mode      QFMode
	// PairwiseM is M in pairwise mode's M / (M + P_ij).
	PairwiseM Ratio
}

// DefaultQFParams returns no cap, K = 2, A = 1, standard mode and M = 2500.
func DefaultQFParams(pool int64) QFParams {
	return QFParams{Pool: pool, MinContributors: 2, MinAmount: 1, Mode: QFStandard, PairwiseM: Ratio{2500, 1}}
}

// HasCap reports whether a per-project cap applies.
func (p QFParams) HasCap() bool { return p.CapPercent != (Ratio{}) }

// Validate checks the parameters, naming each bad one.
func (p QFParams) Validate() error {
	var es FieldErrors
	if p.Pool < 0 {
		es.add("pool", ErrNegativeAmount)
	}
	if p.HasCap() {
		c := p.CapPercent
		if c.Den <= 0 || c.Num <= 0 || c.rat().Cmp(big.NewRat(100, 1)) > 0 {
			es.addf("cap_percent", "must be greater than 0 and at most 100")
		}
	}
	if p.MinContributors < 0 {
		es.addf("min_contributors", "must not be negative")
	}
	if p.MinAmount < 0 {
		es.add("min_amount", ErrNegativeAmount)
	}
	if p.Mode != QFStandard && p.Mode != QFPairwise {
		es.addf("mode", "must be standard or pairwise")
	}
	if p.Mode == QFPairwise {
		if err := p.PairwiseM.check(true); err != nil {
			es.add("pairwise_m", err)
		}
	}
	return es.err()
}

// QFProject is one project's outcome.
type QFProject struct {
	Project      string
	Contributors int   // distinct contributors after dropping rows below the minimum
	Contributed  int64 // Σ_i c_ip
	Match        int64 // floor(min(C, λ·r_p))
}

// QFResult is a round's outcome.
type QFResult struct {
	Projects []QFProject // one per project in the input, sorted by project id (bytewise)
	Lambda   float64     // the scale applied to raw subsidies, for display (1: pool covers all)
	Matched  int64       // Σ match, never more than the pool
	Left     int64       // what stays in the pool
}

// QFLineError names the input line (or row) a problem was found on.
type QFLineError struct {
	Line int
	Err  error
}

// Error names the line.
func (e *QFLineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap exposes the reason.
func (e *QFLineError) Unwrap() error { return e.Err }

// ErrMalformedRow is the reason for rows that are not contributor,project,amount.
var ErrMalformedRow = errors.New("malformed row")

func rowErr(row QFRow, i int, format string, args ...any) error {
	line := row.Line
	if line == 0 {
		line = i + 1
	}
	return &QFLineError{Line: line, Err: fmt.Errorf("%w: "+format, append([]any{ErrMalformedRow}, args...)...)}
}

// qfCell is c_ip: one contributor's total to one project, with its square root.
type qfCell struct {
	contributor, project int32
	amount               int64
	sqrt                 dd
}

var maxInt64F = new(big.Float).SetInt64(math.MaxInt64)

// qfPrec is the big.Float precision for per-project totals, λ and the final floors; far above
// the double-double's ~106 bits so it adds no error of its own.
const qfPrec = 256

// qfSnap is the relative distance within which a computed value counts as the integer it is
// next to. The double-double error is below 1e-25 relative even for tens of millions of pairs,
// so a value that is mathematically an integer (r_p for perfect squares, λ·r_p = N − k·C)
// always lands inside, while an irrational value this close to an integer is vanishingly rare.
var qfSnap = new(big.Float).SetPrec(qfPrec).SetFloat64(0x1p-66)

// QuadraticFunding computes a round: steps 1–6 of the `wushe funds qf` contract.
func QuadraticFunding(rows []QFRow, p QFParams) (QFResult, error) {
	if err := p.Validate(); err != nil {
		return QFResult{}, err
	}
	// Steps 1–2: drop small rows, sum c_ip, count contributors and totals per project.
	projIdx := map[string]int32{}
	var projNames []string
	contribIdx := map[string]int32{}
	cellIdx := make(map[uint64]int32, len(rows))
	cells := make([]qfCell, 0, len(rows))
	var contributed []int64
	var counts []int32
	for i, row := range rows {
		switch {
		case row.Contributor == "":
			return QFResult{}, rowErr(row, i, "empty contributor")
		case row.Project == "":
			return QFResult{}, rowErr(row, i, "empty project")
		case row.Amount < 0:
			return QFResult{}, rowErr(row, i, "negative amount %d", row.Amount)
		}
		pi, ok := projIdx[row.Project]
		if !ok {
			pi = int32(len(projNames))
			projIdx[row.Project] = pi
			projNames = append(projNames, row.Project)
			contributed = append(contributed, 0)
			counts = append(counts, 0)
		}
		if row.Amount < p.MinAmount {
			continue
		}
		ci, ok := contribIdx[row.Contributor]
		if !ok {
			ci = int32(len(contribIdx))
			contribIdx[row.Contributor] = ci
		}
		if contributed[pi], ok = addInt64(contributed[pi], row.Amount); !ok {
			return QFResult{}, rowErr(row, i, "project %q's total overflows", row.Project)
		}
		key := uint64(ci)<<32 | uint64(pi)
		if k, seen := cellIdx[key]; seen {
			cells[k].amount += row.Amount // cannot overflow: the project's total did not
		} else {
			cellIdx[key] = int32(len(cells))
			cells = append(cells, qfCell{contributor: ci, project: pi, amount: row.Amount})
			counts[pi]++
		}
	}
	for i := range cells {
		cells[i].sqrt = ddSqrtInt(cells[i].amount)
	}

	// Step 3: raw subsidies.
	np := len(projNames)
	raw := make([]dd, np)
	byProject := groupCells(cells, np, func(c qfCell) int32 { return c.project })
	eligible := func(pi int) bool {
		n := int(counts[pi])
		return n >= 2 && n >= p.MinContributors
	}
	switch p.Mode {
	case QFStandard:
		for pi := range np {
			if eligible(pi) {
				raw[pi] = standardSubsidy(byProject[pi])
			}
		}
	case QFPairwise:
		pw := newPairwise(cells, len(contribIdx), ddRat(p.PairwiseM.rat()))
		parallelProjects(np, counts, func() func(pi int) {
			mk := &projectMarks{stamp: make([]int32, np), sqrt: make([]dd, np)}
			var scratch []pairMember
			return func(pi int) {
				if eligible(pi) {
					raw[pi], scratch = pw.subsidy(int32(pi), byProject[pi], mk, scratch)
				}
			}
		})
	}

	// Steps 4–6: cap, λ, floors.
	matches, lambda := distribute(raw, p)
	res := QFResult{Projects: make([]QFProject, np), Lambda: lambda}
	for pi := range np {
		res.Projects[pi] = QFProject{Project: projNames[pi], Contributors: int(counts[pi]), Contributed: contributed[pi], Match: matches[pi]}
		res.Matched += matches[pi]
	}
	sort.Slice(res.Projects, func(a, b int) bool { return res.Projects[a].Project < res.Projects[b].Project })
	res.Left = p.Pool - res.Matched
	return res, nil
}

// groupCells buckets cells by key without a slice per cell: one backing array, n windows.
func groupCells(cells []qfCell, n int, key func(qfCell) int32) [][]qfCell {
	start := make([]int, n+1)
	for _, c := range cells {
		start[key(c)+1]++
	}
	for i := range n {
		start[i+1] += start[i]
	}
	flat := make([]qfCell, len(cells))
	next := append([]int(nil), start[:n]...)
	for _, c := range cells {
		k := key(c)
		flat[next[k]] = c
		next[k]++
	}
	out := make([][]qfCell, n)
	for i := range n {
		out[i] = flat[start[i]:start[i+1]:start[i+1]]
	}
	return out
}

// standardSubsidy is (Σ√c)² − Σc computed as 2·Σ_i √c_i·Σ_{j<i} √c_j: only additions and
// products of non-negative numbers, so there is no cancellation when one donor dominates.
func standardSubsidy(list []qfCell) dd {
	var prefix, acc dd
	for _, c := range list {
		acc = acc.addSameSign(c.sqrt.mul(prefix))
		prefix = prefix.addSameSign(c.sqrt)
	}
	return acc.addSameSign(acc)
}

// pairwise holds every contributor's projects in two flat arrays — project ids and square
// roots side by side — so the inner loop reads 4-byte ids in order and touches a root only for
// a shared project. Memory is linear in the contributions: no table of pairs is ever built.
type pairwise struct {
	m     dd
	start []int32 // contributor i's projects are proj[start[i]:start[i+1]]
	proj  []int32 // sorted by project within each contributor
	sqrt  []dd
}

func newPairwise(cells []qfCell, contributors int, m dd) *pairwise {
	byContributor := groupCells(cells, contributors, func(c qfCell) int32 { return c.contributor })
	pw := &pairwise{m: m, start: make([]int32, contributors+1), proj: make([]int32, 0, len(cells)), sqrt: make([]dd, 0, len(cells))}
	for i, list := range byContributor {
		sort.Slice(list, func(a, b int) bool { return list[a].project < list[b].project })
		for _, c := range list {
			pw.proj = append(pw.proj, c.project)
			pw.sqrt = append(pw.sqrt, c.sqrt)
		}
		pw.start[i+1] = int32(len(pw.proj))
	}
	return pw
}

// projectMarks remembers one contributor's projects by stamping a dense per-worker array, so
// the projects another contributor shares with them are found with O(1) lookups.
type projectMarks struct {
	stamp []int32 // stamp[q] == cur when the marked contributor gave to project q
	sqrt  []dd    // √c_iq for those projects
	cur   int32
}

// pairMember is one contributor of the project being computed, copied next to the others so
// the inner loop walks memory in order.
type pairMember struct {
	sqrt       dd
	from, upto int32 // the contributor's range in pairwise.proj
}

// subsidy is Σ_{i≠j} √c_ip·√c_jp · M/(M+P_ij) for project p. P_ij starts with p's own term
// w = √c_ip·√c_jp and adds the other projects both gave to, found by stamping i's projects and
// scanning j's ids.
func (pw *pairwise) subsidy(p int32, list []qfCell, mk *projectMarks, members []pairMember) (dd, []pairMember) {
	members = members[:0]
	for _, c := range list {
		members = append(members, pairMember{sqrt: c.sqrt, from: pw.start[c.contributor], upto: pw.start[c.contributor+1]})
	}
	var acc dd
	for a := 1; a < len(members); a++ {
		ma := members[a]
		multi := ma.upto-ma.from > 1
		if multi {
			mk.cur++
			for k := ma.from; k < ma.upto; k++ {
				mk.stamp[pw.proj[k]], mk.sqrt[pw.proj[k]] = mk.cur, pw.sqrt[k]
			}
		}
		sam := ma.sqrt.mul(pw.m) // √c_ip·M, shared by every pair of a
		for _, mb := range members[:a] {
			if ma.sqrt.hi == 0 || mb.sqrt.hi == 0 {
				continue
			}
			w := ma.sqrt.mul(mb.sqrt)
			pij := w
			if multi && mb.upto-mb.from > 1 {
				for k := mb.from; k < mb.upto; k++ {
					if q := pw.proj[k]; q != p && mk.stamp[q] == mk.cur {
						pij = pij.addSameSign(mk.sqrt[q].mul(pw.sqrt[k]))
					}
				}
			}
			acc = acc.addSameSign(sam.mul(mb.sqrt).quo(pw.m.addSameSign(pij)))
		}
	}
	return acc.addSameSign(acc), members
}

// parallelProjects runs a worker per core over every project, largest projects first so the
// cores finish together; newWorker gives each goroutine its own scratch space. Each project is
// computed by one goroutine, so results do not depend on scheduling.
func parallelProjects(n int, counts []int32, newWorker func() func(pi int)) {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return counts[order[a]] > counts[order[b]] })
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := newWorker()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(order[i])
			}
		}()
	}
	wg.Wait()
}

// distribute finds λ exactly on the piecewise-linear S(λ) = Σ_p min(C, λ·r_p) and returns
// floor(min(C, λ·r_p)) per project.
func distribute(raw []dd, p QFParams) ([]int64, float64) {
	np := len(raw)
	out := make([]int64, np)
	newF := func() *big.Float { return new(big.Float).SetPrec(qfPrec) }
	r := make([]*big.Float, np)
	var order []int // projects with a positive subsidy, largest first
	for i, x := range raw {
		r[i] = x.bigFloat(qfPrec)
		if r[i].Sign() > 0 {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return r[order[a]].Cmp(r[order[b]]) > 0 })
	pool := newF().SetInt64(p.Pool)

	var c *big.Float // the cap C = N·P/100, nil when uncapped
	var capFloor int64
	if p.HasCap() {
		cr := new(big.Rat).Mul(new(big.Rat).SetInt64(p.Pool), p.CapPercent.rat())
		cr.Quo(cr, big.NewRat(100, 1))
		c = newF().SetRat(cr)
		capFloor = new(big.Int).Quo(cr.Num(), cr.Denom()).Int64()
	}
	capped := func(x *big.Float) *big.Float {
		if c != nil && x.Cmp(c) > 0 {
			return c
		}
		return x
	}

	// suffix[k] = Σ_{t ≥ k} r[order[t]], summed from the small end to keep it exact-ish.
	suffix := make([]*big.Float, len(order)+1)
	suffix[len(order)] = newF()
	for k := len(order) - 1; k >= 0; k-- {
		suffix[k] = newF().Add(suffix[k+1], r[order[k]])
	}
	sumAt1 := newF()
	for _, i := range order {
		sumAt1.Add(sumAt1, capped(r[i]))
	}
	lambda := newF().SetInt64(1)
	if sumAt1.Cmp(pool) > 0 {
		// S(1) > N. With the k largest capped, S(λ) = k·C + λ·suffix[k] on the segment
		// C/r_k ≤ λ ≤ C/r_{k+1}; walk k up until the solution lies inside its segment.
		for k := range order {
			rest := newF().Set(pool)
			if c != nil {
				rest.Sub(rest, newF().Mul(newF().SetInt64(int64(k)), c))
			}
			lambda.Quo(rest, suffix[k])
			if c == nil || newF().Mul(lambda, r[order[k]]).Cmp(c) <= 0 {
				break
			}
		}
		if lambda.Sign() < 0 {
			lambda.SetInt64(0)
		}
	}

	for _, i := range order {
		x := newF().Mul(lambda, r[i])
		if c != nil {
			near := newF().Mul(c, newF().Sub(newF().SetInt64(1), qfSnap))
			if x.Cmp(near) >= 0 {
				out[i] = capFloor
				continue
			}
		}
		out[i] = min(floorSnapped(x), p.Pool)
	}
	// The floors above cannot add up past N (see docs/funds.md); this check keeps the promise
	// "never more than the pool" even if that argument were wrong, taking single fen back
	// from the largest matches.
	var total int64
	for _, m := range out {
		total += m
	}
	for k := 0; total > p.Pool && len(order) > 0; k = (k + 1) % len(order) {
		if out[order[k]] > 0 {
			out[order[k]]--
			total--
		}
	}
	l, _ := lambda.Float64()
	return out, l
}

// floorSnapped floors x ≥ 0, except that a value within qfSnap (relative) of an integer is
// that integer: the computation's rounding error must not turn an exact 8 into 7.
func floorSnapped(x *big.Float) int64 {
	if x.Cmp(maxInt64F) >= 0 {
		return math.MaxInt64 // only reachable by rounding when the pool itself is MaxInt64
	}
	half := new(big.Float).SetPrec(qfPrec).SetFloat64(0.5)
	nearest, _ := new(big.Float).SetPrec(qfPrec).Add(x, half).Int(nil) // x ≥ 0: truncation = floor
	diff := new(big.Float).SetPrec(qfPrec).Sub(x, new(big.Float).SetPrec(qfPrec).SetInt(nearest))
	diff.Abs(diff)
	scale := new(big.Float).SetPrec(qfPrec).Set(x)
	if scale.Cmp(big.NewFloat(1)) < 0 {
		scale.SetInt64(1)
	}
	if diff.Cmp(scale.Mul(scale, qfSnap)) <= 0 {
		return nearest.Int64()
	}
	f, _ := x.Int(nil)
	return f.Int64()
}
