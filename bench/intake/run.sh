#!/usr/bin/env bash
# The intake benchmark (issue 6), one command:
#   bench/intake/run.sh [SECONDS]
# Builds release; then for each store (the embedded SQLite folder, then a fresh
# PostgreSQL database) starts `qorgau serve` and drives
# `POST /api/v1/applications` with wrk (bench/intake/applications.lua: four
# realistic applications in rotation) at 1, 16 and 64 connections, SECONDS
# (default 10) each, reporting throughput and p50/p99 latency; and in the same
# run measures the database's own ceiling at the same durability, one-row
# INSERT transactions at 1, 16 and 64 clients: pgbench for PostgreSQL (default
# synchronous_commit = on), and for SQLite one process per client through
# Python's sqlite3 module (WAL, synchronous = FULL, as the embedded store).
# Prints one table: intake beside the ceiling, the ratio, and how long
# Kazakhstan's 2021 volume (78,000 applications) takes at that rate. Then,
# per store, "popular keys": one client posting the same application for two
# windows, to show that an application's automatic links cost the same
# however many earlier cases share its keys.
# Not a test: figures go into BENCHMARKS.md by hand. Network: 127.0.0.1 only
# (and Debian's package mirror if wrk or pgbench is missing).
#
# PostgreSQL: QORGAU_BENCH_POSTGRES (default
# postgres://postgres@127.0.0.1:5432/postgres) names a maintenance database
# where the role may create databases; the benchmark's two databases are
# dropped at the end.
#
# A slower disk: QORGAU_BENCH_SYNC_DELAY_US=N makes every flush (fsync,
# fdatasync, syncfs) of Qorgau and of the SQLite ceiling take N µs longer
# (bench/intake/slow_sync.c, preloaded; the data still reaches the disk), as
# on a disk whose flushes cost what a network volume's or an SSD's without
# power-loss protection do. PostgreSQL then runs in a private cluster the
# script makes and starts (the installed server's initdb in the benchmark
# folder, as the postgres user when run as root), its processes preloaded
# with the same shim; QORGAU_BENCH_POSTGRES is not used.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${1:-10}"
SYNC_DELAY_US="${QORGAU_BENCH_SYNC_DELAY_US:-}"
PRELOAD=""
CONNECTIONS=(1 16 64)
KZ_2021=78000
ADMIN_URL="${QORGAU_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
# On disk, not tmpfs: fsync must cost what it costs.
WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/qorgau-intake.XXXXXX")"
SERVER_PID=""
DATABASES=()
RESULTS="$WORK/results.tsv"
ANSWERED=0

# The private PostgreSQL cluster with slowed flushes, when there is one.
PG_PRIVATE=""
PG_BIN=""
AS_POSTGRES=()

admin_psql() { psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 --dbname "$ADMIN_URL" "$@"; }
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  for database in "${DATABASES[@]}"; do
    admin_psql -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  if [ -n "$PG_PRIVATE" ] && [ -f "$PG_PRIVATE/data/postmaster.pid" ]; then
    "${AS_POSTGRES[@]}" "$PG_BIN/pg_ctl" -D "$PG_PRIVATE/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "$SYNC_DELAY_US" ]; then
  chmod 755 "$WORK"
  gcc -shared -fPIC -O2 -o "$WORK/slow_sync.so" bench/intake/slow_sync.c -ldl
  PRELOAD="$WORK/slow_sync.so"
  # The installed server in a cluster of its own, every process of it
  # preloaded with the shim (children inherit it from the postmaster).
  PG_BIN="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -1)"
  PG_PRIVATE="$WORK/postgres"
  mkdir -p "$PG_PRIVATE"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_PRIVATE"
    AS_POSTGRES=(runuser -u postgres --)
  fi
  PG_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "${AS_POSTGRES[@]}" "$PG_BIN/initdb" -D "$PG_PRIVATE/data" -A trust -U postgres >/dev/null
  "${AS_POSTGRES[@]}" env LD_PRELOAD="$PRELOAD" QORGAU_BENCH_SYNC_DELAY_US="$SYNC_DELAY_US" \
    "$PG_BIN/pg_ctl" -D "$PG_PRIVATE/data" -l "$PG_PRIVATE/log" -w \
    -o "-p $PG_PORT -k $PG_PRIVATE -c listen_addresses=127.0.0.1" start >/dev/null
  ADMIN_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
