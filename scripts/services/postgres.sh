# PostgreSQL from Debian's packages, run as an unprivileged user in a temporary directory.
# Exports TEST_DATABASE_URL.

install_postgres() {
  need_apt postgresql locales
}

start_postgres() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bindir/initdb" ] || { log "PostgreSQL binaries not found"; return 1; }
  local user=postgres
  id "$user" >/dev/null 2>&1 || user=$(id -un)
  local dir port
  dir=$(mktemp -d /tmp/wushe-pg.XXXXXX)
  port=$(free_port)
  if [ "$(id -u)" -eq 0 ]; then
    chown "$user" "$dir"
    run_pg() { runuser -u "$user" -- "$@"; }
  else
    run_pg() { "$@"; }
  fi
  run_pg "$bindir/initdb" -D "$dir/data" -U wushe --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  run_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
  # The cleanup runs after this function returns, when $user and run_pg's closure are gone:
  # spell the command out in full now.
  local stop="'$bindir/pg_ctl' -D '$dir/data' -m immediate stop"
  [ "$(id -u)" -eq 0 ] && stop="runuser -u '$user' -- $stop"
  on_exit "$stop >/dev/null 2>&1; rm -rf '$dir'"
  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U wushe wushe_test 2>/dev/null || psql -h 127.0.0.1 -p "$port" -U wushe -d postgres -c 'CREATE DATABASE wushe_test' >/dev/null
  export TEST_DATABASE_URL="postgres://wushe@127.0.0.1:$port/wushe_test?sslmode=disable"
  log "PostgreSQL on port $port"
}

# start_postgres_fault starts a second, dedicated PostgreSQL that the fault-injection test
# stops and restarts in the middle of concurrent contributions (cmd/wushe/fault_test.go), so
# the shared server the other tests use is never touched. Exports WUSHE_TEST_PG_FAULT_URL and
# WUSHE_TEST_PG_FAULT_CTL, a script taking "stop" (an immediate shutdown, as in a crash) or
# "start" (waits until the server accepts connections).
start_postgres_fault() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bindir/initdb" ] || { log "PostgreSQL binaries not found"; return 1; }
  local user=postgres run=""
  id "$user" >/dev/null 2>&1 || user=$(id -un)
  local dir port
  dir=$(mktemp -d /tmp/wushe-pgfault.XXXXXX)
  port=$(free_port)
  if [ "$(id -u)" -eq 0 ]; then
    chown "$user" "$dir"
    run="runuser -u $user --"
  fi
  $run "$bindir/initdb" -D "$dir/data" -U wushe --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >"$dir/ctl" <<CTL
#!/bin/sh
# Stops (immediately, like a crash) or starts the fault-injection PostgreSQL.
case "\$1" in
  stop) exec $run '$bindir/pg_ctl' -D '$dir/data' -m immediate -w stop >/dev/null ;;
  start) exec $run '$bindir/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" start >/dev/null ;;
  *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
CTL
  chmod 755 "$dir/ctl"
  "$dir/ctl" start
  on_exit "'$dir/ctl' stop >/dev/null 2>&1; rm -rf '$dir'"
  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U wushe wushe_fault 2>/dev/null || psql -h 127.0.0.1 -p "$port" -U wushe -d postgres -c 'CREATE DATABASE wushe_fault' >/dev/null
  export WUSHE_TEST_PG_FAULT_URL="postgres://wushe@127.0.0.1:$port/wushe_fault?sslmode=disable"
  export WUSHE_TEST_PG_FAULT_CTL="$dir/ctl"
  log "fault-injection PostgreSQL on port $port"
}
