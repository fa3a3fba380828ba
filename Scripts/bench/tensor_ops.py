"""PyTorch side of `sfs-bench ops`: the same ops and shapes, median wall time, torch.set_num_threads(2).

  swift run -c release sfs-bench ops > /tmp/swift-ops.json
  ~/.reference-venv/bin/python Scripts/bench/tensor_ops.py --swift /tmp/swift-ops.json

With --swift, prints a table of Swift vs PyTorch times and the ratio torch_ms / swift_ms (≥ 1 means Swift is
as fast or faster).
"""
import argparse, json, os, tempfile, time
import torch
import torch.nn.functional as F

torch.set_num_threads(2)


def timed(body, iterations=10):
    body()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        body()
        samples.append((time.perf_counter() - start) * 1e3)
    return sorted(samples)[len(samples) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--swift", help="JSON lines printed by `sfs-bench ops`")
    args = parser.parse_args()
    results = {}
    n = 16 * 1024 * 1024
    a, b = torch.randn(n), torch.randn(n)
    src = torch.ones(n)
    results["memcpy_16M"] = timed(lambda: src.clone())
    results["add_16M"] = timed(lambda: a + b)
    results["mul_16M"] = timed(lambda: a * b)
    results["add_scalar_16M"] = timed(lambda: a + 1.5)
    results["gelu_16M"] = timed(lambda: F.gelu(a))
    results["gelu_tanh_16M"] = timed(lambda: F.gelu(a, approximate="tanh"))
    for name, shape in [("softmax_bert_1x12x128x128", (1, 12, 128, 128)), ("softmax_gpt2_1x12x1024x1024", (1, 12, 1024, 1024))]:
        x = torch.randn(shape)
        results[name] = timed(lambda: torch.softmax(x, -1))
    for name, rows in [("layer_norm_bert_8x128x768", 8 * 128), ("layer_norm_gpt2_1024x768", 1024)]:
        x, w, bias = torch.randn(rows, 768), torch.randn(768), torch.randn(768)
        results[name] = timed(lambda: F.layer_norm(x, (768,), w, bias), 20)
    from safetensors.torch import save_file, safe_open
    path = os.path.join(tempfile.gettempdir(), "torch-bench-500mb.safetensors")
    if not os.path.exists(path):
        save_file({f"layer.{i}.weight": torch.zeros(1302, 1000) for i in range(96)}, path)
    def open_all():
        with safe_open(path, "pt") as f:
            for k in f.keys():
                f.get_tensor(k)
    results["safetensors_open_500MB"] = timed(open_all)

    if not args.swift:
        print(json.dumps(results, indent=1))
        return
    swift = {}
    for line in open(args.swift):
        line = line.strip()
        if line.startswith("{"):
            record = json.loads(line)
            swift[record["name"]] = record
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"{'benchmark':32} {'swift ms':>10} {'torch ms':>10} {'ratio':>7} {'swift GB/s':>11}")
    for name, torch_ms in results.items():
        s = swift.get(name)
        if not s:
            continue
        gbps = f"{s['gbps']:.1f}" if "gbps" in s else ""
        print(f"{name:32} {s['ms']:10.3f} {torch_ms:10.3f} {torch_ms / s['ms']:7.2f} {gbps:>11}")
    for name, s in swift.items():
        if "value" in s:
            print(f"{name:32} {s['value']:.1f}")


if __name__ == "__main__":
    main()
