"""Reference side of `sfs-bench encoders`: BERT-base forward (seq 128, batch 1 and 8) on random weights, the
all-MiniLM-L6-v2 embedding of 1,000 sentences (tokenizer + model + mean pooling + normalize), and the load time and
peak memory of the BERT-base checkpoint. Two threads by default, as the Swift side. The random BERT-base checkpoint
is written to /tmp/sfs-bench-bert-base (not committed) on first use; the Swift side reads the same folder.

Run: ~/.reference-venv/bin/python Scripts/bench/encoders.py [--threads N] [--clock wall|cpu] [--only load,forward,minilm]
then .build/release/sfs-bench encoders with the same flags. `--clock cpu` is the CPU time of the whole process
(time.process_time: every thread, the tokenizer's too), for a machine that is busy with other work.
"""
import argparse, os, pathlib, sys, time
# Scripts/bench/tokenizers.py would shadow the `tokenizers` package: drop this folder from the import path.
sys.path = [p for p in sys.path if pathlib.Path(p or ".").resolve() != pathlib.Path(__file__).resolve().parent]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel

FOLDER = pathlib.Path("/tmp/sfs-bench-bert-base")
clock = time.perf_counter


def sentences(n=1000):
    words = ("the quick brown fox jumps over a lazy dog while swift code runs fast on linux servers and "
             "people read books about science music history art travel food sport weather").split()
    return [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(6 + i % 20)) + "." for i in range(n)]


def best(fn, runs=5, min_seconds=0.3):
    fn()
    result, start, count = float("inf"), clock(), 0
    while count < runs or clock() - start < min_seconds:
        t0 = clock(); fn(); result = min(result, clock() - t0); count += 1
    return result


def memory(field):
    """VmRSS / VmHWM of this process in bytes (Linux)."""
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    return 0


def bert_base(only):
    if not (FOLDER / "model.safetensors").exists():
        torch.manual_seed(0)
        BertModel(BertConfig()).eval().save_pretrained(FOLDER)
    weights = (FOLDER / "model.safetensors").stat().st_size
    baseline = memory("VmRSS:")
    t0 = clock()
    model = BertModel.from_pretrained(FOLDER).eval()
    print(f"load bert-base: {(clock() - t0) * 1e3:.1f} ms")
    after_load = memory("VmHWM:") - baseline
    with torch.no_grad():
        model(input_ids=torch.full((1, 8), 1000), attention_mask=torch.ones(1, 8, dtype=torch.long))
    after_forward = memory("VmHWM:") - baseline
    mb = 1 / 1048576
    print(f"peak memory bert-base (VmHWM − VmRSS before load): after load {after_load * mb:.1f} MB, after a first "
          f"forward {after_forward * mb:.1f} MB; weights {weights * mb:.1f} MB → {after_forward / weights:.2f}×")
    if "forward" not in only:
        return
    for batch in (1, 8):
        ids = torch.randint(1000, 20000, (batch, 128))
        with torch.no_grad():
            t = best(lambda: model(input_ids=ids, attention_mask=torch.ones_like(ids)), runs=3)
        print(f"bert-base forward seq 128 batch {batch}: {t * 1e3:.1f} ms")


def mini_lm():
    name = "sentence-transformers/all-MiniLM-L6-v2"
    tok = AutoTokenizer.from_pretrained(name)
    mini = AutoModel.from_pretrained(name).eval()
    texts = sentences()
    t = best(lambda: tok(texts, truncation=True, max_length=256), runs=3, min_seconds=0)
    print(f"all-MiniLM-L6-v2 tokenizer alone, 1000 sentences: {t * 1e3:.1f} ms")

    def embed():
        out = []
        for i in range(0, len(texts), 32):
            b = tok(texts[i:i + 32], padding=True, truncation=True, max_length=256, return_tensors="pt")
            with torch.no_grad():
                h = mini(**b).last_hidden_state
            m = b["attention_mask"].unsqueeze(-1).float()
            out.append(torch.nn.functional.normalize((h * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=1))
        return torch.cat(out)
    print(f"all-MiniLM-L6-v2 1000 sentences: {best(embed, runs=3, min_seconds=0) * 1e3:.1f} ms")


def main():
    global clock
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--only", default="load,forward,minilm")
    args = parser.parse_args()
    only = set(args.only.split(","))
    torch.set_num_threads(args.threads)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"{'process CPU time' if args.clock == 'cpu' else 'wall time'}")
    if only & {"load", "forward"}:
        bert_base(only)
    if "minilm" in only:
        mini_lm()


if __name__ == "__main__":
    main()
