#!/usr/bin/env bash
# The giving-day measurement (docs/perf.md, "Giving day"), run by hand:
#
#   ./scripts/givingday.sh [-d 60s] [-c 50] [-g GIFTS] [--servers N] [--sqlite]
#
# It starts its own PostgreSQL with the default durability (fsync and synchronous_commit on;
# the test suite's PostgreSQL turns them off), measures pgbench's ceiling for one gift per
# commit — the transaction shape of a matched gift, with the pool's hot row and without it —
# then migrates an empty database, starts `wushe serve` with only DATABASE_URL and the Stripe
# variables (stripe-mock as STRIPE_API_URL), and runs the load generator's giving-day scenario
# twice: a pool that covers every gift, then -pool-dry. With --sqlite it runs the scenario on
# the embedded SQLite instead. The load average is printed beside each figure: the machine is
# shared.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
for f in scripts/services/*.sh; do . "$f"; done
trap run_cleanup EXIT
trap "exit 130" INT TERM

dur=60s clients=50 servers=1 sqlite=0 pgbench_time=20 gifts=""
while [ $# -gt 0 ]; do
  case "$1" in
    -d) dur=$2; shift 2 ;;
    -c) clients=$2; shift 2 ;;
    # -g: gifts to prepare (the load generator sizes it for the goal's rate; on a loaded
    # machine fewer arrive, and a -pool-dry pool sized for them would not run dry).
    -g) gifts=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    --sqlite) sqlite=1; shift ;;
    --pgbench-time) pgbench_time=$2; shift 2 ;;
    *) echo "usage: $0 [-d 60s] [-c 50] [-g GIFTS] [--servers N] [--sqlite] [--pgbench-time S]" >&2; exit 2 ;;
  esac
done
export PATH="$(go env GOPATH)/bin:$PATH"
install_postgres
install_stripe_mock
start_stripe_mock

work=$(mktemp -d /tmp/wushe-givingday.XXXXXX)
on_exit "rm -rf '$work'"
log "building wushe and the load generator"
go build -o "$work/wushe" ./cmd/wushe
go build -o "$work/loadgen" ./scripts/loadgen

export STRIPE_SECRET_KEY=sk_test_givingday STRIPE_WEBHOOK_SECRET=whsec_givingday STRIPE_API_URL=$WUSHE_TEST_STRIPE_MOCK_URL
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

if [ "$sqlite" = 1 ]; then
  port=$(free_port)
  WUSHE_ADDR=127.0.0.1:$port WUSHE_DATA_DIR=$work/data WUSHE_LOG_LEVEL=warn "$work/wushe" serve >"$work/serve.log" 2>&1 &
  on_exit "kill $! 2>/dev/null"
  wait_port "$port" 60
  for dry in "" "-pool-dry"; do
    log "giving-day on SQLite $dry (load average before: $(loadavg))"
    "$work/loadgen" -scenario giving-day -url "http://127.0.0.1:$port" -c "$clients" -d "$dur" ${gifts:+-gifts "$gifts"} -data-dir "$work/data" $dry
    log "load average after: $(loadavg)"
  done
  exit 0
fi

# PostgreSQL with its defaults: only the port, socket directory and connection limit are set.
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pguser=postgres
id "$pguser" >/dev/null 2>&1 || pguser=$(id -un)
chown "$pguser" "$work"
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$pguser" -- "$@"; else "$@"; fi; }
pgport=$(free_port)
run_pg "$bindir/initdb" -D "$work/pg" -U wushe --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$bindir/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-c listen_addresses=127.0.0.1 -p $pgport -k $work -c max_connections=200" start >/dev/null
on_exit "runuser -u $pguser -- '$bindir/pg_ctl' -D '$work/pg' -m fast stop >/dev/null 2>&1 || '$bindir/pg_ctl' -D '$work/pg' -m fast stop >/dev/null 2>&1"
psql -h 127.0.0.1 -p "$pgport" -U wushe -d postgres -Atc "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit') || ' wal_sync_method=' || current_setting('wal_sync_method')" >&2
createdb -h 127.0.0.1 -p "$pgport" -U wushe bench
createdb -h 127.0.0.1 -p "$pgport" -U wushe wushe

# pgbench: one matched gift per commit, the statements the one-gift path runs (lock the
# campaign and the contribution, store the event, post the gift and the match with their
# entries, count the donor, write the campaign and the contribution, take the pool's money
# with the conditional update), over 100 campaigns and 1,000,000 gifts. "hot" takes the money
# from one pool row; "spread" from one of 1,000 pools, which shows the ceiling of one commit
# per gift without the hot row.
log "pgbench: one gift per commit"
psql -q -h 127.0.0.1 -p "$pgport" -U wushe -d bench <<'SQL'
CREATE TABLE pools (id int PRIMARY KEY, available bigint NOT NULL CHECK (available >= 0));
INSERT INTO pools SELECT g, 1000000000000 FROM generate_series(1, 1000) g;
CREATE TABLE campaigns (id int PRIMARY KEY, raised bigint NOT NULL DEFAULT 0, matched bigint NOT NULL DEFAULT 0, donors int NOT NULL DEFAULT 0, updated_at timestamptz);
INSERT INTO campaigns (id) SELECT g FROM generate_series(1, 100) g;
CREATE TABLE contributions (id bigint PRIMARY KEY, campaign_id int NOT NULL, amount bigint NOT NULL, status text NOT NULL, succeeded_at timestamptz);
INSERT INTO contributions SELECT g, 1 + g % 100, 1000, 'pending', NULL FROM generate_series(1, 1000000) g;
CREATE TABLE payment_events (id bigserial PRIMARY KEY, event_id text UNIQUE NOT NULL, contribution_id bigint, outcome text, received_at timestamptz);
CREATE TABLE ledger_transactions (id bigserial PRIMARY KEY, tx_key text UNIQUE NOT NULL, created_at timestamptz);
CREATE TABLE ledger_entries (id bigserial PRIMARY KEY, transaction_id bigint NOT NULL, account text NOT NULL, side text NOT NULL, amount bigint NOT NULL);
CREATE INDEX ON ledger_entries (transaction_id);
CREATE TABLE campaign_donors (campaign_id int, donor_key text, gifts int NOT NULL DEFAULT 0, PRIMARY KEY (campaign_id, donor_key));
CREATE TABLE fund_matches (id bigserial PRIMARY KEY, contribution_id bigint UNIQUE NOT NULL, amount bigint NOT NULL);
SQL
cat >"$work/gift.sql" <<'SQL'
\set c random(1, 1000000)
\set camp 1 + :c % 100
\set donor random(1, 5000)
BEGIN;
SELECT raised FROM campaigns WHERE id = :camp FOR UPDATE;
SELECT status FROM contributions WHERE id = :c FOR UPDATE;
INSERT INTO payment_events (event_id, contribution_id, outcome, received_at) VALUES ('evt_' || :client_id || '_' || nextval('payment_events_id_seq'), :c, 'payment received', now());
WITH t AS (INSERT INTO ledger_transactions (tx_key, created_at) VALUES ('contribution_succeeded:' || nextval('ledger_transactions_id_seq'), now()) RETURNING id)
INSERT INTO ledger_entries (transaction_id, account, side, amount) SELECT id, 'cash:1:stripe', 'debit', 1000 FROM t UNION ALL SELECT id, 'campaign:1:donations:resident', 'credit', 1000 FROM t;
INSERT INTO campaign_donors (campaign_id, donor_key, gifts) VALUES (:camp, 'user:' || :donor, 1) ON CONFLICT (campaign_id, donor_key) DO UPDATE SET gifts = campaign_donors.gifts + 1;
INSERT INTO fund_matches (contribution_id, amount) VALUES (nextval('fund_matches_id_seq') + 2000000, 1000);
WITH t AS (INSERT INTO ledger_transactions (tx_key, created_at) VALUES ('match_reserved:' || nextval('ledger_transactions_id_seq'), now()) RETURNING id)
INSERT INTO ledger_entries (transaction_id, account, side, amount) SELECT id, 'pool:1:available', 'debit', 1000 FROM t UNION ALL SELECT id, 'pool:1:reserved:1', 'credit', 1000 FROM t;
UPDATE campaigns SET raised = raised + 1000, matched = matched + 1000, donors = donors + 1, updated_at = now() WHERE id = :camp;
UPDATE contributions SET status = 'succeeded', succeeded_at = now() WHERE id = :c;
UPDATE pools SET available = available - 1000 WHERE id = :pool AND available >= 1000;
COMMIT;
SQL
pgbench_run() { # $1: hot | spread
  local pool="1"
  [ "$1" = spread ] && pool="random(1, 1000)"
  { printf '\\set pool %s\n' "$pool"; cat "$work/gift.sql"; } >"$work/gift-$1.sql"
  if ! pgbench -h 127.0.0.1 -p "$pgport" -U wushe -n -c "$clients" -j 2 -T "$pgbench_time" -f "$work/gift-$1.sql" bench >"$work/pgbench-$1.log" 2>&1; then
    cat "$work/pgbench-$1.log" >&2
    return 1
  fi
  sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench-$1.log"
}
tps_hot=$(pgbench_run hot)
log "pgbench one gift per commit, one hot pool row: $tps_hot tx/s (load average $(loadavg))"
tps_spread=$(pgbench_run spread)
log "pgbench one gift per commit, 1,000 pool rows: $tps_spread tx/s (load average $(loadavg))"

export DATABASE_URL="postgres://wushe@127.0.0.1:$pgport/wushe?sslmode=disable"
"$work/wushe" migrate up >/dev/null
ports=()
for i in $(seq 1 "$servers"); do
  port=$(free_port)
  WUSHE_ADDR=127.0.0.1:$port WUSHE_LOG_LEVEL=warn WUSHE_DATA_DIR="$work/data$i" "$work/wushe" serve >"$work/serve$i.log" 2>&1 &
  on_exit "kill $! 2>/dev/null"
  ports+=("$port")
done
for p in "${ports[@]}"; do wait_port "$p" 60; done
url=http://127.0.0.1:${ports[0]}
if [ "$servers" -gt 1 ]; then
  need_apt haproxy
  lbport=$(free_port)
  {
    printf 'global\n  maxconn 4096\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n'
    printf 'frontend web\n  bind 127.0.0.1:%s\n  default_backend wushe\nbackend wushe\n  balance roundrobin\n  option httpchk GET /readyz\n' "$lbport"
    for p in "${ports[@]}"; do printf '  server s%s 127.0.0.1:%s check inter 1s\n' "$p" "$p"; done
  } >"$work/haproxy.cfg"
  haproxy -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  on_exit "kill $! 2>/dev/null"
  wait_port "$lbport" 10
  url=http://127.0.0.1:$lbport
fi
for dry in "" "-pool-dry"; do
  log "giving-day on PostgreSQL with $servers server(s) $dry (load average before: $(loadavg))"
  "$work/loadgen" -scenario giving-day -url "$url" -c "$clients" -d "$dur" ${gifts:+-gifts "$gifts"} $dry | tee "$work/result"
  line=$(tail -n 1 "$work/result")
  rate=$(sed -n 's/.* gifts, \([0-9.]*\) gifts\/s.*/\1/p' <<<"$line")
  log "load average after: $(loadavg)"
  awk -v r="$rate" -v h="$tps_hot" -v s="$tps_spread" 'BEGIN { printf "ratio to pgbench: %.1f× the hot-row ceiling (%s/s), %.1f× one gift per commit without it (%s/s)\n", r / h, h, r / s, s }'
done
