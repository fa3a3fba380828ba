"""PyTorch eager side of `sfs-bench generation`: GPT-2-small-sized random weights, 32-token prompt, 128 greedy
tokens at batch 1 through the DynamicCache, best of 3; then beam search with 4 beams and exactly 32 new tokens
(min_new_tokens = max_new_tokens), best of 2, and the peak RSS; torch.set_num_threads(2)."""
import resource
import time
import torch
from transformers import GPT2Config, GPT2LMHeadModel

torch.set_num_threads(2)
torch.manual_seed(0)
model = GPT2LMHeadModel(GPT2Config(n_embd=768, n_layer=12, n_head=12, vocab_size=50257, n_positions=1024)).eval()
prompt = torch.tensor([[(i * 997) % 50257 for i in range(32)]])
best_prefill = best_decode = float("inf")
with torch.inference_mode():
    for _ in range(3):
        mask = torch.ones_like(prompt)
        t0 = time.perf_counter()
        out = model(input_ids=prompt, attention_mask=mask, use_cache=True, logits_to_keep=1)
        t1 = time.perf_counter()
        past = out.past_key_values
        for _ in range(128):
            token = out.logits[:, -1].argmax(-1, keepdim=True)
            mask = torch.cat([mask, torch.ones(1, 1, dtype=mask.dtype)], 1)
            out = model(input_ids=token, attention_mask=mask, past_key_values=past, use_cache=True)
            past = out.past_key_values
        t2 = time.perf_counter()
        best_prefill, best_decode = min(best_prefill, t1 - t0), min(best_decode, t2 - t1)
print(f"torch gpt2-small random: prefill 32 tokens {best_prefill*1e3:.1f} ms ({32/best_prefill:.0f} tok/s); "
      f"decode 128 tokens {best_decode*1e3:.1f} ms ({128/best_decode:.2f} tok/s)")

peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
best_beam = float("inf")
with torch.inference_mode():
    for _ in range(2):
        t0 = time.perf_counter()
        model.generate(prompt, attention_mask=torch.ones_like(prompt), num_beams=4, max_new_tokens=32, min_new_tokens=32,
                       do_sample=False, eos_token_id=50256, pad_token_id=50256)
        best_beam = min(best_beam, time.perf_counter() - t0)
print(f"torch beam search 4 beams, prompt 32 + 32 new tokens: {best_beam*1e3:.1f} ms ({32/best_beam:.2f} tok/s per beam)")
print(f"torch peak RSS after greedy {peak/1e6:.1f} MB")
