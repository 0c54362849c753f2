#!/usr/bin/env python3
"""Hugging Face transformers' eager generation speed on a checkpoint: the baseline SpecScope's
CUDA decode is compared against (target: >= 5x its tokens/s, same weights, same GPU, batch 1).

Loads MODEL_DIR with AutoModelForCausalLM (BF16, attn_implementation="eager"), greedy-generates
--new-tokens tokens at batch 1 from a fixed prompt after a warm-up, and prints one JSON object:

  tokens_per_second             decode only: (N - 1) new tokens over t(N) - t(1), so the prompt's
                                prefill is not counted (the figure SpecScope's bench decode compares to)
  end_to_end_tokens_per_second  N over t(N), prefill included (what a user of generate() sees)
  device, torch, transformers, and the settings

Each timing is the median of --repeats runs. EOS cannot end a run early (min_new_tokens = N):
a random-weight checkpoint may well predict EOS. Runs on the CPU too (--device cpu), for a smoke test.

Usage: hf_eager_baseline.py MODEL_DIR [--new-tokens 64] [--repeats 3] [--device cuda|cpu]
                            [--dtype bfloat16|float32] [--prompt TEXT]
"""
import argparse
import json
import statistics
import sys
import time

# Genesis 1:1, as the bench's default text begins: a prompt the bundled tokenizer knows.
DEFAULT_PROMPT = ("In the beginning God created the heaven and the earth. And the earth was without form, "
                  "and void; and darkness was upon the face of the deep.")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model_dir")
    p.add_argument("--new-tokens", type=int, default=64)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--device", default=None, help="cuda or cpu (default: cuda when available)")
    p.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"])
    p.add_argument("--prompt", default=DEFAULT_PROMPT)
    args = p.parse_args(argv)
    if args.new_tokens < 2:
        p.error("--new-tokens must be at least 2 (decode speed is t(N) - t(1))")
    if args.repeats < 1:
        p.error("--repeats must be at least 1")
    return args


def prompt_ids(torch, model_dir, text, vocab_size, device):
    """The prompt's token ids by the checkpoint's tokenizer; fixed ids when it has none transformers reads."""
    try:
        from transformers import AutoTokenizer
        ids = AutoTokenizer.from_pretrained(model_dir)(text, return_tensors="pt").input_ids
        source = "tokenizer"
    except Exception as e:  # a synthetic checkpoint's tokenizer may not load everywhere
        print(f"hf_eager_baseline: tokenizer not loaded ({type(e).__name__}: {e}); using fixed ids",
              file=sys.stderr)
        ids = torch.tensor([[(17 + 31 * i) % vocab_size for i in range(32)]])
        source = "fixed ids"
    return ids.to(device), source


def main(argv):
    args = parse_args(argv)
    import torch
    import transformers
    from transformers import AutoModelForCausalLM

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    dtype = getattr(torch, args.dtype)
    loaded = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(args.model_dir, torch_dtype=dtype,
                                                 attn_implementation="eager").to(device)
    model.eval()
    load_seconds = time.perf_counter() - loaded
    ids, source = prompt_ids(torch, args.model_dir, args.prompt, model.config.vocab_size, device)
    mask = torch.ones_like(ids)
    pad = model.config.pad_token_id if model.config.pad_token_id is not None else model.config.eos_token_id

    def sync():
        if device.startswith("cuda"):
            torch.cuda.synchronize()

    def generate(n):
        """Seconds for a greedy generate() of exactly n new tokens, and the tokens."""
        sync()
        t0 = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(ids, attention_mask=mask, max_new_tokens=n, min_new_tokens=n, do_sample=False,
                                 num_beams=1, use_cache=True, pad_token_id=pad)
        sync()
        return time.perf_counter() - t0, out[0, ids.shape[1]:]

    generate(min(8, args.new_tokens))  # warm-up: CUDA context, kernels, allocator
    full = []
    first = []
    tokens = None
    for _ in range(args.repeats):
        t, tokens = generate(args.new_tokens)
        full.append(t)
        first.append(generate(1)[0])
    if tokens.shape[0] != args.new_tokens:
        raise SystemExit(f"generated {tokens.shape[0]} tokens, asked for {args.new_tokens}")
    t_n = statistics.median(full)
    t_1 = statistics.median(first)
    result = {
        "tokens_per_second": (args.new_tokens - 1) / max(t_n - t_1, 1e-9),
        "end_to_end_tokens_per_second": args.new_tokens / t_n,
        "ms_per_token": 1e3 * (t_n - t_1) / (args.new_tokens - 1),
        "new_tokens": args.new_tokens,
        "prompt_tokens": int(ids.shape[1]),
        "prompt_source": source,
        "repeats": args.repeats,
        "seconds_n_tokens_median": t_n,
        "seconds_1_token_median": t_1,
        "load_seconds": load_seconds,
        "device": torch.cuda.get_device_name(0) if device.startswith("cuda") else "cpu",
        "dtype": args.dtype,
        "attn_implementation": "eager",
        "model": args.model_dir,
        "architecture": type(model).__name__,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "first_tokens": tokens[:8].tolist(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
