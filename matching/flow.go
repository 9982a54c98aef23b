package matching

import "math"

// This file holds the min-cost-flow engine behind Solve and AssignShifts.
//
// Algorithm: successive shortest paths with node potentials (Johnson's reduced costs), one
// Dijkstra per unit of supply, as in the Hungarian method and the Jonker–Volgenant shortest
// augmenting path. What makes it fast on assignment-shaped networks:
//
//   - Dijkstra starts from a single node with supply, not from a super-source, and stops as soon
//     as the sink's distance is settled; only the nodes it settled get their potentials moved
//     (by dist−D, which keeps every reduced cost ≥ 0 and leaves the sink's potential fixed), so
//     an augmentation costs what its search touched, not O(nodes).
//   - A node whose tentative distance already reaches the sink's is never queued: it could not
//     be settled before the search stops.
//   - Each node keeps the list of its incoming arcs that carry flow, so the reverse residual
//     arcs of a task with a thousand candidate workers are its few assigned ones, not all of them.
//
// Correctness rests on the standard invariant: every residual arc has a non-negative reduced
// cost, so the flow is always a min-cost flow for the supplies routed so far; augmenting along
// a shortest path preserves it. Routing sources one at a time is only right when every unit of
// supply is routed — otherwise which sources send would itself be a choice the search never
// revisits — so every source has a "bypass" arc straight to the sink: a unit sent through it is
// a slot left unfilled. Its cost (0 for max score, more than any score difference for max
// coverage) turns both objectives into a min-cost flow with fixed supplies.
//
// Costs are int64. The caller checks bypass + maxCost·(nodes+1) ≤ 2^59: a simple path costs at
// most one bypass plus one arc per node (searches never leave the sink), every potential stays
// within twice that of the sink's (which never moves), and so every distance and every sum the
// search forms stays below 2^62.

// maxCostTimesNodes bounds bypass+|cost|·(nodes+1) so that no potential or distance overflows.
const maxCostTimesNodes = 1 << 59

type netBuilder struct {
	n      int32
	from   []int32
	to     []int32
	capa   []int32
	cost   []int64
	supply []int32
}

// grow reserves room for more nodes and arcs, so that building a million-arc network does not
// copy its arrays over and over.
func (b *netBuilder) grow(nodes, arcs int) {
	b.supply = append(make([]int32, 0, len(b.supply)+nodes), b.supply...)
	b.from = append(make([]int32, 0, len(b.from)+arcs), b.from...)
	b.to = append(make([]int32, 0, len(b.to)+arcs), b.to...)
	b.capa = append(make([]int32, 0, len(b.capa)+arcs), b.capa...)
	b.cost = append(make([]int64, 0, len(b.cost)+arcs), b.cost...)
}

func (b *netBuilder) node(supply int32) int32 {
	b.supply = append(b.supply, supply)
	b.n++
	return b.n - 1
}

// arc adds an arc u→v; nodes must be numbered in topological order (u < v), which lets the
// initial potentials be computed in one pass.
func (b *netBuilder) arc(u, v, capacity int32, cost int64) int32 {
	if u >= v {
		panic("matching: network arcs must go from lower to higher node numbers")
	}
	b.from = append(b.from, u)
	b.to = append(b.to, v)
	b.capa = append(b.capa, capacity)
	b.cost = append(b.cost, cost)
	return int32(len(b.from) - 1)
}

// node state is kept together: a search touches all of it for every node it reaches.
type nodeState struct {
	pot    int64
	dist   int64
	seen   uint32 // epoch in which dist was set
	done   uint32 // epoch in which the node was settled
	parent int32  // arc by which the node was reached: a forward, ^a reverse
}

// network is a built flow network. Arcs are renumbered so that the arcs leaving a node are
// contiguous; perm maps a builder arc number to its position.
type network struct {
	n        int32
	sink     int32
	start    []int32 // arcs leaving u are start[u]..start[u+1]
	from     []int32
	to       []int32
	res      []int32 // residual capacity; flow is capa−res
	capa     []int32
	cost     []int64
	perm     []int32
	supply   []int32
	node     []nodeState
	inFlow   [][]int32 // arcs into the node that carry flow: its reverse residual arcs
	inPos    []int32   // position of an arc in its head's inFlow list, or -1
	epoch    uint32
	heap     []heapItem
	settled  []int32
	augments int // successful augmentations, for tests and benchmarks
	searches int
}

type heapItem struct {
	d int64
	v int32
}

func (b *netBuilder) build(sink int32) *network {
	n, m := b.n, len(b.from)
	g := &network{n: n, sink: sink, supply: b.supply}
	g.start = make([]int32, n+1)
	for _, u := range b.from {
		g.start[u+1]++
	}
	for u := int32(0); u < n; u++ {
		g.start[u+1] += g.start[u]
	}
	next := make([]int32, n)
	copy(next, g.start[:n])
	g.from, g.to, g.capa, g.res = make([]int32, m), make([]int32, m), make([]int32, m), make([]int32, m)
	g.cost, g.perm, g.inPos = make([]int64, m), make([]int32, m), make([]int32, m)
	for a := range b.from {
		u := b.from[a]
		p := next[u]
		next[u]++
		g.perm[a] = p
		g.from[p], g.to[p], g.capa[p], g.res[p], g.cost[p] = u, b.to[a], b.capa[a], b.capa[a], b.cost[a]
		g.inPos[p] = -1
	}
	g.inFlow = make([][]int32, n)
	g.node = make([]nodeState, n)
	// Initial potentials: shortest distance from a virtual root joined to every node at cost 0;
	// in topological order one pass suffices. Then every arc has a non-negative reduced cost.
	for u := int32(0); u < n; u++ {
		pu := g.node[u].pot
		for a := g.start[u]; a < g.start[u+1]; a++ {
			if v := g.to[a]; pu+g.cost[a] < g.node[v].pot {
				g.node[v].pot = pu + g.cost[a]
			}
		}
	}
	return g
}

