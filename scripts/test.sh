#!/usr/bin/env bash
# Runs every Wushe test against real services: PostgreSQL, Meilisearch, stripe-mock and headless
# Chromium, each installed when missing and started on a free loopback port, then stopped.
# Usage: ./scripts/test.sh [extra go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
for f in scripts/services/*.sh; do . "$f"; done
trap run_cleanup EXIT
trap "exit 130" INT TERM

# phase NAME logs how long the step that just ended took, and keeps it for the closing summary.
phase_start=$SECONDS
phases=()
phase() {
  phases+=("$(printf '%4d s  %s' $((SECONDS - phase_start)) "$1")")
  log "$1: $((SECONDS - phase_start)) s"
  phase_start=$SECONDS
}

export GOFLAGS="${GOFLAGS:-} -mod=readonly"
export PATH="$(go env GOPATH)/bin:$PATH"

log "installing what the tests need"
need_apt ca-certificates python3 python3-scipy python3-networkx chromium
# Node.js may come from elsewhere (NodeSource ships npm inside its nodejs package); install
# Debian's only when the commands are missing.
command -v npm >/dev/null 2>&1 || need_apt nodejs npm
install_postgres
install_node_tools
install_stripe_mock
install_mailpit
install_haproxy
phase "installing"

export WUSHE_TEST_REQUIRE_SERVICES=1
export WUSHE_TEST_PYTHON=/usr/bin/python3
export WUSHE_TEST_CHROMIUM=/usr/bin/chromium
export WUSHE_TEST_AXE="$PWD/node_modules/axe-core/axe.min.js"

log "checking formatting and vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...
phase "gofmt and go vet"

start_meilisearch
start_stripe_mock
start_mailpit
start_postgres
# A second PostgreSQL that cmd/wushe's fault-injection test stops and restarts mid-load.
start_postgres_fault
phase "starting the services"

# The first run uses the embedded default (SQLite); the second repeats every test on PostgreSQL
# under the race detector, which that pass alone needs (docs/conventions.md, "Tests").
# The two longest packages go first so that they do not start last and finish alone.
pkgs=(./app/web ./cmd/wushe ./...)
pg_url=$TEST_DATABASE_URL
unset TEST_DATABASE_URL
log "go test (SQLite)"
go test -timeout 20m "$@" "${pkgs[@]}"
phase "go test (SQLite)"
# Every fuzz target for a few seconds on top of its committed corpus (which both go test runs
# replay as ordinary tests); scripts/fuzz.sh DURATION runs them long. It takes about a minute,
# mostly building three fuzz-instrumented test binaries, so it runs at the lowest priority
# beside the PostgreSQL pass, which spends much of its time waiting on the database.
log "fuzzing each target for ${WUSHE_FUZZ_TIME:-2s} in the background (app/web's and the webhook's longer: their corpus replays slowly)"
fuzz_log=$(mktemp /tmp/wushe-fuzz-log.XXXXXX)
nice -n 19 env WUSHE_FUZZ_FRESH=1 WUSHE_FUZZ_MINIMIZE="${WUSHE_FUZZ_MINIMIZE:-1s}" \
  WUSHE_FUZZ_DIR_TIME="${WUSHE_FUZZ_DIR_TIME:-app/web=6s funds/stripepay=4s}" \
  ./scripts/fuzz.sh "${WUSHE_FUZZ_TIME:-2s}" >"$fuzz_log" 2>&1 &
fuzz_pid=$!
on_exit "kill $fuzz_pid 2>/dev/null; rm -f '$fuzz_log'"
log "go test -race (PostgreSQL)"
# The route × role × scope walk sends one request at a time, so the race detector sees no
# concurrency in it and only multiplies its CPU (docs/perf.md): on PostgreSQL it runs once,
# without -race, beside the race pass, which skips it. The SQLite pass runs it like any test.
# The every-page browser sweep checks what Chromium shows (overflow, CSP, axe, links), the same
# pages from the same templates on either database; it runs in the SQLite pass only (its
# 600 s under -race put the suite near CI's 30 minutes).
TEST_DATABASE_URL=$pg_url go test -timeout 20m "$@" -run '^TestRouteRoleScope$' ./app/web &
walk_pid=$!
on_exit "kill $walk_pid 2>/dev/null"
TEST_DATABASE_URL=$pg_url go test -race -timeout 20m -skip '^(TestRouteRoleScope|TestBrowserEveryPage)$' "$@" "${pkgs[@]}"
if ! wait "$walk_pid"; then
  log "the route × role × scope walk failed on PostgreSQL"
  exit 1
fi
phase "go test -race (PostgreSQL)"
log "waiting for the fuzzing"
if ! wait "$fuzz_pid"; then
  cat "$fuzz_log"
  log "a fuzz target failed; its input is in the package's testdata/fuzz"
  exit 1
fi
sed -n '/fuzzing summary/,$p' "$fuzz_log"
phase "fuzzing (after the PostgreSQL pass)"
log "all tests passed in $SECONDS s:"
printf '%s\n' "${phases[@]}" >&2
