#!/usr/bin/env bash
# The evidence benchmark (issue 4), one command:
#   bench/evidence/run.sh [PAGES]
# Builds release, starts a local keep-alive HTTP server with PAGES (default
# 1000) distinct pages, captures them all with Qorgau's capturer into WARC and,
# in the same run, with Debian's `wget --warc-file` on the same URLs, the
# tools taking turns for ROUNDS (default 3) rounds; reports pages/s for both
# per round, the medians and their ratio, validates every WARC with `warcio check`,
# then measures the transparency log: append rate and proof generation at
# 1,000,000 leaves. Not a test: figures go into BENCHMARKS.md by hand.
# Network: 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."

PAGES="${1:-1000}"
VENV="$HOME/.cache/qorgau/venv"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wget >/dev/null || { echo "wget is required (apt-get install wget)"; exit 1; }
if [ ! -x "$VENV/bin/warcio" ]; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check warcio
fi

echo "== machine"
echo "cores: $(nproc); cpu: $(lscpu | sed -n 's/^Model name: *//p' | sed -n 1p)"
wget --version | sed -n 1p
echo "warcio $("$VENV/bin/warcio" --version 2>&1 | tail -1)"

echo "== build (release)"
cargo build --release --quiet -p qorgau-evidence --example evidence-bench
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
BENCH="$TARGET_DIR/release/examples/evidence-bench"

echo "== server: $PAGES pages on 127.0.0.1"
"$BENCH" serve "$WORK/port" "$PAGES" &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
PORT="$(cat "$WORK/port")"
for number in $(seq 0 $((PAGES - 1))); do echo "http://127.0.0.1:$PORT/page/$number"; done > "$WORK/urls.txt"
NOW="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
rate() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$1" "$2"; }
median() { python3 -c "import statistics, sys; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.1f}')" "$@"; }

# Warm the page cache and the server once, so neither tool pays for it.
"$BENCH" capture "$WORK/urls.txt" "$WORK/warm" "$WORK/warm.warc.gz" "$NOW" 4 >/dev/null

# Both tools create about a thousand files per run. Two things on ext4 made
# one tool's figure depend on the other's run, and are kept out:
# - nothing is deleted until the script ends: ext4 skips inodes deleted in the
#   last half minute or so when it allocates new ones (`recently_deleted`),
#   which made the next run's file creation up to a third slower;
# - `sync` before every timed run: wget writes without syncing, and Qorgau's
#   group commit syncs the file system, so it would otherwise write back
#   wget's pages too.
# The figures still move by tens of percent between runs on a shared virtual
# disk, so the tools take turns for ROUNDS rounds and the medians are compared.
ROUNDS="${ROUNDS:-3}"

run_wget() {
  local round=$1 start end
  sync
  start=$(date +%s.%N)
  wget --quiet --input-file="$WORK/urls.txt" --directory-prefix="$WORK/wget-files-$round" \
    --warc-file="$WORK/wget-$round" --no-warc-keep-log
  end=$(date +%s.%N)
  rate "$PAGES" "$(seconds "$start" "$end")"
}

run_qorgau() {
  local concurrency=$1 store=$2 out=$3
  sync
  # The program times the captures itself (from the first request to the
  # last blob on disk) and then, untimed, concatenates the WARC files for
  # warcio; wget is timed from the shell, process start included.
  "$BENCH" capture "$WORK/urls.txt" "$store" "$out" "$NOW" "$concurrency" \
    | sed -n 's/.*(\([0-9.]*\) pages\/s.*/\1/p'
}

# The blob store always group-commits: captures in flight together share
# one syncfs for their files and one for their renames (crates/qorgau-evidence/src/cas/group.rs).
echo "== $ROUNDS rounds: wget --warc-file (sequential, one keep-alive connection), then Qorgau's capturer"
echo "   (each page: SSRF checks, WARC, fingerprint, SHA-256, atomic durable blob; concurrent blobs share syncs)"
WGET_RATES=() Q1_RATES=() Q32_RATES=()
for round in $(seq 1 "$ROUNDS"); do
  WGET_RATES+=("$(run_wget "$round")")
  Q1_RATES+=("$(run_qorgau 1 "$WORK/store-1-$round" "$WORK/qorgau-1-$round.warc.gz")")
  Q32_RATES+=("$(run_qorgau 32 "$WORK/store-32-$round" "$WORK/qorgau-32-$round.warc.gz")")
  echo "round $round: wget ${WGET_RATES[-1]} pages/s; qorgau sequential ${Q1_RATES[-1]} pages/s, 32 at a time ${Q32_RATES[-1]} pages/s"
done
WGET_RATE=$(median "${WGET_RATES[@]}")
Q1_RATE=$(median "${Q1_RATES[@]}")
Q32_RATE=$(median "${Q32_RATES[@]}")
echo "wget: median $WGET_RATE pages/s ($(du -h "$WORK/wget-1.warc.gz" | cut -f1) WARC)"
echo "qorgau, sequential: median $Q1_RATE pages/s"
echo "qorgau, 32 at a time: median $Q32_RATE pages/s"
echo "ratio qorgau/wget (medians): sequential $(rate "$Q1_RATE" "$WGET_RATE")x, 32 at a time $(rate "$Q32_RATE" "$WGET_RATE")x"
if [ -d /dev/shm ]; then
  # The same with the blob store on tmpfs, where syncing costs nothing: how
  # much of the time is the durability of each blob.
  SHM="$(mktemp -d /dev/shm/qorgau-bench.XXXXXX)"
  T1_RATE=$(run_qorgau 1 "$SHM/store-1" "$WORK/shm-1.warc.gz")
  T32_RATE=$(run_qorgau 32 "$SHM/store-32" "$WORK/shm-32.warc.gz")
  rm -rf "$SHM"
  echo "qorgau, blob store on tmpfs (no fsync cost): sequential $T1_RATE pages/s ($(rate "$T1_RATE" "$WGET_RATE")x wget's median), 32 at a time $T32_RATE pages/s ($(rate "$T32_RATE" "$WGET_RATE")x)"
fi

echo "== warcio check (Qorgau's WARC: $PAGES captures, $(du -h "$WORK/qorgau-1-1.warc.gz" | cut -f1))"
"$VENV/bin/warcio" check "$WORK"/qorgau-*.warc.gz
RECORDS=$("$VENV/bin/warcio" index "$WORK/qorgau-1-1.warc.gz" | wc -l)
echo "warcio check: valid, every run's file ($RECORDS records in each)"
"$VENV/bin/warcio" check "$WORK"/wget-*.warc.gz && echo "warcio check of wget's WARC files: valid"

echo "== transparency log"
"$BENCH" log 1000000 10000
