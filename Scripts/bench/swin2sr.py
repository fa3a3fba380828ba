"""Swin2SR ×2 on a 256×256 image: PyTorch side of `sfs-bench swin2sr`.

Writes /tmp/sfs-bench-swin2sr (caidas/swin2SR-classical-sr-x2-64's config, random weights, float32) and
input.safetensors (the 264×264 pixel_values Swin2SRImageProcessor makes from a random 256×256 RGB image, plus the
reconstruction for a correctness check), then times the forward pass (best of N, torch.no_grad).
Run: ~/.reference-venv/bin/python -P Scripts/bench/swin2sr.py [--threads 2] [--runs 2]
(-P keeps Scripts/bench/tokenizers.py from shadowing the tokenizers package.)
"""
import argparse, pathlib, time
import numpy as np
import torch
from PIL import Image
from safetensors.torch import save_file
from transformers import Swin2SRConfig, Swin2SRForImageSuperResolution, Swin2SRImageProcessor

FOLDER = pathlib.Path("/tmp/sfs-bench-swin2sr")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="cpu: one thread, thread CPU time (for a loaded machine; sfs-bench swin2sr takes the same flag)")
    args = parser.parse_args()
    if args.clock == "cpu":
        args.threads = 1
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    config = Swin2SRConfig(image_size=64, embed_dim=180, depths=[6] * 6, num_heads=[6] * 6, window_size=8, mlp_ratio=2.0,
                           upscale=2, img_range=1.0, upsampler="pixelshuffle", resi_connection="1conv")
    model = Swin2SRForImageSuperResolution(config).eval()
    FOLDER.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(FOLDER, safe_serialization=True)
    Swin2SRImageProcessor().save_pretrained(FOLDER)
    rng = np.random.default_rng(0)
    image = Image.fromarray(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8))
    pixel_values = Swin2SRImageProcessor()(image, return_tensors="pt").pixel_values
    with torch.no_grad():
        reconstruction = model(pixel_values).reconstruction
        best = float("inf")
        for _ in range(args.runs):
            start = clock()
            model(pixel_values)
            best = min(best, clock() - start)
    save_file({"pixel_values": pixel_values.contiguous(), "reconstruction": reconstruction.contiguous()},
              str(FOLDER / "input.safetensors"))
    print(f"swin2sr x2 256x256 (pixel_values {list(pixel_values.shape)}): {best * 1e3:.1f} ms "
          f"(torch {torch.__version__}, {args.threads} threads, {'thread CPU time' if args.clock == 'cpu' else 'wall time'})")


if __name__ == "__main__":
    main()
