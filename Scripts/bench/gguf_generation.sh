#!/usr/bin/env bash
# SmolLM2-135M from its Q4_1 GGUF, 2 threads, prompt 32 + 128 generated tokens: ours (`sfs-bench generation --gguf`)
# against llama.cpp's `llama-bench -t 2 -p 32 -n 128` on the same file, alternating the two sides for several rounds
# (the machine is shared: best-of over rounds is the number to compare).
#
#   Scripts/bench/gguf_generation.sh FILE.gguf [PATH/TO/llama-bench] [ROUNDS]
#
# FILE defaults to SmolLM2-135M-Instruct.Q4_1.gguf in the HF cache. llama-bench is built outside the repository, for
# measuring only (docs/GGUF.md, "Against llama.cpp"); without it only our side runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
FILE="${1:-$(find "${HF_HOME:-$HOME/.cache/huggingface}/hub" -name 'SmolLM2-135M-Instruct.Q4_1.gguf' 2>/dev/null | head -1)}"
LLAMA_BENCH="${2:-}"
ROUNDS="${3:-3}"
[ -f "$FILE" ] || { echo "no GGUF file (give its path as the first argument)"; exit 2; }
SFS=.build/release/sfs-bench
[ -x "$SFS" ] || swift build -c release --product sfs-bench
for round in $(seq 1 "$ROUNDS"); do
    echo "== round $round"
    SWIFTFORMERS_THREADS=2 "$SFS" generation --gguf "$FILE"
    if [ -n "$LLAMA_BENCH" ]; then
        "$LLAMA_BENCH" -m "$FILE" -t 2 -p 32 -n 128 -o csv 2>/dev/null \
            | awk -F, 'NR==1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); col[$i] = i } next }
                       { gsub(/"/, ""); printf "llama.cpp: %s %s tok/s\n", ($col["n_prompt"] > 0 ? "prompt " $col["n_prompt"] " tokens" : "decode " $col["n_gen"] " tokens"), $col["avg_ts"] }'
    fi
done
