#!/usr/bin/env python3
"""PyTorch side of `sfs-bench tensors --only conv` (same shapes and timing protocol; JSON lines)."""
import argparse
import json

import torch
import torch.nn.functional as F

from gemm import best, clock_arguments

CASES = [  # (name, input, weight, stride, padding) — as NNBench.convRows
    ("vit patch 1x3x224x224 k16 s16", (1, 3, 224, 224), (768, 3, 16, 16), 16, 0),
    ("resnet 3x3 1x64x56x56", (1, 64, 56, 56), (64, 64, 3, 3), 1, 1),
]

if __name__ == "__main__":
    clock_arguments(argparse.ArgumentParser())
    with torch.inference_mode():
        for name, input_shape, weight_shape, stride, padding in CASES:
            x, w, b = torch.rand(input_shape) - 0.5, torch.rand(weight_shape) - 0.5, torch.rand(weight_shape[0]) - 0.5
            y = F.conv2d(x, w, b, stride=stride, padding=padding)
            seconds = best(lambda: F.conv2d(x, w, b, stride=stride, padding=padding))
            flops = 2.0 * (y.numel() // weight_shape[0]) * w.numel()
            print(json.dumps({"suite": "conv", "name": name, "ms": seconds * 1e3, "rate": flops / seconds / 1e9,
                              "unit": "GFLOP/s"}), flush=True)
