#!/usr/bin/env bash
# Build the seed corpus in fuzz/seeds/: every fixture under tests/fixtures/ and the
# moving-pictures files (when ../shared is beside the repo), each prefixed with the byte that
# names it as the fuzz entry expects (fuzz_targets/entry.rs: 0 .csv, 1 .tsv, 2 .biom, 3 .qza,
# 4 .xlsx, 5 anything else). Files over 40 kB are left out: AFL++ mutates small inputs faster,
# and the small fixtures cover every layout (table_biom2*.biom is the HDF5 one).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="$here/seeds"
rm -rf "$out"
mkdir -p "$out"
n=0
while IFS= read -r -d '' f; do
  case "${f##*.}" in
    csv) b='\x00' ;; tsv) b='\x01' ;; biom) b='\x02' ;; qza|qzv|zip) b='\x03' ;; xlsx) b='\x04' ;; *) b='\x05' ;;
  esac
  n=$((n + 1))
  # Seeds from ../shared are marked `mp-`: corpus.py keeps nothing that descends from them, so
  # no copy of the shared data lands in the repository.
  case "$f" in */shared/*) mark="mp-" ;; *) mark="" ;; esac
  { printf "$b"; cat "$f"; } > "$out/$(printf '%03d' "$n")-$mark$(basename "$f")"
done < <(find "$root/tests/fixtures" "$root/../shared/fixtures/moving-pictures" -maxdepth 3 -type f \
           -size -40k ! -name '*.py' ! -name '*.sh' ! -name '*.md' ! -name '*.nwk' ! -name 'LICENSE*' -print0 2>/dev/null | sort -z)
echo "$n seeds in $out"
