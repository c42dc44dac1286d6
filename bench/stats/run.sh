#!/usr/bin/env bash
# The statistics benchmark (issue 8): one million generated cases in an
# embedded store's statistics read model, then, in the same run and on the
# same file, the half-year transparency report (`qorgau report --period
# 2025-H1 --format json`) beside the equivalent aggregation as one SQL query
# in the sqlite3 shell (bench/stats/half-year.sql). Figures: BENCHMARKS.md.
#
#   bench/stats/run.sh [CASES]        (default 1000000)
set -euo pipefail

cases=${1:-1000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/qorgau/target}
export QORGAU_TEST_NOW=2026-01-15T12:00:00+05:00   # the report's "now": H1 2025 closed
runs=5

if ! command -v sqlite3 >/dev/null; then
    echo "installing Debian's sqlite3 shell" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y sqlite3; else sudo apt-get install -y sqlite3; fi
fi

cd "$root"
cargo build --release -q -p qorgau
cargo build --release -q -p qorgau-store --example generate-stats-cases
qorgau="$CARGO_TARGET_DIR/release/qorgau"
generate="$CARGO_TARGET_DIR/release/examples/generate-stats-cases"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$qorgau" --data "$work" init >/dev/null
start=$(date +%s.%N)
"$generate" "$work" "$cases" 2025
end=$(date +%s.%N)
printf 'generated in %.1f s; database %s\n' "$(echo "$end - $start" | bc)" \
    "$(du -h "$work/qorgau.sqlite" | cut -f1)"

# Seconds of each of $runs runs of a command (after one warm-up run), then
# the median.
measure() {
    local label=$1; shift
    "$@" >/dev/null
    local times=()
    for _ in $(seq "$runs"); do
        local t0 t1
        t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc)")
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    printf '%-34s median %.3f s   runs: %s\n' "$label" "$median" "${times[*]}"
}

measure "qorgau report --period 2025-H1" \
    "$qorgau" --data "$work" report --period 2025-H1 --format json
measure "sqlite3 half-year.sql" \
    sqlite3 "$work/qorgau.sqlite" ".read $root/bench/stats/half-year.sql"

echo "--- the report's applications, outcomes and quantiles (hours) beside the query's (ms), for the eye:"
"$qorgau" --data "$work" report --period 2025-H1 --format csv \
    | grep -E '^(applications|outcomes),|,(median|p90),' | sed -n 1,16p
sqlite3 "$work/qorgau.sqlite" ".read $root/bench/stats/half-year.sql" | grep -E '^(outcome|time_to_)' 
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
