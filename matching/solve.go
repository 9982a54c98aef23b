package matching

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Objective says what an assignment maximises.
type Objective string

// The two objectives of Solve and AssignShifts.
const (
	// MaxScore maximises the total score; edges with score ≤ 0 never help and are never used.
	MaxScore Objective = "max_score"
	// MaxCoverage maximises the number of assignments first, then the total score among
	// assignments of that size (so an edge with score ≤ 0 is used when it adds coverage).
	MaxCoverage Objective = "max_coverage"
)

// ScoreUnit is the resolution at which Solve compares scores: each score is rounded to a whole
// number of units (an int64), so the optimisation is exact integer arithmetic. Two solutions
// whose totals differ by less than half a unit per assignment are treated as equal.
const ScoreUnit = 1e-9

// Worker is one side of an assignment problem, e.g. a volunteer, taking at most Capacity tasks.
type Worker struct {
	ID       string `json:"id"`
	Capacity int    `json:"capacity"`
}

// Task is the other side, e.g. a shift, taking at most Capacity workers.
type Task struct {
	ID       string `json:"id"`
	Capacity int    `json:"capacity"`
}

// Edge says a worker may take a task, and how good that would be. Each edge is used at most once.
type Edge struct {
	Worker string  `json:"worker"`
	Task   string  `json:"task"`
	Score  float64 `json:"score"`
}

// Problem is the input of Solve: the JSON contract of "wushe match solve".
type Problem struct {
	Objective Objective `json:"objective"`
	Workers   []Worker  `json:"workers"`
	Tasks     []Task    `json:"tasks"`
	Edges     []Edge    `json:"edges"`
}

// Assignment is one used edge.
type Assignment struct {
	Worker string  `json:"worker"`
	Task   string  `json:"task"`
	Score  float64 `json:"score"`
}

// Solution is the output of Solve. Assignments are sorted by worker ID, then task ID (byte-wise
// string order), so equal inputs give byte-identical output; TotalScore is the float sum of
// their scores in that order.
type Solution struct {
	Objective   Objective    `json:"objective"`
	Assigned    int          `json:"assigned"`
	TotalScore  float64      `json:"total_score"`
	Assignments []Assignment `json:"assignments"`
}

// compiled is a validated problem with ids replaced by positions and scores by units.
type compiled struct {
	obj   Objective
	wCap  []int
	tCap  []int
	edges []cEdge
	maxU  int64 // largest |units| of a kept edge
	sumU  int64 // sum of |units| over kept edges
}

// bypassCost is the cost of leaving one unit of a source's capacity unused. For MaxScore it is
// 0: an edge is taken only when it adds score. For MaxCoverage it exceeds any possible
// difference in total score, so one more assignment always outweighs every score change:
// minimising bypass·(unfilled) − score is then "coverage first, score second".
func (c *compiled) bypassCost() int64 {
	if c.obj == MaxScore {
		return 0
	}
	return min(c.sumU, math.MaxInt64-1) + 1
}

type cEdge struct {
	w, t  int32
	units int64
	orig  int32 // position in the input's edge list
}

// Validate checks a problem without solving it. Errors are *FieldError values naming the
// offending entry, e.g. `edges[3]: unknown worker "v9"`.
func (p *Problem) Validate() error {
	c, err := compile(p.Objective, p.Workers, taskCaps(p.Tasks), p.Edges)
	if err != nil {
		return err
	}
	return c.checkRange(len(c.wCap) + len(c.tCap) + 1)
}

func taskCaps(ts []Task) []Worker {
	out := make([]Worker, len(ts))
	for i, t := range ts {
		out[i] = Worker(t)
	}
	return out
}

// maxAbsScore keeps score units well inside int64 before the per-network bound is checked.
const maxAbsScore = 1e9