fi

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v pgbench >/dev/null || missing+=(postgresql-client)
command -v psql >/dev/null || missing+=(postgresql-client)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing ${missing[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The maintenance URL with another database name, and its parts for pgbench.
database_url() {
  python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(u.urlunparse(p._replace(path="/" + sys.argv[2])))' "$ADMIN_URL" "$1"
}
url_part() {
  python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print({"host": p.hostname or "127.0.0.1", "port": p.port or 5432, "user": p.username or "postgres"}[sys.argv[2]])' "$ADMIN_URL" "$1"
}

echo "== code: $(git rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout') $([ -n "$(git status --porcelain 2>/dev/null)" ] && echo '(with local changes)')"
echo "== machine"
echo "cores: $(nproc); cpu: $(lscpu | sed -n 's/^Model name: *//p' | sed -n 1p); memory: $(free -g | awk '/^Mem:/ {print $2}') GiB; kernel: $(uname -r)"
echo "benchmark folder: $WORK on $(df --output=source,fstype "$WORK" | tail -1 | tr -s ' ')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk --version 2>&1 | sed -n 1p || true
pgbench --version
admin_psql --tuples-only --no-align -c "SELECT version()"
echo "PostgreSQL: synchronous_commit=$(admin_psql -tAc 'SHOW synchronous_commit'), fsync=$(admin_psql -tAc 'SHOW fsync'), wal_sync_method=$(admin_psql -tAc 'SHOW wal_sync_method'), commit_delay=$(admin_psql -tAc 'SHOW commit_delay')"
python3 -c 'import sqlite3, sys; print(f"SQLite ceiling: Python {sys.version.split()[0]}, libsqlite3 {sqlite3.sqlite_version}")'

# Runs a command with the slowed flushes when asked for.
slowed() {
  if [ -n "$PRELOAD" ]; then
    LD_PRELOAD="$PRELOAD" QORGAU_BENCH_SYNC_DELAY_US="$SYNC_DELAY_US" "$@"
  else
    "$@"
  fi
}

# What one fdatasync of a small write costs here, in µs (the median of 200).
flush_cost() {
  slowed python3 - "$WORK" <<'PY'
import os, statistics, sys, tempfile, time
handle, path = tempfile.mkstemp(dir=sys.argv[1])
times = []
for _ in range(200):
    os.write(handle, b"x")
    began = time.monotonic()
    os.fdatasync(handle)
    times.append(time.monotonic() - began)
os.close(handle)
os.remove(path)
print(f"{statistics.median(times) * 1e6:.0f}")
PY
}

if [ -n "$SYNC_DELAY_US" ]; then
  echo "flushes: $(PRELOAD="" flush_cost) µs per fdatasync on this disk"
  echo "flushes slowed by $SYNC_DELAY_US µs: $(flush_cost) µs per fdatasync (Qorgau, the SQLite ceiling and a private PostgreSQL cluster on port $PG_PORT)"
else
  echo "flushes: $(flush_cost) µs per fdatasync on this disk"
fi

echo "== build (release)"
cargo build --release --quiet -p qorgau
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
# A private copy: another build in the shared target folder cannot swap the
# binary between the runs below.
cp "$TARGET_DIR/release/qorgau" "$WORK/qorgau"
QORGAU="$WORK/qorgau"
echo "binary: sha256 $(sha256sum "$QORGAU" | cut -c1-16)"

# ---------------------------------------------------------------------------
# Qorgau under wrk

# Intake alone: no evidence worker (QORGAU_JOBS=0). With it, every reported
# URL would be fetched from the Internet, and each capture appends to the same
# chain as intake does.
start_server() {
  # Through `env`, which becomes the server: `$!` must be its process, not a
  # shell's (a shell function in the background is a subshell).
  local preload=()
  if [ -n "$PRELOAD" ]; then
    preload=(LD_PRELOAD="$PRELOAD" QORGAU_BENCH_SYNC_DELAY_US="$SYNC_DELAY_US")
  fi
  env "${preload[@]}" QORGAU_LANG=en QORGAU_JOBS=0 "$QORGAU" "$@" serve --addr 127.0.0.1:0 \
    >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  ADDRESS=""
  for _ in $(seq 300); do
    ADDRESS="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/serve.log" | sed -n 1p || true)"
    [ -n "$ADDRESS" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ADDRESS" ]; then
    echo "qorgau serve did not start:"
    cat "$WORK/serve.log"
    exit 1
  fi
}

# SIGTERM: requests in flight finish, then the store is closed.
stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=""
}

# wrk's figures as "rate p50_ms p99_ms requests non2xx errors".
parse_wrk() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
requests = int(re.search(r"(\d+) requests in", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
errors = sum(map(int, errors.groups())) if errors else 0
print(f"{rate:.1f} {p50:.2f} {p99:.2f} {requests} {non2xx.group(1) if non2xx else 0} {errors}")
PY
}

# The instance's case writer, from /metrics: batches, writes, busy seconds.
writer_counters() {
  curl -s "$ADDRESS/metrics" | awk '/^qorgau_store_write_batches_total /{b=$2}
    /^qorgau_store_writes_total /{w=$2} /^qorgau_store_writer_busy_seconds_total /{s=$2}
    END {print b, w, s}'
}

# "N writes in M batches (B per batch), writer busy X % of the run" between
# two readings of writer_counters.
writer_summary() {
  python3 -c 'import sys
b0, w0, s0, b1, w1, s1, seconds = map(float, sys.argv[1:])
batches, writes = b1 - b0, w1 - w0
print(f"{writes:.0f} writes in {batches:.0f} batches ({writes / max(batches, 1):.1f} per batch), writer busy {100 * (s1 - s0) / seconds:.0f} % of the run")' "$@"
}

drive() {
  local store=$1
  ANSWERED=0
  # Warm up: the first connections, the page cache, the pools (recorded too).
  wrk -t2 -c16 -d2s -s bench/intake/applications.lua "$ADDRESS" >"$WORK/wrk-warm.txt"
  ANSWERED=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$WORK/wrk-warm.txt")
  for connections in "${CONNECTIONS[@]}"; do
    local threads=$((connections < 2 ? 1 : 2)) before after
    before=$(writer_counters)
    wrk -t"$threads" -c"$connections" -d"${DURATION}s" --timeout 10s --latency \
      -s bench/intake/applications.lua "$ADDRESS" >"$WORK/wrk-$store-$connections.txt"
    after=$(writer_counters)
    read -r rate p50 p99 requests non2xx errors < <(parse_wrk "$WORK/wrk-$store-$connections.txt")
    ANSWERED=$((ANSWERED + requests))
    echo "Qorgau on $store, $connections connections: $rate applications/s, p50 $p50 ms, p99 $p99 ms ($requests answered, $non2xx non-2xx, $errors socket errors)"
    # shellcheck disable=SC2086 # six numbers, split on purpose
    echo "  $(writer_summary $before $after "$DURATION")"
    printf 'intake\t%s\t%s\t%s\t%s\t%s\t%s\n' "$store" "$connections" "$rate" "$p50" "$p99" "$((non2xx + errors))" >>"$RESULTS"
  done
  popular_keys "$store"
}

# Popular keys: one client posts the same application — one child, one
# account, the same resources — for two windows of DURATION each. Every
# earlier copy shares all its keys, so each new case is linked to the most
# recent ones (at most 25 + 10 + 10: docs/linking.md); the lookup under the
# write lock reads only those, so the second window, with thousands more
# cases on the keys, must be as fast as the first. (Before 2026-12-08 it read
# every case naming a key: 600 copies took 2.75 ms each at first and 6.56 ms
# at the end.)
popular_keys() {
  local store=$1 window rate p50 p99 requests non2xx errors
  for window in 1 2; do
    QORGAU_BENCH_POPULAR=1 wrk -t1 -c1 -d"${DURATION}s" --timeout 10s --latency \
      -s bench/intake/applications.lua "$ADDRESS" >"$WORK/wrk-$store-popular-$window.txt"
    read -r rate p50 p99 requests non2xx errors < <(parse_wrk "$WORK/wrk-$store-popular-$window.txt")
    ANSWERED=$((ANSWERED + requests))
    echo "Qorgau on $store, popular keys, window $window: $rate applications/s, p50 $p50 ms, p99 $p99 ms ($requests answered, $non2xx non-2xx, $errors socket errors)"
    printf 'popular\t%s\t%s\t%s\t%s\t%s\t%s\n' "$store" "$window" "$rate" "$p50" "$p99" "$((non2xx + errors))" >>"$RESULTS"
  done
}

# The chain is intact and holds every answered application (two events each;
# a few more when wrk stopped mid-request after the server had committed).
verify_store() {
  local output entries
  output=$(QORGAU_LANG=en "$QORGAU" "$@" verify)
  echo "$output"
  entries=$(echo "$output" | sed -n 's/.*intact: \([0-9]*\) events.*/\1/p')
  if [ "$entries" -lt $((2 * ANSWERED)) ]; then
    echo "LOST: $ANSWERED applications answered, only $entries events recorded"
    exit 1
  fi
}

# ---------------------------------------------------------------------------
# The databases' ceilings

# SQLite: CLIENTS processes, each inserting one row per transaction
# (`BEGIN IMMEDIATE`, INSERT, COMMIT) for DURATION seconds into one WAL
# database with synchronous = FULL and a busy timeout, as the embedded store
# writes. Python's sqlite3 module
# (the system libsqlite3) times each insert to the microsecond.
sqlite_ceiling() {
  local clients=$1 folder="$WORK/sqlite-ceiling-$1"
  mkdir -p "$folder"
  slowed python3 - "$folder/ceiling.sqlite" "$clients" "$DURATION" >"$folder/result" <<'PY'
import multiprocessing, sqlite3, sys, time

path, clients, duration = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])

def connect():
    # WAL is a property of the file (set once, below); synchronous is per connection.
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    connection.execute("PRAGMA synchronous=FULL")
    return connection

def client(start, results):
    connection = connect()
    latencies = []
    while time.monotonic() < start:
        time.sleep(0.001)
    end = start + duration
    while True:
        began = time.monotonic()
        if began >= end:
            break
        # About the size of an application's first event, in a transaction
        # that takes the write lock first, as the store's (`BEGIN IMMEDIATE`;
        # a deferred one can fail at once with SQLITE_BUSY_SNAPSHOT).
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO ceiling (payload) VALUES (hex(randomblob(600)))")
        connection.execute("COMMIT")
        latencies.append(time.monotonic() - began)
    connection.close()
    results.put(latencies)

if __name__ == "__main__":
    connection = connect()
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE ceiling (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, "
                       "at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
    connection.close()
    results = multiprocessing.Queue()
    start = time.monotonic() + 0.5
    workers = [multiprocessing.Process(target=client, args=(start, results))
               for _ in range(clients)]
    for worker in workers:
        worker.start()
    # A client that failed puts nothing: give up after a generous wait, loudly.
    latencies = sorted(value for _ in workers
                       for value in results.get(timeout=duration + 60))
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            sys.exit(f"a client failed (exit {worker.exitcode})")
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print(f"{len(latencies) / duration:.1f} {pick(0.50):.2f} {pick(0.99):.2f} {len(latencies)}")
PY
  read -r rate p50 p99 rows <"$folder/result"
  echo "SQLite ceiling, $clients clients: $rate inserts/s, p50 $p50 ms, p99 $p99 ms ($rows rows)"
  printf 'ceiling\tsqlite\t%s\t%s\t%s\t%s\t0\n' "$clients" "$rate" "$p50" "$p99" >>"$RESULTS"
  rm -rf "$folder"
}

# PostgreSQL: pgbench, one INSERT per transaction, latencies from its
# per-transaction log.
pgbench_ceiling() {
  local database=$1 clients=$2
  local threads=$((clients < 2 ? 1 : 2))
  rm -f "$WORK"/pgbench-log*
  (cd "$WORK" && PGHOST="$(url_part host)" PGPORT="$(url_part port)" PGUSER="$(url_part user)" \
    pgbench --no-vacuum --file="$WORK/insert.sql" --client="$clients" --jobs="$threads" \
    --time="$DURATION" --log --log-prefix=pgbench-log "$database" >"$WORK/pgbench-$clients.txt" 2>&1)
  local rate
  rate=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench-$clients.txt" | sed -n 1p)
  # Each log line: client, transaction, latency (µs), script, epoch, µs.
  read -r p50 p99 < <(cat "$WORK"/pgbench-log* | python3 -c '
import sys
values = sorted(int(line.split()[2]) / 1000 for line in sys.stdin if line.strip())
pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
print(f"{pick(0.50):.2f} {pick(0.99):.2f}")')
  printf 'PostgreSQL ceiling, %s clients: %.1f transactions/s, p50 %s ms, p99 %s ms\n' "$clients" "$rate" "$p50" "$p99"
  printf 'ceiling\tpostgres\t%s\t%s\t%s\t%s\t0\n' "$clients" "$rate" "$p50" "$p99" >>"$RESULTS"
}

# ---------------------------------------------------------------------------

echo "== SQLite (the embedded store: WAL, synchronous = FULL)"
DATA="$WORK/sqlite-data"
QORGAU_LANG=en "$QORGAU" --data "$DATA" init
start_server --data "$DATA"
drive sqlite
stop_server
verify_store --data "$DATA"
rm -rf "$DATA"
for clients in "${CONNECTIONS[@]}"; do
  sqlite_ceiling "$clients"
done

echo "== PostgreSQL"
QORGAU_DB="qorgau_bench_$$"
CEILING_DB="qorgau_ceiling_$$"
DATABASES+=("$QORGAU_DB" "$CEILING_DB")
QORGAU_URL="$(database_url "$QORGAU_DB")"
# With PostgreSQL the log key and blobs default to the working folder: keep
# them in the benchmark's own folder, never in the source tree.
export QORGAU_LOG_KEY="$WORK/pg-log.key" QORGAU_BLOBS="$WORK/pg-blobs"
QORGAU_LANG=en "$QORGAU" --database-url "$QORGAU_URL" init
start_server --database-url "$QORGAU_URL"
drive postgres
stop_server
verify_store --database-url "$QORGAU_URL"
admin_psql -c "CREATE DATABASE \"$CEILING_DB\""
psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 --dbname "$(database_url "$CEILING_DB")" \
  -c "CREATE TABLE ceiling (id bigserial PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL DEFAULT now())"
# About the size of an application's first event; one transaction each.
echo "INSERT INTO ceiling (payload) VALUES (repeat(md5(random()::text), 38));" >"$WORK/insert.sql"
for clients in "${CONNECTIONS[@]}"; do
  pgbench_ceiling "$CEILING_DB" "$clients"
done

echo "== summary"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" "$KZ_2021" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
volume = int(sys.argv[2])
intake = {(r[1], r[2]): r for r in rows if r[0] == "intake"}
ceiling = {(r[1], r[2]): r for r in rows if r[0] == "ceiling"}
names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
print("| store | clients | Qorgau applications/s | p50 | p99 | failed | ceiling inserts/s | ceiling p50 | ceiling p99 | intake / ceiling | 78,000 applications in |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for (store, clients), row in intake.items():
    rate, p50, p99, failed = float(row[3]), row[4], row[5], row[6]
    limit = ceiling.get((store, clients))
    if limit:
        limit_rate = float(limit[3])
        limit_text = f"{limit_rate:,.0f} | {limit[4]} ms | {limit[5]} ms | {rate / limit_rate:.2f}"
    else:
        limit_text = "— | — | — | —"
    seconds = volume / rate if rate else float("inf")
    took = f"{seconds:,.0f} s" if seconds < 120 else f"{seconds / 60:,.1f} min"
    print(f"| {names[store]} | {clients} | {rate:,.0f} | {p50} ms | {p99} ms | {failed} | {limit_text} | {took} |")
popular = [r for r in rows if r[0] == "popular"]
if popular:
    print()
    print("Popular keys, one client (the same application again and again; the second window must be as fast as the first):")
    print()
    print("| store | window | applications/s | p50 | p99 | failed | window 2 / window 1 |")
    print("|---|---|---|---|---|---|---|")
    first = {r[1]: float(r[3]) for r in popular if r[2] == "1"}
    for r in popular:
        ratio = f"{float(r[3]) / first[r[1]]:.2f}" if r[2] == "2" and first.get(r[1]) else "—"
        print(f"| {names[r[1]]} | {r[2]} | {float(r[3]):,.0f} | {r[4]} ms | {r[5]} ms | {r[6]} | {ratio} |")
PY
