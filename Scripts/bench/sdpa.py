#!/usr/bin/env python3
"""PyTorch side of `sfs-bench tensors --only sdpa` (same shapes and timing protocol; JSON lines)."""
import argparse
import json

import torch
import torch.nn.functional as F

from gemm import best, clock_arguments

CASES = [  # (name, query shape, key/value shape, causal) — as NNBench.sdpaRows
    ("bert 1x12x128x64", (1, 12, 128, 64), (1, 12, 128, 64), False),
    ("bert 8x12x128x64", (8, 12, 128, 64), (8, 12, 128, 64), False),
    ("gpt2 causal 1x12x1024x64", (1, 12, 1024, 64), (1, 12, 1024, 64), True),
    ("gpt2 decode 1x12x1x64 kv1024", (1, 12, 1, 64), (1, 12, 1024, 64), False),
]

if __name__ == "__main__":
    clock_arguments(argparse.ArgumentParser())
    with torch.inference_mode():
        for name, q_shape, kv_shape, causal in CASES:
            q, k, v = (torch.rand(s) - 0.5 for s in (q_shape, kv_shape, kv_shape))
            seconds = best(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal))
            flops = 4.0 * q_shape[0] * q_shape[1] * q_shape[2] * kv_shape[2] * q_shape[3] * (0.5 if causal else 1)
            print(json.dumps({"suite": "sdpa", "name": name, "ms": seconds * 1e3, "rate": flops / seconds / 1e9,
                              "unit": "GFLOP/s"}), flush=True)
