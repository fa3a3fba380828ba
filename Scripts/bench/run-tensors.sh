#!/usr/bin/env bash
# Runs the tensor benchmarks of Swiftformers and PyTorch side by side in one run, at the same thread
# count, and prints one table with the ratio (ours / PyTorch throughput; > 1 means we are faster).
#
#   Scripts/bench/run-tensors.sh [--threads N] [--only gemm,conv,sdpa] [--rounds R] [--clock wall|cpu]
#
# --clock cpu times the calling thread's CPU time on both sides; use it with --threads 1 on a busy,
# shared machine, where wall-clock ratios mostly measure the other load.
#
# Both sides use the same protocol (warm-up, ≥ 5 runs and ≥ 0.3 s, best run). The machine is shared,
# so the two programs alternate for R rounds (default 2) and each row keeps its best result.
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=2
ONLY=""
ROUNDS=2
CLOCK=wall
while [[ $# -gt 0 ]]; do
    case "$1" in
        --threads) THREADS="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --clock) CLOCK="$2"; shift 2 ;;
        *) echo "usage: $0 [--threads N] [--only gemm,conv,sdpa] [--rounds R] [--clock wall|cpu]" >&2; exit 2 ;;
    esac
done
PYTHON="${PYTHON:-$HOME/.reference-venv/bin/python}"
# SFS_BENCH=path/to/sfs-bench uses an existing build (e.g. a debug build, whose Tensors target is -O too).
BENCH="${SFS_BENCH:-.build/release/sfs-bench}"
if [[ -z "${SFS_BENCH:-}" ]]; then swift build -c release --product sfs-bench >&2; fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
SUITES="${ONLY:-gemm,conv,sdpa}"
for round in $(seq 1 "$ROUNDS"); do
    "$BENCH" tensors --json --threads "$THREADS" --clock "$CLOCK" ${ONLY:+--only "$ONLY"} >> "$OUT/swift.jsonl"
    for suite in ${SUITES//,/ }; do
        if [[ -f "Scripts/bench/$suite.py" ]]; then
            "$PYTHON" "Scripts/bench/$suite.py" --threads "$THREADS" --clock "$CLOCK" >> "$OUT/torch.jsonl"
        fi
    done
done
"$PYTHON" - "$OUT/swift.jsonl" "$OUT/torch.jsonl" <<'PY'
import json, sys

def load(path):
    rows, info = {}, []
    for line in open(path):
        record = json.loads(line)
        if "info" in record:
            info.append(record["info"])
            continue
        key = (record["suite"], record["name"])
        if key not in rows or record["ms"] < rows[key]["ms"]:
            rows[key] = record
    return rows, info

ours, our_info = load(sys.argv[1])
theirs, their_info = load(sys.argv[2])
print("# ours:    " + our_info[0])
print("# PyTorch: " + (their_info[0] if their_info else "not run"))
print("# ratio = PyTorch time / our time (> 1: we are faster); best of all rounds on each side")
print(f"{'suite':8} {'case':34} {'ours ms':>10} {'torch ms':>10} {'ours':>16} {'torch':>16} {'ratio':>7}")
for key, mine in ours.items():
    ref = theirs.get(key)
    rate = lambda r: f"{r['rate']:.1f} {r['unit']}" if r and r.get("rate") is not None else ""
    ratio = f"{ref['ms'] / mine['ms']:.2f}" if ref else "—"
    print(f"{key[0]:8} {key[1]:34} {mine['ms']:10.3f} {ref['ms'] if ref else float('nan'):10.3f} "
          f"{rate(mine):>16} {rate(ref):>16} {ratio:>7}")
PY
