"""PyTorch side of `sfs-bench ops`: the same ops and shapes, at the same thread count and clock.

  swift run -c release sfs-bench ops --threads 2 > /tmp/swift-ops.json
  ~/.reference-venv/bin/python Scripts/bench/tensor_ops.py --threads 2 --swift /tmp/swift-ops.json

On a busy machine compare single-threaded CPU time instead (both sides count only their own thread's cycles):

  swift run -c release sfs-bench ops --threads 1 --clock cpu > /tmp/swift-ops-1.json
  ~/.reference-venv/bin/python Scripts/bench/tensor_ops.py --threads 1 --clock cpu --swift /tmp/swift-ops-1.json

Timing protocol as the other suites (Scripts/bench/gemm.py): one warm-up, then at least `iterations` runs and
0.3 s, best run. With --swift, prints Swift vs PyTorch times, ratio = torch_ms / swift_ms (≥ 1: Swift as fast
or faster) and the GB/s each side moves (bytes read + written), next to memcpy's.
"""
import argparse, json, os, tempfile, time
import torch
import torch.nn.functional as F

CLOCK = time.perf_counter


def timed(body, iterations=10):
    body()
    best, runs, start = float("inf"), 0, CLOCK()
    while runs < iterations or CLOCK() - start < 0.3:
        t0 = CLOCK()
        body()
        best = min(best, CLOCK() - t0)
        runs += 1
    return best * 1e3


def main():
    global CLOCK
    parser = argparse.ArgumentParser()
    parser.add_argument("--swift", help="JSON lines printed by `sfs-bench ops`")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.clock == "cpu":
        CLOCK = time.thread_time
    results, traffic = {}, {}
    n = 16 * 1024 * 1024
    nbytes = 4 * n
    a, b = torch.randn(n), torch.randn(n)
    src = torch.ones(n)
    for name, body, moved in [
        ("memcpy_16M", lambda: src.clone(), 2),
        ("clone_16M", lambda: src.clone(), 2),
        ("add_16M", lambda: a + b, 3),
        ("mul_16M", lambda: a * b, 3),
        ("add_scalar_16M", lambda: a + 1.5, 2),
        ("gelu_16M", lambda: F.gelu(a), 2),
        ("gelu_tanh_16M", lambda: F.gelu(a, approximate="tanh"), 2),
    ]:
        results[name] = timed(body)
        traffic[name] = moved * nbytes
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
    swift, info = {}, ""
    for line in open(args.swift):
        line = line.strip()
        if line.startswith("{"):
            record = json.loads(line)
            if "info" in record:
                info = record["info"]
            else:
                swift[record["name"]] = record
    print(f"# ours:    {info}")
    print(f"# PyTorch: torch {torch.__version__}, threads {torch.get_num_threads()}, {args.clock} clock")
    print("# ratio = torch ms / swift ms (> 1: we are faster); GB/s = bytes read + written per second")
    print(f"{'benchmark':32} {'swift ms':>10} {'torch ms':>10} {'ratio':>7} {'swift GB/s':>11} {'torch GB/s':>11}")
    for name, torch_ms in results.items():
        s = swift.get(name)
        if not s:
            continue
        ours = f"{s['gbps']:.1f}" if "gbps" in s else ""
        theirs = f"{traffic[name] / torch_ms / 1e6:.1f}" if name in traffic else ""
        print(f"{name:32} {s['ms']:10.3f} {torch_ms:10.3f} {torch_ms / s['ms']:7.2f} {ours:>11} {theirs:>11}")
    for name, s in swift.items():
        if "value" in s:
            print(f"{name:32} {s['value']:.1f}")


if __name__ == "__main__":
    main()
