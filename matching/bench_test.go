package matching_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/matching"
)

// Benchmarks at the scales in docs/perf/matching.md. Instances are built once per process and
// excluded from the timings; every benchmark reports ns/op for one call.

var (
	cityOnce    sync.Once
	cityCands   matching.Candidates
	millionOnce sync.Once
	millionVols []matching.Volunteer
)

func city() matching.Candidates {
	cityOnce.Do(func() {
		r := rand.New(rand.NewPCG(42, 1))
		cityCands = matching.Candidates{
			Volunteers:    genVolunteers(r, 100_000, 1),
			Organizations: genOrganizations(r, 5_000, 1),
			Donors:        genDonors(r, 10_000, 1),
		}
	})
	return cityCands
}

func million() []matching.Volunteer {
	millionOnce.Do(func() { millionVols = genVolunteers(rand.New(rand.NewPCG(43, 1)), 1_000_000, 1) })
	return millionVols
}

// benchRank ranks a stream of different targets so that no single lucky query is measured,
// and reports the median and 99th percentile beside the mean (the targets are stated as
// medians).
func benchRank(b *testing.B, ix *matching.Index, radius float64) {
	r := rand.New(rand.NewPCG(7, 7))
	targets := make([]matching.Target, 64)
	for i := range targets {
		targets[i] = genTarget(r, radius, matching.CommunityKinds()[i%4])
	}
	var took []time.Duration
	i := 0
	for b.Loop() {
		t0 := time.Now()
		if _, err := ix.Rank(targets[i%len(targets)], matching.Query{}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t0))
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkRankCity: one need against 100,000 volunteers, 5,000 organizations and 10,000
// donors, 3 km radius, top 20 of each kind with explanations.
func BenchmarkRankCity(b *testing.B) {
	ix, err := matching.NewIndex(city())
	if err != nil {
		b.Fatal(err)
	}
	benchRank(b, ix, 3000)
}

// BenchmarkRankCityNoRadius is the same without a radius: every candidate is scanned.
func BenchmarkRankCityNoRadius(b *testing.B) {
	ix, err := matching.NewIndex(city())
	if err != nil {
		b.Fatal(err)
	}
	benchRank(b, ix, 0)
}

// BenchmarkRankMillion: one need against 1,000,000 volunteers, 3 km radius.
func BenchmarkRankMillion(b *testing.B) {
	ix, err := matching.NewIndex(matching.Candidates{Volunteers: million()})
	if err != nil {
		b.Fatal(err)
	}
	benchRank(b, ix, 3000)
}

// BenchmarkRankMillionNoRadius: 1,000,000 volunteers, no radius.
func BenchmarkRankMillionNoRadius(b *testing.B) {
	ix, err := matching.NewIndex(matching.Candidates{Volunteers: million()})
	if err != nil {
		b.Fatal(err)
	}
	benchRank(b, ix, 0)
}

// BenchmarkNewIndexCity is the one-off cost of indexing the city.
func BenchmarkNewIndexCity(b *testing.B) {
	c := city()
	for b.Loop() {
		if _, err := matching.NewIndex(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewIndexMillion is the one-off cost of indexing a million volunteers.
func BenchmarkNewIndexMillion(b *testing.B) {
	c := matching.Candidates{Volunteers: million()}
	for b.Loop() {
		if _, err := matching.NewIndex(c); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	solveOnce         sync.Once
	shiftsJSON, dense []byte
	shiftsP, denseP   matching.Problem
)

func solveInstances(b *testing.B) {
	solveOnce.Do(func() {
		shiftsP, denseP = genShifts(1, 2000, 10000, 11), genDense(1, 1000)
		var err error
		if shiftsJSON, err = json.Marshal(shiftsP); err != nil {
			b.Fatal(err)
		}
		if dense, err = json.Marshal(denseP); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSolveShifts: 2,000 shifts (capacity 1–3) × 10,000 volunteers (capacity 2),
// 110,000 edges, max_score, from JSON bytes to solution (what "wushe match solve" does
// between reading the file and printing).
func BenchmarkSolveShifts(b *testing.B) { benchParseSolve(b, &shiftsJSON) }

// BenchmarkSolveDense: 1,000 × 1,000 complete, unit capacities, from JSON bytes.
func BenchmarkSolveDense(b *testing.B) { benchParseSolve(b, &dense) }

func benchParseSolve(b *testing.B, data *[]byte) {
	solveInstances(b)
	b.SetBytes(int64(len(*data)))
	for b.Loop() {
		p, err := matching.ParseProblem(*data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := matching.Solve(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSolveShiftsOnly and BenchmarkSolveDenseOnly time Solve alone (validation, network,
// optimisation), the figure to set beside scipy's linear_sum_assignment call.
func BenchmarkSolveShiftsOnly(b *testing.B) { benchSolve(b, &shiftsP) }

// BenchmarkSolveDenseOnly: see BenchmarkSolveShiftsOnly.
func BenchmarkSolveDenseOnly(b *testing.B) { benchSolve(b, &denseP) }

func benchSolve(b *testing.B, p *matching.Problem) {
	solveInstances(b)
	for b.Loop() {
		if _, err := matching.Solve(*p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSolveShiftsCoverage is the city batch under max_coverage.
func BenchmarkSolveShiftsCoverage(b *testing.B) {
	solveInstances(b)
	p := shiftsP
	p.Objective = matching.MaxCoverage
	benchSolve(b, &p)
}

// BenchmarkAssignShiftsCity is the city batch with times (shifts of 1–3 hours on the hour over a
// week, so some overlap in chains) and the time-conflict rule: 2,000 shifts, 10,000 volunteers
// (capacity 2), 110,000 edges.
func BenchmarkAssignShiftsCity(b *testing.B) {
	p := genTimedShifts(1, 2000, 10000, 11)
	benchShifts(b, p)
}

// BenchmarkAssignShiftsScarce has as many volunteers as shifts, each able to take 4 and eligible
// for 20: many more overlapping chains for the branch and bound.
func BenchmarkAssignShiftsScarce(b *testing.B) {
	p := genTimedShifts(1, 2000, 2000, 20)
	for i := range p.Workers {
		p.Workers[i].Capacity = 4
	}
	benchShifts(b, p)
}

func benchShifts(b *testing.B, p matching.ShiftProblem) {
	var s matching.ShiftSolution
	for b.Loop() {
		var err error
		if s, err = matching.AssignShifts(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.Nodes), "nodes/op")
}
