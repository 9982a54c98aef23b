package matching

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Shift is a task with a time interval [Start, End) in any consistent unit (the application
// uses Unix seconds). Intervals that only touch (one ends when the other starts) do not overlap.
type Shift struct {
	ID       string `json:"id"`
	Capacity int    `json:"capacity"`
	Start    int64  `json:"start"`
	End      int64  `json:"end"`
}

// ShiftProblem is a batch assignment of volunteers to shifts in which a worker takes at most
// one of any set of mutually overlapping shifts (equivalently: a worker's shifts never overlap).
type ShiftProblem struct {
	Objective Objective `json:"objective"`
	Workers   []Worker  `json:"workers"`
	Shifts    []Shift   `json:"shifts"`
	Edges     []Edge    `json:"edges"` // Edge.Task names a shift
	// MaxNodes bounds the branch-and-bound search; 0 means DefaultMaxNodes.
	MaxNodes int `json:"max_nodes,omitempty"`
}

// DefaultMaxNodes is the branch-and-bound budget of AssignShifts when ShiftProblem.MaxNodes is 0.
// A subproblem is one min-cost flow: microseconds for a community, about 20 ms for a city batch
// of 100,000 edges, so the default keeps the worst case to seconds.
const DefaultMaxNodes = 500

// ErrSearchLimit is returned (wrapped) by AssignShifts, together with the best assignment
// found, when the node budget ran out before that assignment was proven optimal.
var ErrSearchLimit = errors.New("matching: branch-and-bound budget reached before the assignment was proven optimal")

// ShiftSolution is the result of AssignShifts.
type ShiftSolution struct {
	Solution
	// Nodes is the number of branch-and-bound subproblems solved: 1 when the flow model was
	// already exact.
	Nodes int `json:"nodes"`
	// Optimal is false only together with ErrSearchLimit.
	Optimal bool `json:"optimal"`
	// BoundAssigned and BoundScore bound every feasible assignment from above (for
	// max_coverage lexicographically: no more than BoundAssigned assignments, and no more than
	// BoundScore among that many). When Optimal they equal Assigned and the total (in
	// ScoreUnit precision); otherwise they say how far from optimal the answer can be.
	BoundAssigned int     `json:"bound_assigned"`
	BoundScore    float64 `json:"bound_score"`
}

// AssignShifts solves a ShiftProblem exactly.
//
// Model: each worker's candidate shifts are partitioned into groups of mutually overlapping
// shifts (intervals sorted by end, each group being those containing one point — the greedy
// minimum clique cover of an interval graph). The flow network routes a worker's units through
// one capacity-1 node per group, so it never gives a worker two shifts of one group. When no two
// shifts of different groups overlap — the usual case of disjoint or clustered shifts — this is
// exact and one min-cost flow answers. Otherwise the flow is a relaxation (every feasible
// assignment is one of its flows) and a best-first branch and bound runs on it: where the
// relaxation gives a worker two overlapping shifts, branch on one of those edges x — either the
// worker does not take x, or it takes none of the shifts overlapping x. Bounds are the
// relaxation's optimum; incumbents come from keeping, per worker, the best non-overlapping
// subset of what the relaxation gave it, and at the root from diving (forbid what that repair
// dropped, re-solve, repeat). Errors are *FieldError values for bad input, or ErrSearchLimit
// (wrapped) with the best assignment found.
func AssignShifts(p ShiftProblem) (ShiftSolution, error) {
	nodes := make([]Worker, len(p.Shifts))
	for i, s := range p.Shifts {
		nodes[i] = Worker{ID: s.ID, Capacity: s.Capacity}
	}
	c, err := compile(p.Objective, p.Workers, nodes, p.Edges)
	if err != nil {
		return ShiftSolution{}, renameTasks(err)
	}
	for i, s := range p.Shifts {
		if s.End <= s.Start {
			return ShiftSolution{}, fieldErrorf(fmt.Sprintf("shifts[%d].end", i), "%d is not after start %d (id %q)", s.End, s.Start, s.ID)
		}
	}
	// The largest network has a node per worker, per shift and per edge (a group of one edge
	// needs no node, so this over-counts), plus the sink.
	if err := c.checkRange(len(c.wCap) + len(c.tCap) + len(c.edges) + 1); err != nil {
		return ShiftSolution{}, err
	}
	limit := p.MaxNodes
	if limit < 0 {
		return ShiftSolution{}, fieldErrorf("max_nodes", "%d is negative", limit)
	}
	if limit == 0 {
		limit = DefaultMaxNodes
	}
	bb := newBranchBound(c, p.Shifts, limit)
	used, optimal, bound := bb.search()
	sol := ShiftSolution{Solution: solution(p.Objective, p.Edges, used), Nodes: bb.nodes, Optimal: optimal,
		BoundAssigned: bound.count, BoundScore: float64(bound.units) * ScoreUnit}
	if !optimal {
		return sol, fmt.Errorf("%w after %d nodes", ErrSearchLimit, bb.nodes)
	}
	return sol, nil
}

// renameTasks makes compile's "tasks[3]" read "shifts[3]" for this entry point.
func renameTasks(err error) error {
	var fe *FieldError
	if errors.As(err, &fe) && len(fe.Field) >= 5 && fe.Field[:5] == "tasks" {
		return &FieldError{Field: "shifts" + fe.Field[5:], Message: fe.Message}
	}
	return err
}

// value is an objective value: coverage first for MaxCoverage, score units always.
type value struct {
	count int
	units int64
}

type branchBound struct {
	c      *compiled
	shifts []Shift
	limit  int
	nodes  int
	best   value
	bestE  []int32 // compiled edge indices of the incumbent
	have   bool
	byW    [][]int32 // compiled edges of each worker
}

func newBranchBound(c *compiled, shifts []Shift, limit int) *branchBound {
	b := &branchBound{c: c, shifts: shifts, limit: limit, byW: make([][]int32, len(c.wCap))}
	for i, e := range c.edges {
		b.byW[e.w] = append(b.byW[e.w], int32(i))
	}
	return b
}

func (b *branchBound) better(x, y value) bool {
	if b.c.obj == MaxCoverage && x.count != y.count {
		return x.count > y.count
	}
	return x.units > y.units
}

// offer makes a feasible solution the incumbent if it is better.
func (b *branchBound) offer(used []int32, v value) {
	if !b.have || b.better(v, b.best) {
		b.best, b.bestE, b.have = v, slices.Clone(used), true
	}
}

// bbNode is an open subproblem: the edges it forbids and its parent's bound.
type bbNode struct {
	forbid []int32
	bound  value
	seq    int
}

// search runs best-first branch and bound (the open subproblem with the highest bound next, so
// that the search stops as soon as no open bound beats the incumbent) and returns the incumbent
// as input edge positions, whether it is proven optimal, and an upper bound on the optimum.
func (b *branchBound) search() ([]int32, bool, value) {
	forbidden := make([]bool, len(b.c.edges))
	open := []bbNode{{}}
	optimal := true
	seq := 0
	var bound value
	for len(open) > 0 {
		// Best bound first; among equal bounds the newest (deepest), which reaches feasible
		// solutions sooner. Open lists stay short, so a linear scan is enough.
		bi := 0
		for i, n := range open {
			if b.better(n.bound, open[bi].bound) || (n.bound == open[bi].bound && n.seq > open[bi].seq) {
				bi = i
			}
		}
		n := open[bi]
		open[bi] = open[len(open)-1]
		open = open[:len(open)-1]
		if n.seq > 0 && b.have && !b.better(n.bound, b.best) {
			break // every open bound is at most this one: the incumbent is optimal
		}
		if b.nodes >= b.limit {
			// Best first: this node's bound is the highest still open.
			optimal, bound = false, n.bound
			break
		}
		b.nodes++
		for _, e := range n.forbid {
			forbidden[e] = true
		}
		used, v := b.relax(forbidden)
		if n.seq == 0 {
			b.dive(forbidden, used, v)
		}
		for _, e := range n.forbid {
			forbidden[e] = false
		}
		if b.have && !b.better(v, b.best) {
			continue
		}
		x, ok := b.conflict(used)
		if !ok {
			b.offer(used, v)
			continue
		}
		b.offer(b.repair(used))
		// Branch on edge x of worker w: either w does not take x, or it takes none of the
		// shifts overlapping x. Every feasible solution is in one of the two.
		without := append(slices.Clone(n.forbid), x)
		var clear []int32
		w, sx := b.c.edges[x].w, b.shifts[b.c.edges[x].t]
		for _, e := range b.byW[w] {
			if e != x && overlap(b.shifts[b.c.edges[e].t], sx) && !slices.Contains(n.forbid, e) {
				clear = append(clear, e)
			}
		}
		seq++
		open = append(open, bbNode{forbid: without, bound: v, seq: seq})
		seq++
		open = append(open, bbNode{forbid: append(slices.Clone(n.forbid), clear...), bound: v, seq: seq})
	}
	used := make([]int32, len(b.bestE))
	for i, e := range b.bestE {
		used[i] = b.c.edges[e].orig
	}
	if optimal {
		bound = b.best
	}
	return used, optimal, bound
}

func overlap(a, b Shift) bool { return a.Start < b.End && b.Start < a.End }

// dive finds a good first incumbent: repeatedly drop the assignments the repair step had to
// undo and let the flow re-route around them, until the relaxation is feasible. A strong
// incumbent early is what lets best-first search prune.
func (b *branchBound) dive(forbidden []bool, used []int32, v value) {
	var added []int32
	defer func() {
		for _, e := range added {
			forbidden[e] = false
		}
	}()
	for range 20 {
		if _, ok := b.conflict(used); !ok {
			b.offer(used, v)
			return
		}
		kept, kv := b.repair(used)
		b.offer(kept, kv)
		in := make(map[int32]bool, len(kept))
		for _, e := range kept {
			in[e] = true
		}
		for _, e := range used {
			if !in[e] && !forbidden[e] {
				forbidden[e] = true
				added = append(added, e)
			}
		}
		used, v = b.relax(forbidden)
	}
}

// relax solves the flow relaxation and returns the used compiled edges and their value.
//
// Each worker's allowed edges are grouped by the greedy clique cover (sorted by end, a group is
// every interval containing end−1 of its first member) and the network routes the worker's
// units through one capacity-1 node per group of two or more. The side with less usable
// capacity supplies, as in Solve: workers → groups → shifts → sink, or
// shifts → groups → workers → sink.
func (b *branchBound) relax(forbidden []bool) ([]int32, value) {
	c := b.c
	nw, ns := len(c.wCap), len(c.tCap)
	groups := make([][][]int32, nw)
	nGroupNodes := 0
	sDeg := make([]int, ns)
	for w := range nw {
		var es []int32
		for _, e := range b.byW[w] {
			if !forbidden[e] {
				es = append(es, e)
				sDeg[c.edges[e].t]++
			}
		}
		slices.SortFunc(es, func(x, y int32) int {
			sx, sy := &b.shifts[c.edges[x].t], &b.shifts[c.edges[y].t]
			return cmp.Or(cmp.Compare(sx.End, sy.End), cmp.Compare(sx.Start, sy.Start), cmp.Compare(x, y))
		})
		var point int64
		for i, e := range es {
			s := &b.shifts[c.edges[e].t]
			if i == 0 || s.Start > point {
				point = s.End - 1
				groups[w] = append(groups[w], nil)
			}
			g := len(groups[w]) - 1
			groups[w][g] = append(groups[w][g], e)
		}
		for _, g := range groups[w] {
			if len(g) > 1 {
				nGroupNodes++
			}
		}
	}
	wSupply, sSupply := 0, 0
	for w := range nw {
		wSupply += min(c.wCap[w], len(groups[w]))
	}
	for t := range ns {
		sSupply += min(c.tCap[t], sDeg[t])
	}
	workersSupply := wSupply <= sSupply
	var nb netBuilder
	nb.grow(nw+nGroupNodes+ns+1, len(c.edges)+2*nGroupNodes+nw+ns)
	// Node numbers in topological order: suppliers, groups, receivers, sink.
	wNode, sNode := make([]int32, nw), make([]int32, ns)
	if workersSupply {
		for w := range nw {
			wNode[w] = nb.node(int32(min(c.wCap[w], len(groups[w]))))
		}
	} else {
		for t := range ns {
			sNode[t] = nb.node(int32(min(c.tCap[t], sDeg[t])))
		}
	}
	groupNode := make([][]int32, nw)
	for w := range nw {
		for _, g := range groups[w] {
			id := int32(-1)
			if len(g) > 1 {
				id = nb.node(0)
			}
			groupNode[w] = append(groupNode[w], id)
		}
	}
	if workersSupply {
		for t := range ns {
			sNode[t] = nb.node(0)
		}
	} else {
		for w := range nw {
			wNode[w] = nb.node(0)
		}
	}
	sink := nb.node(0)
	arcOf := make([]int32, len(c.edges))
	bypass := c.bypassCost()
	if workersSupply {
		for w := range nw {
			if len(groups[w]) > 0 {
				nb.arc(wNode[w], sink, int32(min(c.wCap[w], len(groups[w]))), bypass)
			}
			for gi, g := range groups[w] {
				from := wNode[w]
				if id := groupNode[w][gi]; id >= 0 {
					nb.arc(wNode[w], id, 1, 0)
					from = id
				}
				for _, e := range g {
					arcOf[e] = nb.arc(from, sNode[c.edges[e].t], 1, -c.edges[e].units)
				}
			}
		}
		for t := range ns {
			if sDeg[t] > 0 {
				nb.arc(sNode[t], sink, int32(min(c.tCap[t], sDeg[t])), 0)
			}
		}
	} else {
		for t := range ns {
			if sDeg[t] > 0 {
				nb.arc(sNode[t], sink, int32(min(c.tCap[t], sDeg[t])), bypass)
			}
		}
		for w := range nw {
			for gi, g := range groups[w] {
				to := wNode[w]
				if id := groupNode[w][gi]; id >= 0 {
					nb.arc(id, wNode[w], 1, 0)
					to = id
				}
				for _, e := range g {
					arcOf[e] = nb.arc(sNode[c.edges[e].t], to, 1, -c.edges[e].units)
				}
			}
			if len(groups[w]) > 0 {
				nb.arc(wNode[w], sink, int32(min(c.wCap[w], len(groups[w]))), 0)
			}
		}
	}
	g := nb.build(sink)
	g.run()
	var used []int32
	var v value
	for w := range nw {
		for _, gr := range groups[w] {
			for _, e := range gr {
				if g.arcFlow(arcOf[e]) > 0 {
					used = append(used, e)
					v.count++
					v.units += c.edges[e].units
				}
			}
		}
	}
	return used, v
}

// conflict finds a used edge whose shift overlaps another used shift of the same worker,
// scanning workers in order so that branching is deterministic.
func (b *branchBound) conflict(used []int32) (int32, bool) {
	for _, es := range b.usedByWorker(used) {
		for i := 1; i < len(es); i++ {
			// Sorted by start: if any two overlap, two neighbours do.
			if b.shifts[b.c.edges[es[i]].t].Start < b.shifts[b.c.edges[es[i-1]].t].End {
				return b.pick(es[i-1], es[i]), true
			}
		}
	}
	return 0, false
}

// pick chooses which of two conflicting edges to branch on: the one overlapping more of its
// worker's allowed shifts, so the "takes it" branch clears the most.
func (b *branchBound) pick(x, y int32) int32 {
	count := func(e int32) int {
		n := 0
		for _, o := range b.byW[b.c.edges[e].w] {
			if o != e && overlap(b.shifts[b.c.edges[o].t], b.shifts[b.c.edges[e].t]) {
				n++
			}
		}
		return n
	}
	if count(y) > count(x) {
		return y
	}
	return x
}

// usedByWorker groups used edges by worker (in worker order, so that branching is
// deterministic), each list sorted by shift start.
func (b *branchBound) usedByWorker(used []int32) [][]int32 {
	used = slices.Clone(used)
	slices.SortFunc(used, func(x, y int32) int { return cmp.Compare(b.c.edges[x].w, b.c.edges[y].w) })
	var m [][]int32
	for i := 0; i < len(used); {
		j := i
		for j < len(used) && b.c.edges[used[j]].w == b.c.edges[used[i]].w {
			j++
		}
		m = append(m, used[i:j])
		i = j
	}
	for _, es := range m {
		slices.SortFunc(es, func(x, y int32) int {
			sx, sy := &b.shifts[b.c.edges[x].t], &b.shifts[b.c.edges[y].t]
			return cmp.Or(cmp.Compare(sx.Start, sy.Start), cmp.Compare(sx.End, sy.End), cmp.Compare(x, y))
		})
	}
	return m
}

// repair turns a relaxed solution into a feasible one: each worker keeps the best set of its
// used shifts that do not overlap (weighted interval scheduling), which never breaks a shift's
// capacity because it only drops assignments.
func (b *branchBound) repair(used []int32) ([]int32, value) {
	var out []int32
	var total value
	for _, es := range b.usedByWorker(used) {
		// Sort by end for the dynamic programme; pred[i] is the last interval ending by the
		// start of i.
		slices.SortFunc(es, func(x, y int32) int {
			sx, sy := &b.shifts[b.c.edges[x].t], &b.shifts[b.c.edges[y].t]
			return cmp.Or(cmp.Compare(sx.End, sy.End), cmp.Compare(x, y))
		})
		n := len(es)
		best := make([]value, n+1)
		take := make([]bool, n+1)
		pred := make([]int, n+1)
		for i := 1; i <= n; i++ {
			s := &b.shifts[b.c.edges[es[i-1]].t]
			p := i - 1
			for p > 0 && b.shifts[b.c.edges[es[p-1]].t].End > s.Start {
				p--
			}
			pred[i] = p
			with := value{best[p].count + 1, best[p].units + b.c.edges[es[i-1]].units}
			if b.better(with, best[i-1]) {
				best[i], take[i] = with, true
			} else {
				best[i] = best[i-1]
			}
		}
		for i := n; i > 0; {
			if take[i] {
				out = append(out, es[i-1])
				i = pred[i]
			} else {
				i--
			}
		}
		total.count += best[n].count
		total.units += best[n].units
	}
	return out, total
}
