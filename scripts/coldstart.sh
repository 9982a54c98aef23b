#!/usr/bin/env bash
# Measures the embedded default's cold start (process start → /healthz answers 200) and its idle
# resident memory, for a fresh data directory (migrate + demo load) and for an existing one.
#   ./scripts/coldstart.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
runs=${1:-5}
bin=$(mktemp -d /tmp/wushe-coldstart.XXXXXX)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/wushe" ./cmd/wushe

# start_once DIR: prints milliseconds until /healthz answered, then the RSS in MB after 5 s idle.
start_once() {
  local dir=$1 port t0 t1 pid
  port=$(free_port)
  t0=$(date +%s%N)
  WUSHE_ADMIN_PASSWORD=coldstart-demo-pw "$bin/wushe" serve --demo --addr "127.0.0.1:$port" --data-dir "$dir" >"$dir.log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir.log" >&2; return 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  sleep 5
  local rss
  rss=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) $rss"
}

for kind in fresh existing; do
  for i in $(seq "$runs"); do
    dir="$bin/data-$i"
    [ "$kind" = fresh ] && rm -rf "$dir"
    mkdir -p "$dir"
    read -r msec rss < <(start_once "$dir")
    echo "$kind run $i: ready in ${msec} ms, idle RSS ${rss} MB"
  done
done
