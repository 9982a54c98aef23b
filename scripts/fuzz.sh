#!/usr/bin/env bash
# Runs every Go fuzz target (func FuzzX(f *testing.F) in any *_test.go) for DURATION each.
# The test command runs it with a few seconds per target; run it long outside CI:
#   ./scripts/fuzz.sh 10m                 # every target, ten minutes each
#   ./scripts/fuzz.sh 30m FuzzParseAmount # only the targets matching a regular expression
# Each package's fuzz-instrumented test binary is built once and run from the package's folder,
# so the committed seed corpus (testdata/fuzz/FuzzX) is replayed first and a failing input is
# written there, ready to commit with its fix. Interesting inputs found on the way go to Go's
# fuzz cache ($(go env GOCACHE)/fuzz), so long runs build on earlier ones. A summary line per
# target (executions, new interesting inputs, result) is printed at the end, and appended to
# $WUSHE_FUZZ_REPORT when that is set. Exit status 1 when any target finds a failure.
#
# Brief runs (the test command): WUSHE_FUZZ_FRESH=1 starts from the committed corpus only (a
# fresh cache), so the run does not grow with what long runs left in the local cache; and
# WUSHE_FUZZ_DIR_TIME="app/web=6s" gives a package's targets their own duration: the fuzzing
# engine replays the corpus first ("gathering baseline coverage"), about 0.1 s an input for
# app/web's large instrumented binary, and that counts against the duration.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

dur=${1:-1m}
only=${2:-.}
minimize=${WUSHE_FUZZ_MINIMIZE:-10s}
bin=$(mktemp -d /tmp/wushe-fuzz.XXXXXX)
trap 'rm -rf "$bin"' EXIT

# package directory → fuzz targets, found in the sources so a new target is never left out.
declare -A targets=()
while IFS=: read -r file line; do
  name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*)\(.*/\1/' <<<"$line")
  [[ $name =~ $only ]] || continue
  dir=$(dirname "$file")
  targets[$dir]="${targets[$dir]:-} $name"
done < <(git ls-files '*_test.go' 2>/dev/null | xargs grep -H '^func Fuzz[A-Za-z0-9_]*(f \*testing.F)' || true)
[ ${#targets[@]} -gt 0 ] || { log "no fuzz target matches $only"; exit 2; }

summary=()
failed=0
cache_root=$(go env GOCACHE)/fuzz
[ "${WUSHE_FUZZ_FRESH:-}" = 1 ] && cache_root=$bin/cache
# dir_time DIR prints the duration for DIR's targets.
dir_time() {
  local kv
  for kv in ${WUSHE_FUZZ_DIR_TIME:-}; do
    [ "${kv%%=*}" = "$1" ] && { echo "${kv#*=}"; return; }
  done
  echo "$dur"
}
for dir in $(printf '%s\n' "${!targets[@]}" | sort); do
  exe="$bin/$(tr / _ <<<"$dir").test"
  go test -c -fuzz=. -o "$exe" "./$dir"
  t=$(dir_time "$dir")
  for name in ${targets[$dir]}; do
    log "fuzzing $dir $name for $t"
    out="$bin/$name.log"
    status=ok
    (cd "$dir" && "$exe" -test.run='^$' -test.fuzz="^$name\$" -test.fuzztime="$t" \
      -test.fuzzminimizetime="$minimize" -test.fuzzcachedir="$cache_root/$dir") >"$out" 2>&1 || status=FAILED
    last=$(grep -E '^fuzz: elapsed' "$out" | tail -n 1 || true)
    execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
    fresh=$(sed -nE 's/.*new interesting: ([0-9]+) \(total: ([0-9]+)\).*/\1 new, \2 in corpus/p' <<<"$last")
    if [ "$status" != ok ]; then
      input=$(sed -nE 's/.*Failing input written to (.*)/\1/p' "$out" | head -n 1)
      status="FAILED ($(grep -m1 -E '^\s+[a-z_]+_test\.go:[0-9]+:' "$out" | sed -E 's/^\s+//' || true); input $dir/${input:-?})"
    fi
    line="$dir $name: ${execs:-0} executions in $t, ${fresh:-no coverage report}, $status"
    summary+=("$line")
    if [ "$status" != ok ]; then
      failed=1
      sed -n '/--- FAIL/,$p' "$out" | head -n 40 >&2
    fi
  done
done
log "fuzzing summary"
for l in "${summary[@]}"; do
  echo "$l"
  [ -n "${WUSHE_FUZZ_REPORT:-}" ] && echo "$(date -u +%FT%TZ) $l" >>"$WUSHE_FUZZ_REPORT"
done
exit $failed
