#!/usr/bin/env python3
"""PyTorch side of `sfs-bench tensors --only gemm`: the same shapes, layouts and timing protocol
(one warm-up, then at least 5 runs and 0.3 s; best run), printed as JSON lines.

Run with the reference virtualenv: ~/.reference-venv/bin/python Scripts/bench/gemm.py [--threads 2]
"""
import argparse
import json
import time

import torch

# (name, batch, m, n, k, transB) — identical to GEMMBench.shapes in Sources/sfs-bench/TensorBench.swift.
SHAPES = [
    ("square 256", 1, 256, 256, 256, False),
    ("square 512", 1, 512, 512, 512, False),
    ("square 1024", 1, 1024, 1024, 1024, False),
    ("square 2048", 1, 2048, 2048, 2048, False),
    ("linear 128x768->3072", 1, 128, 3072, 768, True),
    ("linear 128x3072->768", 1, 128, 768, 3072, True),
    ("lm-head 1x768->50257", 1, 1, 50257, 768, True),
    ("attn QK^T 96x128x64x128", 96, 128, 128, 64, True),
    ("attn PV 96x128x128x64", 96, 128, 64, 128, False),
]


# --clock cpu: the calling thread's CPU time (meaningful with --threads 1, where PyTorch runs inline),
# so that a shared, busy machine does not distort the ratio. Same as BenchTiming in sfs-bench.
CLOCK = {"now": time.perf_counter}


def clock_arguments(parser):
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args()
    CLOCK["now"] = time.thread_time if args.clock == "cpu" else time.perf_counter
    torch.set_num_threads(args.threads)
    print(json.dumps({"info": f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
                              f"{torch.backends.cpu.get_cpu_capability()}, {args.clock} clock"}))
    return args


def best(fn, min_runs=5, min_seconds=0.3):
    now = CLOCK["now"]
    fn()
    best_time, runs, start = float("inf"), 0, time.perf_counter()
    while runs < min_runs or time.perf_counter() - start < min_seconds:
        t0 = now()
        fn()
        best_time = min(best_time, now() - t0)
        runs += 1
    return best_time


def main():
    clock_arguments(argparse.ArgumentParser())
    torch.manual_seed(0)
    with torch.inference_mode():
        for name, batch, m, n, k, trans_b in SHAPES:
            a = torch.rand(batch, m, k) - 0.5
            b = torch.rand(batch, n, k) - 0.5 if trans_b else torch.rand(batch, k, n) - 0.5
            if batch == 1:
                a2, b2 = a[0], b[0]
                if trans_b:  # x · Wᵀ as nn.Linear computes it
                    out = torch.empty(m, n)
                    fn = lambda: torch.matmul(a2, b2.t(), out=out)
                else:
                    out = torch.empty(m, n)
                    fn = lambda: torch.mm(a2, b2, out=out)
            else:
                bb = b.transpose(1, 2) if trans_b else b
                out = torch.empty(batch, m, n)
                fn = lambda: torch.bmm(a, bb, out=out)
            seconds = best(fn)
            flops = 2.0 * batch * m * n * k
            print(json.dumps({"suite": "gemm", "name": name, "ms": seconds * 1e3,
                              "rate": flops / seconds / 1e9, "unit": "GFLOP/s"}), flush=True)


if __name__ == "__main__":
    main()
