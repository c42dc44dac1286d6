#!/usr/bin/env bash
# The documents benchmark (issue 5), one command:
#   bench/documents/run.sh [RENDERS]
# Builds release, then renders the test fixture's order (bilingual, Kazakh and
# Russian: templates → markup → text + HTML + PDF with subset fonts) RENDERS
# times (default 200) in one process and prints the median, for a usual order
# (4 URLs) and a large one (200 URLs). For scale, times `pdftotext` reading the
# same PDF back (median of 21 runs, a process start included), and checks the
# median render against the limit of 50 ms per document.
# Not a test: the figures go into BENCHMARKS.md by hand. No network.
set -euo pipefail
cd "$(dirname "$0")/../.."

RENDERS="${1:-200}"
LIMIT_MS=50
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v pdftotext >/dev/null || { echo "pdftotext is required (apt-get install poppler-utils)"; exit 1; }

echo "== machine"
echo "cores: $(nproc); cpu: $(lscpu | sed -n 's/^Model name: *//p' | sed -n 1p); memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
pdftotext -v 2>&1 | sed -n 1p

echo "== build (release)"
cargo build --release --quiet -p qorgau-documents --example render-order
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
RENDER="$TARGET_DIR/release/examples/render-order"

# pdftotext_median FILE: the median wall time of 21 `pdftotext FILE -` runs, in ms.
pdftotext_median() {
  python3 - "$1" <<'PY'
import statistics, subprocess, sys, time
times = []
for _ in range(21):
    started = time.perf_counter()
    subprocess.run(["pdftotext", sys.argv[1], "-"], check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - started) * 1000)
print(f"{statistics.median(times):.3f}")
PY
}

status=0
for URLS in 4 200; do
  echo "== order with $URLS URLs, $RENDERS renders"
  PDF="$WORK/order-$URLS.pdf"
  RESULT="$("$RENDER" --renders "$RENDERS" --urls "$URLS" --out "$PDF")"
  echo "$RESULT"
  MEDIAN="$(sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p' <<<"$RESULT")"
  PAGES="$(pdfinfo "$PDF" 2>/dev/null | sed -n 's/^Pages: *//p')"
  READBACK="$(pdftotext_median "$PDF")"
  echo "pages=$PAGES pdftotext_median_ms=$READBACK"
  if python3 -c "import sys; sys.exit(0 if float('$MEDIAN') <= $LIMIT_MS else 1)"; then
    echo "median render ${MEDIAN} ms <= ${LIMIT_MS} ms: ok"
  else
    echo "median render ${MEDIAN} ms > ${LIMIT_MS} ms: over the limit"
    status=1
  fi
done
exit "$status"
