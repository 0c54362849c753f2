#!/usr/bin/python3
"""Export a trained model (work/<name>/final.pt) into sample-models/<name>/:
config.json, generation_config.json, model.safetensors (BF16, HF tensor
names), tokenizer.model, tokenizer.json, tokenizer_config.json,
special_tokens_map.json.

usage: export.py target|draft [FINAL_PT [OUT_DIR]]
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from configs import TRAIN  # noqa: E402
from model import CausalLM  # noqa: E402
import st  # noqa: E402
import convert_tokenizer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
MODELS = os.path.dirname(HERE)


def load_model(model_dir):
    """Load a saved model directory back (BF16 -> fp32) into our module."""
    with open(os.path.join(model_dir, "config.json")) as fh:
        c = json.load(fh)
    m = CausalLM(c)
    sd = st.load_as_f32(os.path.join(model_dir, "model.safetensors"))
    missing, unexpected = m.load_state_dict(sd, strict=False)
    if m.tied:
        missing = [k for k in missing if k != "lm_head.weight"]
    assert not missing and not unexpected, (missing, unexpected)
    m.eval()
    return m, c


def main():
    which = sys.argv[1]
    S = TRAIN[which]
    c = dict(S["config"])
    out = sys.argv[3] if len(sys.argv) > 3 else os.path.join(MODELS, S["name"])
    os.makedirs(out, exist_ok=True)
    m = CausalLM(c)
    src = sys.argv[2] if len(sys.argv) > 2 else os.path.join(WORK, S["name"], "final.pt")
    m.load_state_dict(torch.load(src))
    sd = m.hf_state_dict()
    st.save_bf16(sd, os.path.join(out, "model.safetensors"))
    cfg = {k: v for k, v in c.items()}
    cfg["transformers_version"] = "4.51.0"
    with open(os.path.join(out, "config.json"), "w") as fh:
        json.dump(cfg, fh, indent=2)
    with open(os.path.join(out, "generation_config.json"), "w") as fh:
        json.dump({"bos_token_id": 1, "eos_token_id": 2, "do_sample": False,
                   "max_new_tokens": 64, "transformers_version": "4.51.0"}, fh, indent=2)
    convert_tokenizer.write(out)
    n = sum(v.numel() for v in sd.values())
    print(f"exported {out}: {n/1e6:.2f}M parameters, "
          f"{os.path.getsize(os.path.join(out, 'model.safetensors'))/1e6:.1f} MB safetensors")
    # sanity: reload and compare logits with the fp32 model rounded to bf16
    m2, _ = load_model(out)
    ids = torch.tensor([[1, 100, 200, 300, 400, 500]])
    with torch.no_grad():
        mb = CausalLM(c)
        mb.load_state_dict({k: v.to(torch.bfloat16).float() for k, v in m.state_dict().items()})
        d = (m2(ids) - mb(ids)).abs().max().item()
    print("reload max |diff| vs bf16-rounded fp32 model:", d)
    assert d < 1e-4


if __name__ == "__main__":
    main()
