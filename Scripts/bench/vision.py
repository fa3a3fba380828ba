"""Reference side of `sfs-bench vision` (issue 7):

  1. JPEG decode + CLIP preprocessing of 100 photos: PIL `Image.open(path)` + the reference CLIPImageProcessor
     (slow, Pillow-based: the class AutoImageProcessor picks without torchvision), one photo per call.
  2. ViT-base/16 forward (random weights, ViTForImageClassification) at batch 1 and 8.
  3. CLIP ViT-B/32 (random weights, full-size CLIP tokenizer) zero-shot pipeline call: one photo, 4 labels.

Two threads, as the Swift side. On first use it writes (not committed) /tmp/sfs-bench-vision/photos/*.jpg (100
photos cut from scikit-image's CC0 samples, 640×480 and 480×640, JPEG q90), /tmp/sfs-bench-vit-base and
/tmp/sfs-bench-clip-b32 (random weights; OpenAI's CLIP BPE from the open_clip wheel); the Swift side reads the same.

  ~/.reference-venv/bin/pip download --no-deps scikit-image==0.26.0 open_clip_torch==3.3.0 -d /tmp/wheels
  ~/.reference-venv/bin/python Scripts/bench/vision.py /tmp/wheels     then     .build/release/sfs-bench vision
  (on a loaded machine add `--clock cpu` to both: one thread, thread CPU time; `--only preprocess,vit,clip` on both
  runs a subset of the rows)
"""
import glob, gzip, io, json, os, pathlib, random, sys, tempfile, time, zipfile
sys.path = [p for p in sys.path if pathlib.Path(p or ".").resolve() != pathlib.Path(__file__).resolve().parent]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
import torch
from PIL import Image
from transformers import (CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor, CLIPTokenizer, CLIPTokenizerFast,
                          ViTConfig, ViTForImageClassification, ViTImageProcessor, pipeline)
from transformers.models.clip.tokenization_clip import bytes_to_unicode

# `--clock cpu`: one thread and thread CPU time, for a loaded machine (the Swift side takes the same flag).
CPU_CLOCK = "--clock" in sys.argv and sys.argv[sys.argv.index("--clock") + 1:][:1] == ["cpu"]
THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
# `--only preprocess,vit,clip`: a subset of the rows (all by default), as the Swift side.
ONLY = set(sys.argv[sys.argv.index("--only") + 1].split(",")) if "--only" in sys.argv else {"preprocess", "vit", "clip"}
torch.set_num_threads(1 if CPU_CLOCK else THREADS)
clock = time.thread_time if CPU_CLOCK else time.perf_counter
ROOT = pathlib.Path("/tmp/sfs-bench-vision")
PHOTOS = ROOT / "photos"
VIT = pathlib.Path("/tmp/sfs-bench-vit-base")
CLIP = pathlib.Path("/tmp/sfs-bench-clip-b32")
LABELS = ["a photo of a cat", "a photo of a dog", "a cup of coffee", "an astronaut"]


def best(fn, runs=5, min_seconds=0.3):
    fn()
    result, start, count = float("inf"), clock(), 0
    while count < runs or clock() - start < min_seconds:
        t0 = clock(); fn(); result = min(result, clock() - t0); count += 1
    return result


def wheel(folder, pattern):
    found = sorted(glob.glob(os.path.join(folder, pattern)))
    if not found:
        sys.exit(f"no {pattern} in {folder}: pip download --no-deps scikit-image==0.26.0 open_clip_torch==3.3.0 -d {folder}")
    return zipfile.ZipFile(found[0])


def prepare(wheels):
    if not PHOTOS.exists():
        sk = wheel(wheels, "scikit_image-*.whl")
        samples = [Image.open(io.BytesIO(sk.read(f"skimage/data/{n}"))).convert("RGB")
                   for n in ["chelsea.png", "astronaut.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "retina.jpg"]]
        rng = random.Random(0)
        PHOTOS.mkdir(parents=True)
        for i in range(100):
            src = samples[i % len(samples)]
            w, h = (640, 480) if i % 3 else (480, 640)
            scale = max(w / src.width, h / src.height) * rng.uniform(1.0, 1.6)
            big = src.resize((int(src.width * scale) + 1, int(src.height * scale) + 1), Image.BICUBIC)
            x, y = rng.randint(0, big.width - w), rng.randint(0, big.height - h)
            big.crop((x, y, x + w, y + h)).save(PHOTOS / f"photo_{i:03d}.jpg", quality=90)
    if not (VIT / "model.safetensors").exists():
        torch.manual_seed(0)
        ViTForImageClassification(ViTConfig(num_labels=1000)).eval().save_pretrained(VIT)
        ViTImageProcessor().save_pretrained(VIT)
    if not (CLIP / "model.safetensors").exists():
        oc = wheel(wheels, "open_clip_torch-*.whl")
        text = gzip.decompress(oc.read("open_clip/bpe_simple_vocab_16e6.txt.gz")).decode("utf-8")
        merges = [tuple(m.split()) for m in text.split("\n")[1:49152 - 256 - 2 + 1]]
        vocab = list(bytes_to_unicode().values())
        vocab = vocab + [v + "</w>" for v in vocab] + ["".join(m) for m in merges] + ["<|startoftext|>", "<|endoftext|>"]
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "vocab.json"), "w") as f:
                json.dump({t: i for i, t in enumerate(vocab)}, f)
            with open(os.path.join(tmp, "merges.txt"), "w") as f:
                f.write("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
            CLIPTokenizer(os.path.join(tmp, "vocab.json"), os.path.join(tmp, "merges.txt"), model_max_length=77).save_pretrained(tmp)
            tokenizer = CLIPTokenizerFast.from_pretrained(tmp)
        torch.manual_seed(0)
        config = CLIPConfig(text_config={"eos_token_id": 49407, "bos_token_id": 49406, "pad_token_id": 49407})
        CLIPModel(config).eval().save_pretrained(CLIP)
        CLIPProcessor(image_processor=CLIPImageProcessor(), tokenizer=tokenizer).save_pretrained(CLIP)


def main():
    folders = [a for a in sys.argv[1:] if a.startswith("/")]
    prepare(folders[0] if folders else "/tmp/wheels")
    print(f"# threads {torch.get_num_threads()}, {'thread CPU time' if CPU_CLOCK else 'wall time'}")
    paths = sorted(PHOTOS.glob("*.jpg"))
    processor = CLIPImageProcessor.from_pretrained(CLIP)

    def preprocess_all():
        for p in paths:
            processor(Image.open(p), return_tensors="pt")
    if "preprocess" in ONLY:
        t = best(preprocess_all, runs=3)
        print(f"decode + CLIP preprocess 100 JPEGs: {t * 1e3:.1f} ms")

    if "vit" in ONLY:
        model = ViTForImageClassification.from_pretrained(VIT).eval()
        for batch in (1, 8):
            pixels = torch.randn(batch, 3, 224, 224)
            with torch.no_grad():
                t = best(lambda: model(pixel_values=pixels), runs=3)
            print(f"vit-base/16 forward batch {batch}: {t * 1e3:.1f} ms")

    if "clip" not in ONLY:
        return
    detector = pipeline("zero-shot-image-classification", model=str(CLIP))
    image = Image.open(paths[0])
    t = best(lambda: detector(image, candidate_labels=LABELS), runs=3)
    print(f"clip vit-b/32 zero-shot call (4 labels): {t * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