// run routes every unit of supply to the sink along shortest paths, sources in node order.
// Builders give every source a bypass arc, so the sink is always reachable; a source that
// could not reach it would keep its supply.
func (g *network) run() {
	for s := int32(0); s < g.n; s++ {
		for g.supply[s] > 0 {
			if !g.augment(s) {
				break
			}
		}
	}
}

// augment finds a shortest path from s to the sink and pushes flow along it. It reports false
// when the sink cannot be reached.
func (g *network) augment(s int32) bool {
	g.searches++
	g.epoch++
	if g.epoch == 0 { // wrapped: clear the stamps
		for i := range g.node {
			g.node[i].seen, g.node[i].done = 0, 0
		}
		g.epoch = 1
	}
	ep := g.epoch
	nodes := g.node
	to, res, cost := g.to, g.res, g.cost
	g.heap = g.heap[:0]
	g.settled = g.settled[:0]
	nodes[s].dist, nodes[s].seen = 0, ep
	g.push(heapItem{0, s})
	best := int64(math.MaxInt64)
	bestArc := int32(-1)
	sink := g.sink
	potSink := nodes[sink].pot
	for len(g.heap) > 0 {
		it := g.pop()
		u := it.v
		nu := &nodes[u]
		if nu.done == ep || it.d > nu.dist {
			continue
		}
		if it.d >= best {
			break
		}
		nu.done = ep
		g.settled = append(g.settled, u)
		du, pu := it.d, nu.pot
		for a := g.start[u]; a < g.start[u+1]; a++ {
			if res[a] == 0 {
				continue
			}
			v := to[a]
			if v == sink {
				if nd := du + cost[a] + pu - potSink; nd < best {
					best, bestArc = nd, a
				}
				continue
			}
			nv := &nodes[v]
			nd := du + cost[a] + pu - nv.pot
			if nd >= best || nv.done == ep {
				continue
			}
			if nv.seen != ep || nd < nv.dist {
				nv.dist, nv.seen, nv.parent = nd, ep, a
				g.push(heapItem{nd, v})
			}
		}
		for _, a := range g.inFlow[u] {
			v := g.from[a]
			nv := &nodes[v]
			nd := du - cost[a] + pu - nv.pot
			if nd >= best || nv.done == ep {
				continue
			}
			if nv.seen != ep || nd < nv.dist {
				nv.dist, nv.seen, nv.parent = nd, ep, ^a
				g.push(heapItem{nd, v})
			}
		}
	}
	if bestArc < 0 {
		return false
	}
	for _, u := range g.settled {
		nodes[u].pot += nodes[u].dist - best
	}
	// Bottleneck along the path, then push.
	delta := min(g.supply[s], res[bestArc])
	for u := g.from[bestArc]; u != s; {
		p := nodes[u].parent
		if p >= 0 {
			delta = min(delta, res[p])
			u = g.from[p]
		} else {
			delta = min(delta, g.capa[^p]-res[^p])
			u = to[^p]
		}
	}
	g.addFlow(bestArc, delta)
	for u := g.from[bestArc]; u != s; {
		p := nodes[u].parent
		if p >= 0 {
			g.addFlow(p, delta)
			u = g.from[p]
		} else {
			g.addFlow(^p, -delta)
			u = to[^p]
		}
	}
	g.supply[s] -= delta
	g.augments++
	return true
}

// addFlow changes the flow on arc a and keeps its head's list of flow-carrying arcs current.
func (g *network) addFlow(a int32, delta int32) {
	before := g.capa[a] - g.res[a]
	g.res[a] -= delta
	after := before + delta
	v := g.to[a]
	switch {
	case before == 0 && after > 0:
		g.inPos[a] = int32(len(g.inFlow[v]))
		g.inFlow[v] = append(g.inFlow[v], a)
	case before > 0 && after == 0:
		l := g.inFlow[v]
		i := g.inPos[a]
		last := l[len(l)-1]
		l[i] = last
		g.inPos[last] = i
		g.inFlow[v] = l[:len(l)-1]
		g.inPos[a] = -1
	}
}

// arcFlow is the flow on the arc the builder numbered a.
func (g *network) arcFlow(a int32) int32 {
	p := g.perm[a]
	return g.capa[p] - g.res[p]
}

func (g *network) push(it heapItem) {
	h := append(g.heap, it)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p].d <= it.d {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = it
	g.heap = h
}

func (g *network) pop() heapItem {
	h := g.heap
	top := h[0]
	last := h[len(h)-1]
	h = h[:len(h)-1]
	n := len(h)
	if n > 0 {
		i := 0
		for {
			l := 2*i + 1
			if l >= n {
				break
			}
			if r := l + 1; r < n && h[r].d < h[l].d {
				l = r
			}
			if h[l].d >= last.d {
				break
			}
			h[i] = h[l]
			i = l
		}
		h[i] = last
	}
	g.heap = h
	return top
}
