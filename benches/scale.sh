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

# Side by side with the Python pipeline (issue 14): the same four tables (visits, subjects,
# samples, ordination) from one load, each stage timed, the ratio of the wall times, and the
# agreement of every table (row counts, values, PCoA axes against the exact solution).
#   PY=/tmp/venv/bin/python benches/scale.sh   (a venv with pandas, scipy and scikit-bio)
py=${PY:-/tmp/skb/bin/python}
rm -rf "$work/four" "$work/python-four"
start=$(date +%s.%N)
"$bin" export "$work/demo" --table visits --table subjects --table samples --table ordination \
  --out "$work/four" --timings 2>&1 | grep '^stages' | sed 's/^/ours: /'
ours=$(echo "$(date +%s.%N) - $start" | bc)
echo "ours: four tables in ${ours} s (process wall time)"
if [ -x "$py" ]; then
  "$py" benches/python_baseline.py "$work/demo" "$work/python-four" "$work/four" 2> /dev/null > "$work/python.txt"
  head -1 "$work/python.txt" | sed 's/^/python: /'
  theirs=$(head -1 "$work/python.txt" | sed 's/.*total \([0-9.]*\) s.*/\1/')
  echo "python: ${theirs} s (its stages, imports included); ratio python / ours = $(echo "scale=1; $theirs / $ours" | bc)"
  tail -n +2 "$work/python.txt"
else
  echo "no Python at $py (PY=…): the comparison is skipped"
fi