// compile validates and indexes a problem. Tasks arrive as []Worker (same shape) so that the
// shift solver can share this code. Duplicate (worker, task) edges are rejected rather than
// merged: they are almost always a bug upstream, and silently keeping one would hide it.
func compile(obj Objective, workers, tasks []Worker, edges []Edge) (*compiled, error) {
	if obj != MaxScore && obj != MaxCoverage {
		if obj == "" {
			return nil, fieldErrorf("objective", "missing (want %q or %q)", MaxScore, MaxCoverage)
		}
		return nil, fieldErrorf("objective", "unknown objective %q (want %q or %q)", obj, MaxScore, MaxCoverage)
	}
	c := &compiled{obj: obj, wCap: make([]int, len(workers)), tCap: make([]int, len(tasks))}
	wID, err := indexIDs("workers", workers, c.wCap)
	if err != nil {
		return nil, err
	}
	tID, err := indexIDs("tasks", tasks, c.tCap)
	if err != nil {
		return nil, err
	}
	if len(edges) > math.MaxInt32 {
		return nil, fieldErrorf("edges", "%d edges is more than this solver indexes (2^31−1)", len(edges))
	}
	ew, et := make([]int32, len(edges)), make([]int32, len(edges))
	lastW, lastID := "", int32(-1) // edges usually come grouped by worker: skip most lookups
	for i, e := range edges {
		w, ok := lastID, lastID >= 0 && e.Worker == lastW
		if !ok {
			if w, ok = wID[e.Worker]; !ok {
				return nil, fieldErrorf(fmt.Sprintf("edges[%d].worker", i), "unknown worker %q", e.Worker)
			}
			lastW, lastID = e.Worker, w
		}
		t, ok := tID[e.Task]
		if !ok {
			return nil, fieldErrorf(fmt.Sprintf("edges[%d].task", i), "unknown task %q", e.Task)
		}
		if !finite(e.Score) {
			return nil, fieldErrorf(fmt.Sprintf("edges[%d].score", i), "%v is not a finite number", e.Score)
		}
		if math.Abs(e.Score) > maxAbsScore {
			return nil, fieldErrorf(fmt.Sprintf("edges[%d].score", i), "%v is too large (|score| ≤ %g)", e.Score, maxAbsScore)
		}
		ew[i], et[i] = w, t
	}
	if i, j := firstDuplicate(ew, et, len(workers), len(tasks)); i >= 0 {
		return nil, fieldErrorf(fmt.Sprintf("edges[%d]", i), "duplicate edge worker %q task %q (first at edges[%d])", edges[i].Worker, edges[i].Task, j)
	}
	c.edges = make([]cEdge, 0, len(edges))
	for i, e := range edges {
		w, t := ew[i], et[i]
		u := int64(math.Round(e.Score / ScoreUnit))
		if obj == MaxScore && u <= 0 {
			continue // never improves a max-score solution
		}
		if c.wCap[w] == 0 || c.tCap[t] == 0 {
			continue
		}
		c.edges = append(c.edges, cEdge{w: w, t: t, units: u, orig: int32(i)})
		a := max(u, -u)
		c.maxU = max(c.maxU, a)
		c.sumU = min(c.sumU, math.MaxInt64-a) + a // saturates: checkRange rejects it then
	}
	return c, nil
}

// firstDuplicate returns the smallest i whose (worker, task) pair appeared earlier, at j, or
// (-1, -1). Grouping by worker with a counting sort and marking tasks keeps it O(edges) with no
// map of a million pairs.
func firstDuplicate(ew, et []int32, nw, nt int) (int, int) {
	order := countingOrder(ew, nw)
	markW, markE := make([]int32, nt), make([]int32, nt)
	di, dj := -1, -1
	for _, i := range order {
		w, t := ew[i], et[i]
		if markW[t] == w+1 {
			if di < 0 || int(i) < di {
				di, dj = int(i), int(markE[t])
			}
			continue
		}
		markW[t], markE[t] = w+1, i
	}
	return di, dj
}

// countingOrder returns 0..len(key)-1 sorted stably by key (keys in [0, n)).
func countingOrder(key []int32, n int) []int32 {
	start := make([]int32, n+1)
	for _, k := range key {
		start[k+1]++
	}
	for i := range n {
		start[i+1] += start[i]
	}
	order := make([]int32, len(key))
	for i, k := range key {
		order[start[k]] = int32(i)
		start[k]++
	}
	return order
}

func indexIDs(kind string, ns []Worker, caps []int) (map[string]int32, error) {
	ids := make(map[string]int32, len(ns))
	for i, n := range ns {
		if n.ID == "" {
			return nil, fieldErrorf(fmt.Sprintf("%s[%d].id", kind, i), "missing or empty")
		}
		if j, dup := ids[n.ID]; dup {
			return nil, fieldErrorf(fmt.Sprintf("%s[%d].id", kind, i), "duplicate id %q (first at %s[%d])", n.ID, kind, j)
		}
		if n.Capacity < 0 {
			return nil, fieldErrorf(fmt.Sprintf("%s[%d].capacity", kind, i), "%d is negative (id %q)", n.Capacity, n.ID)
		}
		ids[n.ID] = int32(i)
		caps[i] = n.Capacity
	}
	return ids, nil
}

