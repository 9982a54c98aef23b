#!/usr/bin/env python3
"""Reference solvers for `wushe match solve` problems, for tests and benchmarks.

Reads problem files in the JSON contract of `wushe match solve` and solves each one with an
independent solver, printing one JSON object per line:

    {"file": ..., "solver": "networkx"|"scipy", "objective": ..., "assigned": N,
     "total_score": X, "load_seconds": ..., "build_seconds": ..., "solve_seconds": ...,
     "total_seconds": ...}

Solvers:
  networkx  min-cost flow (network simplex) on the flow network S→worker→task→T; any capacities.
            Costs are scores rounded to 1e-9 units as integers, since network simplex is exact
            only on integers. max_score adds a zero-cost S→T bypass so that any flow value is
            allowed; max_coverage uses max_flow_min_cost.
  scipy     scipy.optimize.linear_sum_assignment on the worker × task matrix; only for problems
            whose capacities are all 0 or 1 (otherwise it prints {"skipped": reason}).
            max_score maximises max(score, 0); max_coverage maximises M + score on edges
            (M larger than any total score difference), then keeps the pairs that are edges.

Usage: reference.py [--solver networkx|scipy|both] FILE...   ("-" reads standard input)
Uses Debian's python3-networkx and python3-scipy.
"""
import argparse
import json
import sys
import time


def load(path):
    if path == "-":
        return json.load(sys.stdin)
    with open(path, "rb") as f:
        return json.load(f)


def units(score):
    return int(round(score * 1e9))


def solve_networkx(p):
    import networkx as nx

    t0 = time.perf_counter()
    obj = p["objective"]
    g = nx.DiGraph()
    g.add_node("S")
    g.add_node("T")
    wcap = {w["id"]: w["capacity"] for w in p["workers"]}
    tcap = {t["id"]: t["capacity"] for t in p["tasks"]}
    for w, c in wcap.items():
        g.add_edge("S", ("w", w), capacity=c, weight=0)
    for t, c in tcap.items():
        g.add_edge(("t", t), "T", capacity=c, weight=0)
    score = {}
    for e in p["edges"]:
        u = units(e["score"])
        if obj == "max_score" and u <= 0:
            continue
        score[(e["worker"], e["task"])] = e["score"]
        g.add_edge(("w", e["worker"]), ("t", e["task"]), capacity=1, weight=-u)
    t1 = time.perf_counter()
    if obj == "max_score":
        k = sum(wcap.values())
        g.add_edge("S", "T", capacity=k, weight=0)
        g.nodes["S"]["demand"] = -k
        g.nodes["T"]["demand"] = k
        flow = nx.min_cost_flow(g)
    elif obj == "max_coverage":
        flow = nx.max_flow_min_cost(g, "S", "T")
    else:
        raise SystemExit("unknown objective %r" % obj)
    t2 = time.perf_counter()
    chosen = []
    for (w, t), s in score.items():
        if flow[("w", w)].get(("t", t), 0) > 0:
            chosen.append((w, t, s))
    return chosen, t1 - t0, t2 - t1


def solve_scipy(p):
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    t0 = time.perf_counter()
    obj = p["objective"]
    if any(w["capacity"] > 1 for w in p["workers"]) or any(t["capacity"] > 1 for t in p["tasks"]):
        return None, "capacities above 1", 0, 0
    workers = [w["id"] for w in p["workers"] if w["capacity"] == 1]
    tasks = [t["id"] for t in p["tasks"] if t["capacity"] == 1]
    wi = {w: i for i, w in enumerate(workers)}
    ti = {t: j for j, t in enumerate(tasks)}
    m = np.zeros((len(workers), len(tasks)))
    edge = np.zeros((len(workers), len(tasks)), dtype=bool)
    big = 1.0
    if obj == "max_coverage":
        big = 1.0 + 2.0 * sum(abs(e["score"]) for e in p["edges"])
    for e in p["edges"]:
        i, j = wi.get(e["worker"]), ti.get(e["task"])
        if i is None or j is None:
            continue
        s = e["score"]
        if obj == "max_score":
            if units(s) > 0:
                m[i, j] = s
                edge[i, j] = True
        else:
            m[i, j] = big + s
            edge[i, j] = True
    t1 = time.perf_counter()
    rows, cols = linear_sum_assignment(m, maximize=True)
    t2 = time.perf_counter()
    chosen = []
    for i, j in zip(rows, cols):
        if edge[i, j]:
            s = m[i, j] - (big if obj == "max_coverage" else 0.0)
            chosen.append((workers[i], tasks[j], s))
    return chosen, None, t1 - t0, t2 - t1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--solver", choices=["networkx", "scipy", "both"], default="both")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    for path in a.files:
        t0 = time.perf_counter()
        p = load(path)
        load_s = time.perf_counter() - t0
        solvers = ["networkx", "scipy"] if a.solver == "both" else [a.solver]
        for name in solvers:
            out = {"file": path, "solver": name, "objective": p["objective"], "load_seconds": round(load_s, 6)}
            if name == "networkx":
                chosen, build_s, solve_s = solve_networkx(p)
            else:
                chosen, skipped, build_s, solve_s = solve_scipy(p)
                if chosen is None:
                    out["skipped"] = skipped
                    print(json.dumps(out), flush=True)
                    continue
            out.update(
                assigned=len(chosen),
                total_score=sum(s for _, _, s in sorted(chosen)),
                build_seconds=round(build_s, 6),
                solve_seconds=round(solve_s, 6),
                total_seconds=round(load_s + build_s + solve_s, 6),
            )
            print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
