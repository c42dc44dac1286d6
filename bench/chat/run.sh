#!/usr/bin/env bash
# The chat import benchmark (issue 7), one command:
#   bench/chat/run.sh [MESSAGES] [RUNS]
# Builds release, generates a synthetic Telegram Desktop export of MESSAGES
# (default 1,000,000) messages with the crate's generator (invented senders and
# text, the shape of a real result.json), then, in the same run and on the
# same file, times `qorgau import chat --format telegram --json` and
# `jq -c '.messages[]' result.json > /dev/null` with /usr/bin/time -v (wall
# time and peak resident memory), RUNS times each (default 3), alternating,
# after one read to warm the page cache. Also times the preview with
# --signals (lexicons and doxxing detectors on every message), for reference.
# Checks that Qorgau accounted for every message (read + skipped = MESSAGES).
# Not a test: the figures go into BENCHMARKS.md by hand. No network.
set -euo pipefail
cd "$(dirname "$0")/../.."

MESSAGES="${1:-1000000}"
RUNS="${2:-3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v jq >/dev/null || { echo "jq is required (apt-get install jq)"; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is required (apt-get install time)"; exit 1; }

echo "== machine"
echo "cores: $(nproc); cpu: $(lscpu | sed -n 's/^Model name: *//p' | sed -n 1p); memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
jq --version

echo "== build (release)"
cargo build --release --quiet -p qorgau
cargo build --release --quiet -p qorgau-chat --example generate-telegram-export
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
QORGAU="$TARGET_DIR/release/qorgau"
GENERATE="$TARGET_DIR/release/examples/generate-telegram-export"

echo "== generate: $MESSAGES messages"
EXPORT="$WORK/result.json"
"$GENERATE" "$EXPORT" "$MESSAGES"
echo "result.json: $(du -m "$EXPORT" | cut -f1) MiB ($(stat -c %s "$EXPORT") bytes)"
cat "$EXPORT" > /dev/null # warm the page cache for both tools

# measure NAME COMMAND...: runs under /usr/bin/time -v, stdout to $WORK/NAME.out;
# prints "seconds peak_MiB".
measure() {
  local name="$1"
  shift
  /usr/bin/time -v "$@" > "$WORK/$name.out" 2> "$WORK/$name.time"
  local wall peak
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/$name.time")
  peak=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/$name.time")
  python3 -c '
import sys
parts = [float(p) for p in sys.argv[1].split(":")]
seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
print(f"{seconds:.2f} {int(sys.argv[2]) / 1024:.1f}")' "$wall" "$peak"
}

printf '%-5s %-34s %10s %12s\n' "run" "command" "seconds" "peak MiB"
for run in $(seq "$RUNS"); do
  read -r q_seconds q_peak < <(measure qorgau "$QORGAU" import chat "$EXPORT" --format telegram --json)
  read -r j_seconds j_peak < <(measure jq jq -c '.messages[]' "$EXPORT")
  printf '%-5s %-34s %10s %12s\n' "$run" "qorgau import chat --json" "$q_seconds" "$q_peak"
  printf '%-5s %-34s %10s %12s\n' "$run" "jq -c '.messages[]'" "$j_seconds" "$j_peak"
  python3 -c 'import sys; print(f"      qorgau is {float(sys.argv[2]) / float(sys.argv[1]):.1f}x faster than jq, at {float(sys.argv[4]) / float(sys.argv[3]) * 100:.1f}% of its memory")' \
    "$q_seconds" "$j_seconds" "$j_peak" "$q_peak"
done
read -r s_seconds s_peak < <(measure signals "$QORGAU" import chat "$EXPORT" --format telegram --json --signals)
printf '%-5s %-34s %10s %12s\n' "-" "qorgau import chat --json --signals" "$s_seconds" "$s_peak"

echo "== check"
python3 - "$WORK/qorgau.out" "$MESSAGES" <<'EOF'
import json, sys
preview = json.load(open(sys.argv[1]))
total = preview["messages"] + preview["skipped"]
print(f'messages {preview["messages"]}, skipped {preview["skipped"]} (service records), '
      f'{len(preview["senders"])} senders, {preview["first_at"]} .. {preview["last_at"]}')
assert total == int(sys.argv[2]), f"read + skipped = {total}, expected {sys.argv[2]}"
print("every message accounted for")
EOF
