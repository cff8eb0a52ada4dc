#!/usr/bin/env bash
# Scale benchmark (DESIGN.md §6): 10,000 subjects × ~12 visits, 5,000 samples × 2,000 features.
# Times `summary`, `check` (clean and --messy), each `export` table and a 5,000-sample
# Bray-Curtis PCoA with /usr/bin/time
# (wall time and peak resident memory), on a release build.
#   benches/scale.sh [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/cohort-bench}
bin=target/release/cohort-explorer
cargo build --release --quiet
if [ ! -f "$work/demo/visits.csv" ]; then
  "$bin" demo --out "$work/demo" --subjects 10000 --samples 5000 --features 2000
fi
du -sh "$work/demo"
measure() {
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" "$@" > /dev/null
}
measure "summary" "$bin" summary "$work/demo"
measure "check" "$bin" check "$work/demo"
if [ ! -f "$work/messy/visits.csv" ]; then
  "$bin" demo --out "$work/messy" --subjects 10000 --samples 5000 --features 2000 --messy > /dev/null
fi
# Exit 1 is expected: the messy cohort has errors.
measure "check --messy" "$bin" check "$work/messy" --format html --out "$work/messy-report.html" || true
for t in visits subjects samples distances ordination; do
  ext=csv; [ "$t" = distances ] && ext=tsv
  measure "export $t" "$bin" export "$work/demo" --table "$t" --out "$work/$t.$ext"
done
