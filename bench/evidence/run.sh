#!/usr/bin/env bash
# The evidence benchmark (issue 4), one command:
#   bench/evidence/run.sh [PAGES]
# Builds release, starts a local keep-alive HTTP server with PAGES (default
# 1000) distinct pages, captures them all with Qorgau's capturer into WARC and,
# in the same run, with Debian's `wget --warc-file` on the same URLs; reports
# pages/s for both and the ratio, validates Qorgau's WARC with `warcio check`,
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

# Warm the page cache and the server once, so neither tool pays for it.
"$BENCH" capture "$WORK/urls.txt" "$WORK/warm" "$WORK/warm.warc.gz" "$NOW" 4 >/dev/null

echo "== wget --warc-file (sequential, one keep-alive connection)"
start=$(date +%s.%N)
wget --quiet --input-file="$WORK/urls.txt" --directory-prefix="$WORK/wget-files" \
  --warc-file="$WORK/wget" --no-warc-keep-log
end=$(date +%s.%N)
WGET_SECONDS=$(seconds "$start" "$end")
WGET_RATE=$(rate "$PAGES" "$WGET_SECONDS")
echo "wget: $PAGES pages in $WGET_SECONDS s = $WGET_RATE pages/s ($(du -h "$WORK/wget.warc.gz" | cut -f1) WARC)"

run_qorgau() {
  local concurrency=$1 store=$2 out=$3
  rm -rf "$store"
  # The program times the captures itself (from the first request to the
  # last blob on disk) and then, untimed, concatenates the WARC files for
  # warcio; wget is timed from the shell, process start included.
  local report
  report=$("$BENCH" capture "$WORK/urls.txt" "$store" "$out" "$NOW" "$concurrency")
  rm -rf "$store"
  echo "$report" | sed -n 's/.* in \([0-9.]*\) s .*/\1/p'
}

# The blob store always group-commits: captures in flight together share
# one syncfs for their files and one for their renames (crates/qorgau-evidence/src/cas/group.rs).
echo "== qorgau capturer (each page: SSRF checks, WARC, fingerprint, SHA-256, atomic durable blob; concurrent blobs share syncs)"
Q1_SECONDS=$(run_qorgau 1 "$WORK/store-1" "$WORK/qorgau-1.warc.gz")
Q1_RATE=$(rate "$PAGES" "$Q1_SECONDS")
echo "qorgau, sequential: $PAGES pages in $Q1_SECONDS s = $Q1_RATE pages/s"
Q32_SECONDS=$(run_qorgau 32 "$WORK/store-32" "$WORK/qorgau-32.warc.gz")
Q32_RATE=$(rate "$PAGES" "$Q32_SECONDS")
echo "qorgau, 32 at a time: $PAGES pages in $Q32_SECONDS s = $Q32_RATE pages/s"
echo "ratio qorgau/wget: sequential $(rate "$Q1_RATE" "$WGET_RATE")x, 32 at a time $(rate "$Q32_RATE" "$WGET_RATE")x"
if [ -d /dev/shm ]; then
  # The same with the blob store on tmpfs, where syncing costs nothing: how
  # much of the time is the durability of each blob.
  SHM="$(mktemp -d /dev/shm/qorgau-bench.XXXXXX)"
  T1_SECONDS=$(run_qorgau 1 "$SHM/store-1" "$WORK/shm-1.warc.gz")
  T32_SECONDS=$(run_qorgau 32 "$SHM/store-32" "$WORK/shm-32.warc.gz")
  rm -rf "$SHM"
  echo "qorgau, blob store on tmpfs (no fsync cost): sequential $(rate "$PAGES" "$T1_SECONDS") pages/s ($(rate "$(rate "$PAGES" "$T1_SECONDS")" "$WGET_RATE")x wget), 32 at a time $(rate "$PAGES" "$T32_SECONDS") pages/s ($(rate "$(rate "$PAGES" "$T32_SECONDS")" "$WGET_RATE")x wget)"
fi

echo "== warcio check (Qorgau's WARC: $PAGES captures, $(du -h "$WORK/qorgau-1.warc.gz" | cut -f1))"
"$VENV/bin/warcio" check "$WORK/qorgau-1.warc.gz" "$WORK/qorgau-32.warc.gz"
RECORDS=$("$VENV/bin/warcio" index "$WORK/qorgau-1.warc.gz" | wc -l)
echo "warcio check: valid ($RECORDS records in the sequential run's file)"
"$VENV/bin/warcio" check "$WORK/wget.warc.gz" && echo "warcio check of wget's WARC: valid"

echo "== transparency log"
"$BENCH" log 1000000 10000
