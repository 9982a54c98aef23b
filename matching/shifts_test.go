package matching_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wushe/wushe/matching"
)

func overlaps(a, b matching.Shift) bool { return a.Start < b.End && b.Start < a.End }

// bruteShifts returns the best (assigned, units) over every feasible subset of edges.
func bruteShifts(p matching.ShiftProblem) (int, int64) {
	wcap, scap := map[string]int{}, map[string]int{}
	shift := map[string]matching.Shift{}
	for _, w := range p.Workers {
		wcap[w.ID] = w.Capacity
	}
	for _, s := range p.Shifts {
		scap[s.ID], shift[s.ID] = s.Capacity, s
	}
	held := map[string][]matching.Shift{}
	bestN, bestU := 0, int64(0)
	var rec func(i, n int, u int64)
	rec = func(i, n int, u int64) {
		if i == len(p.Edges) {
			if (p.Objective == matching.MaxScore && u > bestU) ||
				(p.Objective == matching.MaxCoverage && (n > bestN || (n == bestN && u > bestU))) {
				bestN, bestU = n, u
			}
			return
		}
		rec(i+1, n, u)
		e := p.Edges[i]
		s := shift[e.Task]
		if wcap[e.Worker] == 0 || scap[e.Task] == 0 {
			return
		}
		for _, h := range held[e.Worker] {
			if overlaps(h, s) {
				return
			}
		}
		wcap[e.Worker]--
		scap[e.Task]--
		held[e.Worker] = append(held[e.Worker], s)
		rec(i+1, n+1, u+int64(math.Round(e.Score/matching.ScoreUnit)))
		held[e.Worker] = held[e.Worker][:len(held[e.Worker])-1]
		wcap[e.Worker]++
		scap[e.Task]++
	}
	rec(0, 0, 0)
	return bestN, bestU
}

func genShiftProblem(r *rand.Rand, obj matching.Objective) matching.ShiftProblem {
	p := matching.ShiftProblem{Objective: obj}
	nw, ns := 1+r.IntN(3), 2+r.IntN(5)
	for i := range nw {
		p.Workers = append(p.Workers, matching.Worker{ID: fmt.Sprintf("w%d", i), Capacity: 1 + r.IntN(3)})
	}
	for j := range ns {
		start := int64(r.IntN(10))
		p.Shifts = append(p.Shifts, matching.Shift{ID: fmt.Sprintf("s%d", j), Capacity: 1 + r.IntN(2), Start: start, End: start + 1 + int64(r.IntN(4))})
	}
	for i := range nw {
		for j := range ns {
			if r.IntN(3) > 0 && len(p.Edges) < 12 {
				s := float64(r.IntN(8)) / 4 // few values: ties
				if r.IntN(8) == 0 {
					s = -0.5
				}
				p.Edges = append(p.Edges, matching.Edge{Worker: fmt.Sprintf("w%d", i), Task: fmt.Sprintf("s%d", j), Score: s})
			}
		}
	}
	return p
}

func checkShiftFeasible(t *testing.T, p matching.ShiftProblem, s matching.ShiftSolution) {
	t.Helper()
	tasks := make([]matching.Task, len(p.Shifts))
	shift := map[string]matching.Shift{}
	for i, x := range p.Shifts {
		tasks[i] = matching.Task{ID: x.ID, Capacity: x.Capacity}
		shift[x.ID] = x
	}
	checkFeasible(t, matching.Problem{Objective: p.Objective, Workers: p.Workers, Tasks: tasks, Edges: p.Edges}, s.Solution)
	held := map[string][]matching.Shift{}
	for _, a := range s.Assignments {
		for _, h := range held[a.Worker] {
			if overlaps(h, shift[a.Task]) {
				t.Fatalf("worker %s holds overlapping shifts %s and %s", a.Worker, h.ID, a.Task)
			}
		}
		held[a.Worker] = append(held[a.Worker], shift[a.Task])
	}
}

func TestAssignShiftsMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 3))
	branched := 0
	for i := range 2000 {
		obj := matching.MaxScore
		if i%2 == 1 {
			obj = matching.MaxCoverage
		}
		p := genShiftProblem(r, obj)
		s, err := matching.AssignShifts(p)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		checkShiftFeasible(t, p, s)
		n, u := bruteShifts(p)
		got := units(s.Solution)
		if got != u || (obj == matching.MaxCoverage && s.Assigned != n) || s.BoundAssigned != s.Assigned || math.Abs(s.BoundScore-s.TotalScore) > 1e-6 {
			t.Fatalf("instance %d (%s): got %d/%d, brute force %d/%d\n%+v\n%+v", i, obj, s.Assigned, got, n, u, p, s)
		}
		if s.Nodes > 1 {
			branched++
			// With a budget of one node the answer is feasible and the bound still holds.
			p.MaxNodes = 1
			l, err := matching.AssignShifts(p)
			if !errors.Is(err, matching.ErrSearchLimit) && err != nil {
				t.Fatal(err)
			}
			checkShiftFeasible(t, p, l)
			lu, bu := units(l.Solution), int64(math.Round(l.BoundScore/matching.ScoreUnit))
			if obj == matching.MaxScore && (lu > u || bu < u) {
				t.Fatalf("instance %d: limited total %d, bound %d, optimum %d", i, lu, bu, u)
			}
			if obj == matching.MaxCoverage && (l.Assigned > n || l.BoundAssigned < n || (l.BoundAssigned == n && bu < u)) {
				t.Fatalf("instance %d: limited %d/%d, bound %d/%d, optimum %d/%d", i, l.Assigned, lu, l.BoundAssigned, bu, n, u)
			}
		}
	}
	// The random instances must exercise the branch and bound, not only the exact flow model.
	if branched < 50 {
		t.Fatalf("only %d instances needed branching", branched)
	}
	t.Logf("%d of 2000 instances needed branching", branched)
}