// checkRange rejects networks whose costs could overflow the solver's int64 arithmetic: every
// path costs at most one bypass plus a real arc per node.
func (c *compiled) checkRange(nodes int) error {
	maxUnits := c.maxU
	if maxUnits > 0 && (maxUnits > maxCostTimesNodes/int64(nodes+1) || c.bypassCost() > maxCostTimesNodes-maxUnits*int64(nodes+1)) {
		return fieldErrorf("edges", "scores up to %g are too large for exact integer arithmetic on %d nodes; divide all scores by a constant",
			float64(maxUnits)*ScoreUnit, nodes)
	}
	return nil
}

// Solve finds an exactly optimal assignment: each edge used at most once, each worker and task
// within its capacity, maximising the objective over scores rounded to ScoreUnit. Duplicate
// edges, unknown ids, duplicate ids, negative capacities, non-finite scores and unknown
// objectives are rejected with a *FieldError.
func Solve(p Problem) (Solution, error) {
	c, err := compile(p.Objective, p.Workers, taskCaps(p.Tasks), p.Edges)
	if err != nil {
		return Solution{}, err
	}
	used, err := c.solveBipartite()
	if err != nil {
		return Solution{}, err
	}
	return solution(p.Objective, p.Edges, used), nil
}

// solveBipartite returns the input positions of the used edges.
func (c *compiled) solveBipartite() ([]int32, error) {
	nw, nt := len(c.wCap), len(c.tCap)
	wDeg, tDeg := make([]int, nw), make([]int, nt)
	for _, e := range c.edges {
		wDeg[e.w]++
		tDeg[e.t]++
	}
	// Each unit of supply costs one search, so the side with less usable capacity supplies.
	var wSum, tSum int
	for i := range wDeg {
		wSum += min(wDeg[i], c.wCap[i])
	}
	for i := range tDeg {
		tSum += min(tDeg[i], c.tCap[i])
	}
	srcCap, srcDeg, dstCap, dstDeg := c.wCap, wDeg, c.tCap, tDeg
	srcOf := func(e *cEdge) int32 { return e.w }
	dstOf := func(e *cEdge) int32 { return e.t }
	if tSum < wSum {
		srcCap, srcDeg, dstCap, dstDeg = c.tCap, tDeg, c.wCap, wDeg
		srcOf, dstOf = dstOf, srcOf
	}
	ns, nd := len(srcCap), len(dstCap)
	if err := c.checkRange(ns + nd + 1); err != nil {
		return nil, err
	}
	var b netBuilder
	b.grow(ns+nd+1, len(c.edges)+ns+nd)
	for i := range ns {
		b.node(int32(min(srcCap[i], srcDeg[i])))
	}
	for range nd {
		b.node(0)
	}
	sink := b.node(0)
	// Arcs grouped by source node keep each node's arcs contiguous for the search.
	src := make([]int32, len(c.edges))
	for i := range c.edges {
		src[i] = srcOf(&c.edges[i])
	}
	order := countingOrder(src, ns)
	arcOf := make([]int32, len(c.edges))
	for _, i := range order {
		e := &c.edges[i]
		arcOf[i] = b.arc(srcOf(e), int32(ns)+dstOf(e), 1, -e.units)
	}
	for i := range ns {
		if srcDeg[i] > 0 {
			b.arc(int32(i), sink, int32(min(srcCap[i], srcDeg[i])), c.bypassCost()) // leave a slot unfilled
		}
	}
	for j := range nd {
		if dstDeg[j] > 0 {
			b.arc(int32(ns+j), sink, int32(min(dstCap[j], dstDeg[j])), 0)
		}
	}
	g := b.build(sink)
	g.run()
	var used []int32
	for i := range c.edges {
		if g.arcFlow(arcOf[i]) > 0 {
			used = append(used, c.edges[i].orig)
		}
	}
	return used, nil
}

// solution turns used edge positions into the sorted, summed output.
func solution(obj Objective, edges []Edge, used []int32) Solution {
	s := Solution{Objective: obj, Assignments: make([]Assignment, 0, len(used))}
	for _, i := range used {
		e := edges[i]
		s.Assignments = append(s.Assignments, Assignment(e))
	}
	slices.SortFunc(s.Assignments, func(a, b Assignment) int {
		if c := cmp.Compare(a.Worker, b.Worker); c != 0 {
			return c
		}
		return cmp.Compare(a.Task, b.Task)
	})
	for _, a := range s.Assignments {
		s.TotalScore += a.Score
	}
	s.Assigned = len(s.Assignments)
	return s
}
