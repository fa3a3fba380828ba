#!/usr/bin/env bash
# Interpreter speed of `sfs` against CPython on the same machine, in one run.
# Usage: Scripts/bench-language.sh [repeats]   (builds sfs in release mode first)
# Prints, per program, the best-of-N wall time of each and the ratio CPython/sfs
# (≥ 1.0 means sfs is at least as fast as CPython).
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-3}"
python="${PYTHON:-python3}"
swift build -c release --product sfs >/dev/null
sfs=".build/release/sfs"

best_time() { # command... → best wall seconds over $repeats runs
    local best=""
    for _ in $(seq "$repeats"); do
        local start end t
        start=$(date +%s.%N)
        "$@" >/dev/null
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc -l)
        if [ -z "$best" ] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
    done
    printf "%.3f" "$best"
}

echo "$($python --version) vs sfs (best of $repeats)"
printf "%-16s %10s %10s %8s\n" program python_s sfs_s ratio
for f in Scripts/bench/language/*.sfs; do
    name=$(basename "$f" .sfs)
    # Same output from both, or the comparison is meaningless.
    if [ "$($python "$f")" != "$($sfs "$f")" ]; then echo "$name: outputs differ" >&2; exit 1; fi
    tp=$(best_time "$python" "$f")
    ts=$(best_time "$sfs" "$f")
    printf "%-16s %10s %10s %7.2fx\n" "$name" "$tp" "$ts" "$(echo "$tp / $ts" | bc -l)"
done
start_best=""
for _ in $(seq 10); do
    s=$(date +%s%N); "$sfs" -c "1"; e=$(date +%s%N)
    t=$(( (e - s) / 1000000 ))
    if [ -z "$start_best" ] || [ "$t" -lt "$start_best" ]; then start_best=$t; fi
done
echo "start-up: sfs -c \"1\" best of 10: ${start_best} ms"
