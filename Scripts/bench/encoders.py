"""Reference side of `sfs-bench encoders`: BERT-base forward (seq 128, batch 1 and 8) on random weights, the
all-MiniLM-L6-v2 embedding of 1,000 sentences (tokenizer + model + mean pooling + normalize), and the load time of
the BERT-base checkpoint. Two threads, as the Swift side. The random BERT-base checkpoint is written to
/tmp/sfs-bench-bert-base (not committed) on first use; the Swift side reads the same folder.

Run: ~/.reference-venv/bin/python Scripts/bench/encoders.py   then   .build/release/sfs-bench encoders
"""
import os, pathlib, sys, time
# Scripts/bench/tokenizers.py would shadow the `tokenizers` package: drop this folder from the import path.
sys.path = [p for p in sys.path if pathlib.Path(p or ".").resolve() != pathlib.Path(__file__).resolve().parent]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel

torch.set_num_threads(2)
FOLDER = pathlib.Path("/tmp/sfs-bench-bert-base")


def sentences(n=1000):
    words = ("the quick brown fox jumps over a lazy dog while swift code runs fast on linux servers and "
             "people read books about science music history art travel food sport weather").split()
    return [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(6 + i % 20)) + "." for i in range(n)]


def best(fn, runs=5, min_seconds=0.3):
    fn()
    result, start, count = float("inf"), time.perf_counter(), 0
    while count < runs or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter(); fn(); result = min(result, time.perf_counter() - t0); count += 1
    return result


def main():
    if not (FOLDER / "model.safetensors").exists():
        torch.manual_seed(0)
        BertModel(BertConfig()).eval().save_pretrained(FOLDER)
    t0 = time.perf_counter()
    model = BertModel.from_pretrained(FOLDER).eval()
    print(f"load bert-base: {(time.perf_counter() - t0) * 1e3:.1f} ms")
    for batch in (1, 8):
        ids = torch.randint(1000, 20000, (batch, 128))
        with torch.no_grad():
            t = best(lambda: model(input_ids=ids, attention_mask=torch.ones_like(ids)), runs=3)
        print(f"bert-base forward seq 128 batch {batch}: {t * 1e3:.1f} ms")
    name = "sentence-transformers/all-MiniLM-L6-v2"
    tok = AutoTokenizer.from_pretrained(name)
    mini = AutoModel.from_pretrained(name).eval()
    texts = sentences()

    def embed():
        out = []
        for i in range(0, len(texts), 32):
            b = tok(texts[i:i + 32], padding=True, truncation=True, max_length=256, return_tensors="pt")
            with torch.no_grad():
                h = mini(**b).last_hidden_state
            m = b["attention_mask"].unsqueeze(-1).float()
            out.append(torch.nn.functional.normalize((h * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=1))
        return torch.cat(out)
    print(f"all-MiniLM-L6-v2 1000 sentences: {best(embed, runs=1, min_seconds=0) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
