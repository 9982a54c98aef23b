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

// bruteForce returns the best (assigned, units) over every feasible subset of edges.
func bruteForce(p matching.Problem) (int, int64) {
	wi, ti := map[string]int{}, map[string]int{}
	wcap, tcap := make([]int, len(p.Workers)), make([]int, len(p.Tasks))
	for i, w := range p.Workers {
		wi[w.ID], wcap[i] = i, w.Capacity
	}
	for i, t := range p.Tasks {
		ti[t.ID], tcap[i] = i, t.Capacity
	}
	units := make([]int64, len(p.Edges))
	for i, e := range p.Edges {
		units[i] = int64(math.Round(e.Score / matching.ScoreUnit))
	}
	bestN, bestU := 0, int64(0)
	var rec func(i, n int, u int64)
	rec = func(i, n int, u int64) {
		if i == len(p.Edges) {
			if p.Objective == matching.MaxScore {
				if u > bestU {
					bestN, bestU = n, u
				}
			} else if n > bestN || (n == bestN && u > bestU) {
				bestN, bestU = n, u
			}
			return
		}
		rec(i+1, n, u)
		w, t := wi[p.Edges[i].Worker], ti[p.Edges[i].Task]
		if wcap[w] > 0 && tcap[t] > 0 {
			wcap[w]--
			tcap[t]--
			rec(i+1, n+1, u+units[i])
			wcap[w]++
			tcap[t]++
		}
	}
	rec(0, 0, 0)
	return bestN, bestU
}

func units(s matching.Solution) int64 {
	var u int64
	for _, a := range s.Assignments {
		u += int64(math.Round(a.Score / matching.ScoreUnit))
	}
	return u
}

// checkFeasible verifies capacities, edge existence and single use, and the summary fields.
func checkFeasible(t *testing.T, p matching.Problem, s matching.Solution) {
	t.Helper()
	wcap, tcap := map[string]int{}, map[string]int{}
	for _, w := range p.Workers {
		wcap[w.ID] = w.Capacity
	}
	for _, k := range p.Tasks {
		tcap[k.ID] = k.Capacity
	}
	score := map[[2]string]float64{}
	for _, e := range p.Edges {
		score[[2]string{e.Worker, e.Task}] = e.Score
	}
	used := map[[2]string]bool{}
	total := 0.0
	for i, a := range s.Assignments {
		k := [2]string{a.Worker, a.Task}
		sc, ok := score[k]
		if !ok || sc != a.Score {
			t.Fatalf("assignment %v is not an input edge", a)
		}
		if used[k] {
			t.Fatalf("edge %v used twice", k)
		}
		used[k] = true
		wcap[a.Worker]--
		tcap[a.Task]--
		if wcap[a.Worker] < 0 || tcap[a.Task] < 0 {
			t.Fatalf("capacity exceeded by %v", a)
		}
		if p.Objective == matching.MaxScore && a.Score <= 0 {
			t.Fatalf("max_score used non-positive edge %v", a)
		}
		if i > 0 {
			b := s.Assignments[i-1]
			if b.Worker > a.Worker || (b.Worker == a.Worker && b.Task >= a.Task) {
				t.Fatalf("assignments not sorted: %v before %v", b, a)
			}
		}
		total += a.Score
	}
	if s.Assigned != len(s.Assignments) || s.TotalScore != total || s.Objective != p.Objective {
		t.Fatalf("summary %d/%v/%q does not match %d assignments totalling %v", s.Assigned, s.TotalScore, s.Objective, len(s.Assignments), total)
	}
}

func TestSolveMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 1500 {
		obj := matching.MaxScore
		if i%2 == 1 {
			obj = matching.MaxCoverage
		}
		p := genRandom(r, obj, 1+r.IntN(5), 1+r.IntN(5), 0.3+0.5*r.Float64(), i%3 == 0)
		if len(p.Edges) > 12 {
			p.Edges = p.Edges[:12]
		}
		s, err := matching.Solve(p)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		checkFeasible(t, p, s)
		n, u := bruteForce(p)
		got := units(s)
		if got != u || (obj == matching.MaxCoverage && s.Assigned != n) {
			t.Fatalf("instance %d (%s): got %d assignments / %d units, brute force %d / %d\n%+v", i, obj, s.Assigned, got, n, u, p)
		}
	}
}

func TestSolveExample(t *testing.T) {
	t.Parallel()
	p := matching.Problem{
		Objective: matching.MaxScore,
		Workers:   []matching.Worker{{ID: "v1", Capacity: 2}},
		Tasks:     []matching.Task{{ID: "t1", Capacity: 1}},
		Edges:     []matching.Edge{{Worker: "v1", Task: "t1", Score: 0.83}},
	}
	s, err := matching.Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	want := matching.Solution{Objective: matching.MaxScore, Assigned: 1, TotalScore: 0.83,
		Assignments: []matching.Assignment{{Worker: "v1", Task: "t1", Score: 0.83}}}
	if s.Assigned != want.Assigned || s.TotalScore != want.TotalScore || len(s.Assignments) != 1 || s.Assignments[0] != want.Assignments[0] {
		t.Fatalf("got %+v, want %+v", s, want)
	}
}

