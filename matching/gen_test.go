package matching_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/wushe/wushe/matching"
)

// Instance generators shared by tests, benchmarks and scripts/compare/bench_solve.sh (through
// TestWriteInstances). All are deterministic in their seed.

// round6 keeps generated scores short in JSON, as a ranker's output printed to 6 places would be.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// genShifts is the city-scale batch: shifts (capacity 1–3) in communities, volunteers
// (capacity 2) each eligible for about edgesPer shifts, mostly in their own community.
func genShifts(seed uint64, shifts, volunteers, edgesPer int) matching.Problem {
	r := rand.New(rand.NewPCG(seed, 1))
	communities := max(1, shifts/40)
	p := matching.Problem{Objective: matching.MaxScore}
	byComm := make([][]int, communities)
	for i := range shifts {
		p.Tasks = append(p.Tasks, matching.Task{ID: fmt.Sprintf("s%d", i), Capacity: 1 + r.IntN(3)})
		c := i % communities
		byComm[c] = append(byComm[c], i)
	}
	for v := range volunteers {
		p.Workers = append(p.Workers, matching.Worker{ID: fmt.Sprintf("v%d", v), Capacity: 2})
		home := r.IntN(communities)
		seen := map[int]bool{}
		for len(seen) < min(edgesPer, shifts) {
			var s int
			if r.Float64() < 0.8 && len(byComm[home]) > 0 {
				s = byComm[home][r.IntN(len(byComm[home]))]
			} else {
				s = r.IntN(shifts)
			}
			if seen[s] {
				continue
			}
			seen[s] = true
			p.Edges = append(p.Edges, matching.Edge{Worker: fmt.Sprintf("v%d", v), Task: fmt.Sprintf("s%d", s), Score: round6(0.05 + 0.95*r.Float64())})
		}
	}
	return p
}

// genDense is a complete n×n unit-capacity instance with scores in (0,1].
func genDense(seed uint64, n int) matching.Problem {
	r := rand.New(rand.NewPCG(seed, 2))
	p := matching.Problem{Objective: matching.MaxScore}
	for i := range n {
		p.Workers = append(p.Workers, matching.Worker{ID: fmt.Sprintf("w%d", i), Capacity: 1})
		p.Tasks = append(p.Tasks, matching.Task{ID: fmt.Sprintf("t%d", i), Capacity: 1})
	}
	for i := range n {
		for j := range n {
			p.Edges = append(p.Edges, matching.Edge{Worker: fmt.Sprintf("w%d", i), Task: fmt.Sprintf("t%d", j), Score: round6(1e-6 + r.Float64())})
		}
	}
	return p
}

// genRandom is a small random instance with the awkward cases the reference comparison must
// cover: capacities 0–3, unreachable tasks, zero and negative scores, and ties (scores drawn
// from a few values when ties is set).
func genRandom(r *rand.Rand, obj matching.Objective, nw, nt int, density float64, ties bool) matching.Problem {
	p := matching.Problem{Objective: obj}
	for i := range nw {
		p.Workers = append(p.Workers, matching.Worker{ID: fmt.Sprintf("w%d", i), Capacity: r.IntN(4)})
	}
	for j := range nt {
		p.Tasks = append(p.Tasks, matching.Task{ID: fmt.Sprintf("t%d", j), Capacity: r.IntN(4)})
	}
	for i := range nw {
		for j := range nt {
			if r.Float64() >= density {
				continue
			}
			var s float64
			switch {
			case ties:
				s = []float64{0, 0.5, 0.5, 1, 1, 2}[r.IntN(6)]
			case r.IntN(10) == 0:
				s = -round6(r.Float64())
			case r.IntN(20) == 0:
				s = 0
			default:
				s = round6(r.Float64() * 10)
			}
			p.Edges = append(p.Edges, matching.Edge{Worker: fmt.Sprintf("w%d", i), Task: fmt.Sprintf("t%d", j), Score: s})
		}
	}
	r.Shuffle(len(p.Edges), func(a, b int) { p.Edges[a], p.Edges[b] = p.Edges[b], p.Edges[a] })
	return p
}

// genTimedShifts is the city batch with times: shifts of 1–3 hours starting on the hour over a
// week (so some overlap in chains), volunteers eligible for about edgesPer shifts, mostly in
// their own community.
func genTimedShifts(seed uint64, shifts, volunteers, edgesPer int) matching.ShiftProblem {
	p := genShifts(seed, shifts, volunteers, edgesPer)
	r := rand.New(rand.NewPCG(seed, 3))
	sp := matching.ShiftProblem{Objective: p.Objective, Workers: p.Workers, Edges: p.Edges}
	for _, t := range p.Tasks {
		start := int64(r.IntN(7*24-3)) * 3600
		sp.Shifts = append(sp.Shifts, matching.Shift{ID: t.ID, Capacity: t.Capacity, Start: start, End: start + int64(1+r.IntN(3))*3600})
	}
	return sp
}
