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

start_meilisearch
start_stripe_mock
start_postgres

# The first run uses the embedded default (SQLite); the second repeats every test on PostgreSQL
# under the race detector, which that pass alone needs (docs/conventions.md, "Tests").
# The two longest packages go first so that they do not start last and finish alone.
pkgs=(./app/web ./cmd/wushe ./...)
pg_url=$TEST_DATABASE_URL
unset TEST_DATABASE_URL
log "go test (SQLite)"
go test "$@" "${pkgs[@]}"
log "go test -race (PostgreSQL)"
TEST_DATABASE_URL=$pg_url go test -race "$@" "${pkgs[@]}"
log "all tests passed"