// TestSolveObjectives pins the difference between the objectives on a case where they disagree.
func TestSolveObjectives(t *testing.T) {
	t.Parallel()
	// v1 can do a (0.9) or b (0.1); v2 only a (0.2). Max score: v1–a alone (0.9 > 0.3).
	// Max coverage: both covered, v1–b + v2–a (0.3).
	base := matching.Problem{
		Workers: []matching.Worker{{ID: "v1", Capacity: 1}, {ID: "v2", Capacity: 1}},
		Tasks:   []matching.Task{{ID: "a", Capacity: 1}, {ID: "b", Capacity: 1}},
		Edges:   []matching.Edge{{"v1", "a", 0.9}, {"v1", "b", 0.1}, {"v2", "a", 0.2}, {"v2", "b", -1}},
	}
	tests := []struct {
		obj  matching.Objective
		want []matching.Assignment
	}{
		{matching.MaxScore, []matching.Assignment{{"v1", "a", 0.9}}},
		{matching.MaxCoverage, []matching.Assignment{{"v1", "b", 0.1}, {"v2", "a", 0.2}}},
	}
	for _, tc := range tests {
		t.Run(string(tc.obj), func(t *testing.T) {
			t.Parallel()
			p := base
			p.Objective = tc.obj
			s, err := matching.Solve(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Assignments) != len(tc.want) {
				t.Fatalf("got %v, want %v", s.Assignments, tc.want)
			}
			for i := range tc.want {
				if s.Assignments[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", s.Assignments, tc.want)
				}
			}
		})
	}
}

func TestSolveRejects(t *testing.T) {
	t.Parallel()
	ok := func() matching.Problem {
		return matching.Problem{
			Objective: matching.MaxScore,
			Workers:   []matching.Worker{{ID: "v1", Capacity: 1}},
			Tasks:     []matching.Task{{ID: "t1", Capacity: 1}},
			Edges:     []matching.Edge{{Worker: "v1", Task: "t1", Score: 1}},
		}
	}
	tests := []struct {
		name   string
		mutate func(p *matching.Problem)
		field  string
		msg    string
	}{
		{"unknown objective", func(p *matching.Problem) { p.Objective = "max_joy" }, "objective", `unknown objective "max_joy"`},
		{"missing objective", func(p *matching.Problem) { p.Objective = "" }, "objective", "missing"},
		{"duplicate worker", func(p *matching.Problem) { p.Workers = append(p.Workers, matching.Worker{ID: "v1"}) }, "workers[1].id", `duplicate id "v1"`},
		{"duplicate task", func(p *matching.Problem) { p.Tasks = append(p.Tasks, matching.Task{ID: "t1"}) }, "tasks[1].id", `duplicate id "t1"`},
		{"empty id", func(p *matching.Problem) { p.Tasks[0].ID = "" }, "tasks[0].id", "missing"},
		{"negative worker capacity", func(p *matching.Problem) { p.Workers[0].Capacity = -1 }, "workers[0].capacity", "negative"},
		{"negative task capacity", func(p *matching.Problem) { p.Tasks[0].Capacity = -2 }, "tasks[0].capacity", "negative"},
		{"unknown worker", func(p *matching.Problem) { p.Edges[0].Worker = "v9" }, "edges[0].worker", `unknown worker "v9"`},
		{"unknown task", func(p *matching.Problem) { p.Edges[0].Task = "t9" }, "edges[0].task", `unknown task "t9"`},
		{"NaN score", func(p *matching.Problem) { p.Edges[0].Score = math.NaN() }, "edges[0].score", "not a finite number"},
		{"infinite score", func(p *matching.Problem) { p.Edges[0].Score = math.Inf(-1) }, "edges[0].score", "not a finite number"},
		{"huge score", func(p *matching.Problem) { p.Edges[0].Score = 1e12 }, "edges[0].score", "too large"},
		{"scores too large for the network", func(p *matching.Problem) {
			p.Objective = matching.MaxCoverage
			p.Tasks = nil
			for i := range 100 {
				id := fmt.Sprint("t", i)
				p.Tasks = append(p.Tasks, matching.Task{ID: id, Capacity: 1})
				if i > 0 { // 100 edges of 1e8: the coverage bypass would need 1e19 units
					p.Edges = append(p.Edges, matching.Edge{Worker: "v1", Task: id, Score: 1e8})
				}
			}
			p.Edges[0].Task = "t0"
		}, "edges", "too large for exact integer arithmetic"},
		{"duplicate edge", func(p *matching.Problem) {
			p.Edges = append(p.Edges, matching.Edge{Worker: "v1", Task: "t1", Score: 2})
		}, "edges[1]", "duplicate edge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := ok()
			tc.mutate(&p)
			_, err := matching.Solve(p)
			var fe *matching.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Message, tc.msg) {
				t.Fatalf("got %v, want field %q with %q", err, tc.field, tc.msg)
			}
			if err2 := p.Validate(); err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("Validate says %v, Solve says %v", err2, err)
			}
		})
	}
}
