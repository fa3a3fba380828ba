#!/usr/bin/env bash
# Every side-by-side benchmark of the issues, one after the other, on one machine: ours (release sfs-bench / sfs)
# and the reference (PyTorch / CPython / llama.cpp when LLAMA_BENCH points at llama-bench). Run it on a quiet
# machine; each suite's output goes to $OUT/<suite>.txt and is echoed.
#
#   Scripts/bench/all.sh [suite ...]     suites: tensors1 tensors2 ops encoders generation gguf vision swin2sr language
#
# Needs ~/.reference-venv (see README), for gguf the SmolLM2 GGUF from Scripts/get-models (and LLAMA_BENCH, a
# llama-bench built outside the repository as docs/GGUF.md says), for vision the wheels of Scripts/bench/vision.py.
set -uo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-$HOME/.reference-venv/bin/python}"
OUT="${OUT:-/tmp/sfs-bench-all}"
mkdir -p "$OUT"
swift build -c release --product sfs-bench >&2 && swift build -c release --product sfs >&2 || exit 1
BENCH=.build/release/sfs-bench
GGUF="${GGUF:-$(find "${HF_HUB_CACHE:-$HOME/.cache/huggingface/hub}" -name 'SmolLM2-135M-Instruct.Q4_1.gguf' 2>/dev/null | head -1)}"
suites=("$@")
[[ ${#suites[@]} -gt 0 ]] || suites=(tensors1 tensors2 ops encoders generation gguf vision swin2sr language)

run_suite() {
    case "$1" in
    tensors1) SFS_BENCH=$BENCH Scripts/bench/run-tensors.sh --threads 1 --clock cpu --rounds 2 ;;
    tensors2) SFS_BENCH=$BENCH Scripts/bench/run-tensors.sh --threads 2 --rounds 3 ;;
    ops)
        for threads in 1 2; do
            $BENCH ops --threads $threads --clock cpu > "$OUT/ops-$threads.json"
            "$PY" -P Scripts/bench/tensor_ops.py --threads $threads --clock cpu --swift "$OUT/ops-$threads.json"
        done ;;
    encoders)
        for round in 1 2; do
            echo "# round $round: PyTorch"; "$PY" -P Scripts/bench/encoders.py --threads 2
            echo "# round $round: ours"; $BENCH encoders --threads 2
        done ;;
    generation)
        echo "# PyTorch"; "$PY" -P Scripts/bench/generation.py
        echo "# ours"; $BENCH generation ;;
    gguf)
        [[ -n "$GGUF" ]] || { echo "no SmolLM2 GGUF (Scripts/get-models)"; return; }
        Scripts/bench/gguf_generation.sh "$GGUF" "${LLAMA_BENCH:-}" 2 ;;
    vision)
        echo "# PyTorch"; "$PY" -P Scripts/bench/vision.py /tmp/wheels
        echo "# ours"; $BENCH vision ;;
    swin2sr)
        echo "# PyTorch"; "$PY" -P Scripts/bench/swin2sr.py --threads 2
        echo "# ours"; $BENCH swin2sr ;;
    language) SFS=.build/release/sfs Scripts/bench-language.sh 5 ;;
    *) echo "unknown suite $1" >&2; return 2 ;;
    esac
}

for suite in "${suites[@]}"; do
    echo "=== $suite ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))"
    run_suite "$suite" 2>&1 | tee "$OUT/$suite.txt"
done
