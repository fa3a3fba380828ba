#!/usr/bin/env python3
"""Reference side of `sfs-bench tokenizers`: the same corpus and measurements with Python `tokenizers`.

Usage: RAYON_NUM_THREADS=2 ~/.reference-venv/bin/python Scripts/bench/tokenizers.py NAME=path/to/tokenizer.json ...
"""
import os
import pathlib
import sys
import time

# This file is named like the library: keep its own folder off the import path.
sys.path = [p for p in sys.path if pathlib.Path(p or ".").resolve() != pathlib.Path(__file__).resolve().parent]
from tokenizers import Tokenizer  # noqa: E402

SEEDS = pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"


def corpus(minimum_bytes=5_000_000):
    lines = []
    for f in sorted(SEEDS.glob("*.txt")):
        lines += [l for l in f.read_text(encoding="utf-8").split("\n") if l]
    out, size = [], 0
    while size < minimum_bytes:
        for l in lines:
            out.append(l)
            size += len(l.encode("utf-8"))
    return out


def run(name, path, lines):
    load = min(_timed(lambda: Tokenizer.from_file(path))[0] for _ in range(3))
    tok = Tokenizer.from_file(path)
    tok.no_padding()
    tok.no_truncation()
    size = sum(len(l.encode("utf-8")) for l in lines)
    t0 = time.perf_counter()
    tokens = sum(len(tok.encode(l, add_special_tokens=False).ids) for l in lines)
    single = time.perf_counter() - t0
    tok = Tokenizer.from_file(path)
    tok.no_padding()
    tok.no_truncation()
    t0 = time.perf_counter()
    tok.encode_batch(lines, add_special_tokens=False)
    batch = time.perf_counter() - t0
    print(f"{name}: load {load * 1000:.1f} ms, encode {size / 1e6 / single:.2f} MB/s (1 thread), "
          f"{size / 1e6 / batch:.2f} MB/s (batch, RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', 'all')}), {tokens} tokens")


def _timed(f):
    t0 = time.perf_counter()
    r = f()
    return time.perf_counter() - t0, r


if __name__ == "__main__":
    lines = corpus()
    for arg in sys.argv[1:]:
        name, path = arg.split("=", 1)
        run(name, path, lines)
