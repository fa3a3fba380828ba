#!/usr/bin/env bash
# Interpreter speed of `sfs` against CPython on the same machine, in one run.
# Usage: Scripts/bench-language.sh [repeats]   (builds sfs in release mode first)
# Prints, per program, the best-of-N CPU time (CLOCK=wall: wall time) of each and the ratio CPython/sfs
# (≥ 1.0 means sfs is at least as fast as CPython).
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-3}"
# The interpreter binary itself: a pyenv/asdf shim is a shell script whose own start-up would count as CPython's.
python="${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}"
sfs="${SFS:-.build/release/sfs}"
[ -n "${SFS:-}" ] || swift build -c release --product sfs >/dev/null

# CPU time (user + sys) by default: stable on a loaded machine. CLOCK=wall measures wall time.
clock="${CLOCK:-cpu}"
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT
best_time() { # command... → best seconds over $repeats runs
    local best=""
    for _ in $(seq "$repeats"); do
        local t
        if [ "$clock" = cpu ]; then
            # -o: the report must not go to the command's (discarded) standard error.
            /usr/bin/time -o "$timing" -f "%U %S" "$@" >/dev/null 2>/dev/null
            t=$(tail -1 "$timing" | awk '{print $1 + $2}')
        else
            local start end
            start=$(date +%s.%N)
            "$@" >/dev/null
            end=$(date +%s.%N)
            t=$(echo "$end - $start" | bc -l)
        fi
        if [ -z "$best" ] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
    done
    printf "%.3f" "$best"
}

echo "$($python --version) vs sfs (best of $repeats, $clock time)"
printf "%-16s %10s %10s %8s\n" program python_s sfs_s ratio
for f in Scripts/bench/language/*.sfs; do
    name=$(basename "$f" .sfs)
    # Same output from both, or the comparison is meaningless.
    if [ "$($python "$f")" != "$($sfs "$f")" ]; then echo "$name: outputs differ" >&2; exit 1; fi
    tp=$(best_time "$python" "$f")
    ts=$(best_time "$sfs" "$f")
    printf "%-16s %10s %10s %7.2fx\n" "$name" "$tp" "$ts" "$(echo "$tp / $ts" | bc -l)"
done
# Start-up: median wall time of 21 runs of `-c "1"` for both (target: sfs ≤ 30 ms).
startup_median() { # command... → median milliseconds over 21 runs
    local times=()
    for _ in $(seq 21); do
        local s e
        s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
        times+=($(( (e - s) / 1000000 )))
    done
    printf "%s\n" "${times[@]}" | sort -n | sed -n 11p
}
echo "start-up (median of 21, wall): sfs -c \"1\" $(startup_median "$sfs" -c "1") ms, python -c \"1\" $(startup_median "$python" -c "1") ms"