// TestAssignShiftsChain is the smallest case the flow model alone gets wrong: a worker may take
// a and c (they only touch) but not b, which overlaps both.
func TestAssignShiftsChain(t *testing.T) {
	t.Parallel()
	p := matching.ShiftProblem{
		Objective: matching.MaxScore,
		Workers:   []matching.Worker{{ID: "v", Capacity: 3}},
		Shifts: []matching.Shift{
			{ID: "a", Capacity: 1, Start: 0, End: 2},
			{ID: "b", Capacity: 1, Start: 1, End: 3},
			{ID: "c", Capacity: 1, Start: 2, End: 4},
		},
		Edges: []matching.Edge{{"v", "a", 0.4}, {"v", "b", 0.7}, {"v", "c", 0.4}},
	}
	s, err := matching.AssignShifts(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Assigned != 2 || s.Assignments[0].Task != "a" || s.Assignments[1].Task != "c" || !s.Optimal {
		t.Fatalf("got %+v, want a and c", s)
	}
}

func TestAssignShiftsRejects(t *testing.T) {
	t.Parallel()
	ok := func() matching.ShiftProblem {
		return matching.ShiftProblem{
			Objective: matching.MaxScore,
			Workers:   []matching.Worker{{ID: "v", Capacity: 1}},
			Shifts:    []matching.Shift{{ID: "s", Capacity: 1, Start: 10, End: 20}},
			Edges:     []matching.Edge{{Worker: "v", Task: "s", Score: 1}},
		}
	}
	tests := []struct {
		name   string
		mutate func(*matching.ShiftProblem)
		field  string
	}{
		{"end before start", func(p *matching.ShiftProblem) { p.Shifts[0].End = 5 }, "shifts[0].end"},
		{"empty shift", func(p *matching.ShiftProblem) { p.Shifts[0].End = 10 }, "shifts[0].end"},
		{"duplicate shift", func(p *matching.ShiftProblem) { p.Shifts = append(p.Shifts, p.Shifts[0]) }, "shifts[1].id"},
		{"negative capacity", func(p *matching.ShiftProblem) { p.Shifts[0].Capacity = -1 }, "shifts[0].capacity"},
		{"unknown shift", func(p *matching.ShiftProblem) { p.Edges[0].Task = "x" }, "edges[0].task"},
		{"negative budget", func(p *matching.ShiftProblem) { p.MaxNodes = -1 }, "max_nodes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := ok()
			tc.mutate(&p)
			_, err := matching.AssignShifts(p)
			var fe *matching.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("got %v, want an error for %s", err, tc.field)
			}
		})
	}
}

// TestAssignShiftsBudget checks that running out of budget says so and still returns a
// feasible assignment.
func TestAssignShiftsBudget(t *testing.T) {
	t.Parallel()
	p := matching.ShiftProblem{Objective: matching.MaxScore, MaxNodes: 1}
	// Many overlapping chains for one worker: the root relaxation conflicts.
	p.Workers = []matching.Worker{{ID: "v", Capacity: 10}}
	for i := range 10 {
		id := fmt.Sprintf("s%d", i)
		p.Shifts = append(p.Shifts, matching.Shift{ID: id, Capacity: 1, Start: int64(i), End: int64(i + 2)})
		p.Edges = append(p.Edges, matching.Edge{Worker: "v", Task: id, Score: 1 + float64(i%3)})
	}
	s, err := matching.AssignShifts(p)
	if !errors.Is(err, matching.ErrSearchLimit) || s.Optimal || !strings.Contains(err.Error(), "after 1 nodes") {
		t.Fatalf("got %v / optimal %v, want ErrSearchLimit", err, s.Optimal)
	}
	checkShiftFeasible(t, p, s)
	limited := s
	p.MaxNodes = 0
	if s, err = matching.AssignShifts(p); err != nil || !s.Optimal {
		t.Fatalf("with the default budget: %v", err)
	}
	checkShiftFeasible(t, p, s)
	// The bound reported with the limit holds, and is the total once proven.
	if limited.BoundScore < s.TotalScore-1e-9 || limited.TotalScore > s.TotalScore+1e-9 {
		t.Fatalf("limited run: total %v, bound %v; optimum %v", limited.TotalScore, limited.BoundScore, s.TotalScore)
	}
	if math.Abs(s.BoundScore-s.TotalScore) > 1e-6 || s.BoundAssigned != s.Assigned {
		t.Fatalf("proven run: bound %v/%d, total %v/%d", s.BoundScore, s.BoundAssigned, s.TotalScore, s.Assigned)
	}
}
