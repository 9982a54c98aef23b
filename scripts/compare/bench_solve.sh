#!/usr/bin/env bash
# Times `wushe match solve` side by side with the reference solvers on the same JSON files:
#   shifts.json  2,000 shifts (capacity 1–3) × 10,000 volunteers (capacity 2), 110,000 edges
#                → wushe vs networkx min-cost flow (scipy cannot: capacities above 1)
#   dense.json   1,000 × 1,000 complete, unit capacities, 1,000,000 edges
#                → wushe vs scipy linear_sum_assignment (networkx only with --with-networkx-dense:
#                  network simplex on a million arcs takes many minutes)
# Every timing is a whole process, wall clock, from start to exit: reading and parsing the
# JSON, solving, printing. The median of RUNS runs is reported, with each Python run's own
# breakdown (load / build / solve seconds) so the solver calls can be compared alone too.
#
# Usage: scripts/compare/bench_solve.sh [--runs N] [--with-networkx-dense] [--keep DIR]
# Needs Go, and a Python with scipy and networkx ($WUSHE_TEST_PYTHON, default /usr/bin/python3;
# Debian: apt-get install python3-scipy python3-networkx).
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=3
nx_dense=0
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --with-networkx-dense) nx_dense=1; shift ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--with-networkx-dense] [--keep DIR]" >&2; exit 2 ;;
  esac
done
py=${WUSHE_TEST_PYTHON:-/usr/bin/python3}
"$py" -c 'import scipy, networkx' || { echo "$py lacks scipy or networkx" >&2; exit 1; }

if [ -n "$keep" ]; then dir=$keep; mkdir -p "$dir"; else dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT; fi
echo "instances and binaries in $dir" >&2
WUSHE_WRITE_INSTANCES="$dir" go test ./matching/ -run '^TestWriteInstances$' -count=1 >/dev/null
go build -o "$dir/wushe" ./cmd/wushe

# run NAME CMD... : runs CMD $runs times, prints the median wall time in seconds and keeps the
# last output in $dir/NAME.out.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() {
  local name=$1; shift
  local times=() i t0 t1
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    "$@" > "$dir/$name.out"
    t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000000 ))")
  done
  printf '%s\n' "${times[@]}" | median | awk '{printf "%.3f", $1 / 1000}'

}

summary() { # FILE: assigned and total_score of a wushe solution or a reference line
  "$py" -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(d["assigned"], "%.6f" % d["total_score"], " ".join("%s=%.3f" % (k[:-8], d[k]) for k in ("load_seconds","build_seconds","solve_seconds") if k in d))' "$1"
}

printf '%-7s %-9s %9s  %-9s %-16s %s\n' instance solver median_s assigned total_score python_breakdown_s
for inst in shifts dense; do
  f="$dir/$inst.json"
  t=$(run "$inst-wushe" "$dir/wushe" match solve --in "$f")
  read -r a s _ <<<"$(summary "$dir/$inst-wushe.out")"
  printf '%-7s %-9s %9.3f  %-9s %-16s\n' "$inst" wushe "$t" "$a" "$s"
  solvers=(scipy)
  if [ "$inst" = shifts ] || [ "$nx_dense" = 1 ]; then solvers=(networkx scipy); fi
  for solver in "${solvers[@]}"; do
    t=$(run "$inst-$solver" "$py" scripts/compare/reference.py --solver "$solver" "$f")
    if grep -q skipped "$dir/$inst-$solver.out"; then
      printf '%-7s %-9s %9s  %s\n' "$inst" "$solver" - "(skipped: $(sed 's/.*"skipped": "\([^"]*\)".*/\1/' "$dir/$inst-$solver.out"))"
      continue
    fi
    read -r a s rest <<<"$(summary "$dir/$inst-$solver.out")"
    printf '%-7s %-9s %9.3f  %-9s %-16s %s\n' "$inst" "$solver" "$t" "$a" "$s" "$rest"
  done
done
