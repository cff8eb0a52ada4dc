#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz build: cargo-afl instruments every crate, which gives a coverage
# map of ~2 million edges (polars, arrow, …) that AFL++ clears and scans on every execution.
# Only our own crates (the library and the target) keep the coverage and debug-assertion flags,
# so the map holds the edges of the code being tested and the fuzzer runs several times faster.
rustc="$1"
shift
args=("$@")
crate=""
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[i]}" == "--crate-name" ]] && crate="${args[i + 1]}"
done
case "$crate" in
  cohort_explorer | load)
    # Our crates: every edge, but blocks that others dominate are not instrumented twice.
    exec "$rustc" "${args[@]/llvm-args=-sanitizer-coverage-prune-blocks=0/llvm-args=-sanitizer-coverage-prune-blocks=1}"
    ;;
esac
kept=()
for ((i = 0; i < ${#args[@]}; i++)); do
  a="${args[i]}"
  if [[ "$a" == "-C" ]]; then
    case "${args[i + 1]}" in
      passes=sancov* | llvm-args=-sanitizer-coverage* | debug-assertions | overflow_checks)
        i=$((i + 1))
        continue
        ;;
    esac
  fi
  kept+=("$a")
done
exec "$rustc" "${kept[@]}"
