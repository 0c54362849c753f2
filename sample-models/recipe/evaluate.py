#!/usr/bin/python3
"""Measure the exported models FROM THEIR SAVED BF16 WEIGHTS (loaded back,
converted to fp32) and write the golden fixtures.

Writes:
  sample-models/<target>/fixtures/golden-target.json, golden-draft.json
      top-5 logits per position and a 16-token greedy continuation for one
      prompt per domain (tokenised with <s>)
  sample-models/<target>/fixtures/expert-shares.json
      routed-mass share of every expert per layer and domain (held-out text)
  work/eval/metrics.json   everything the model cards quote
"""
import os

os.environ.setdefault("GOMP_SPINCOUNT", "0")

import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from configs import TARGET_NAME, DRAFT_NAME, DOMAINS  # noqa: E402
from data import load_tokens, sp_model  # noqa: E402
from export import load_model  # noqa: E402
from make_prompts import read_prompts  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
MODELS = os.path.dirname(HERE)
WINDOWS = int(os.environ.get("EVAL_WINDOWS", 48))
SEQ = 256


def windows(arr, n, seed=4242):
    rng = np.random.default_rng(seed)
    offs = rng.integers(0, len(arr) - SEQ - 1, size=n)
    return torch.from_numpy(np.stack([arr[o:o + SEQ + 1] for o in offs]).astype(np.int64))


@torch.no_grad()
def greedy(model, ids, n):
    ids = list(ids)
    out = []
    for _ in range(n):
        nxt = int(model(torch.tensor([ids]))[0, -1].argmax())
        ids.append(nxt)
        out.append(nxt)
    return out


@torch.no_grad()
def fixture(model, sp, prompts):
    recs = []
    for d, text in prompts:
        ids = [1] + sp.encode(text)
        logits = model(torch.tensor([ids]))[0]
        v, i = logits.topk(5, dim=-1)
        cont = greedy(model, ids, 16)
        recs.append({
            "domain": d, "prompt": text, "input_ids": ids,
            "top5_ids": i.tolist(),
            "top5_logits": [[round(float(x), 4) for x in row] for row in v],
            "greedy_ids": cont,
            "greedy_text": sp.decode(cont),
        })
    return recs


def main():
    torch.set_num_threads(int(os.environ.get("TRAIN_THREADS", "2")))
    t0 = time.time()
    sp = sp_model()
    tgt, tc = load_model(os.path.join(MODELS, TARGET_NAME))
    drf, dc = load_model(os.path.join(MODELS, DRAFT_NAME))
    N, L = tc["num_experts"], tc["num_hidden_layers"]
    metrics = {"windows_per_domain": WINDOWS, "seq": SEQ, "loss": {"target": {}, "draft": {}},
               "draft_agreement": {}, "positions": {}}
    shares = {}          # domain -> [L][N] routed mass share
    total_mass = np.zeros((L, N))
    with torch.no_grad():
        for d in DOMAINS:
            w = windows(load_tokens(d, "heldout"), WINDOWS)
            lt, ld, agree, npos = [], [], 0, 0
            mass = np.zeros((L, N))
            for b in range(0, len(w), 8):
                x = w[b:b + 8]
                a = tgt(x[:, :-1])
                layers = tgt.moe_layers()
                for li, m in enumerate(layers):
                    tw = m.last_probs.gather(1, m.last_topi)
                    tw = tw / tw.sum(-1, keepdim=True)
                    mass[li] += np.bincount(m.last_topi.reshape(-1).numpy(),
                                            weights=tw.reshape(-1).double().numpy(), minlength=N)
                bd = drf(x[:, :-1])
                y = x[:, 1:].reshape(-1)
                lt.append(F.cross_entropy(a.reshape(-1, a.shape[-1]), y).item())
                ld.append(F.cross_entropy(bd.reshape(-1, bd.shape[-1]), y).item())
                agree += int((a.argmax(-1) == bd.argmax(-1)).sum())
                npos += y.numel()
            metrics["loss"]["target"][d] = float(np.mean(lt))
            metrics["loss"]["draft"][d] = float(np.mean(ld))
            metrics["draft_agreement"][d] = agree / npos
            metrics["positions"][d] = npos
            shares[d] = (mass / mass.sum(1, keepdims=True)).tolist()
            total_mass += mass
            print(d, metrics["loss"]["target"][d], metrics["loss"]["draft"][d],
                  metrics["draft_agreement"][d], flush=True)
    code = ["java", "python-docs"]
    metrics["draft_agreement_code"] = sum(metrics["draft_agreement"][d] * metrics["positions"][d] for d in code) / \
        sum(metrics["positions"][d] for d in code)
    cov = []
    for li in range(L):
        s = np.sort(total_mass[li] / total_mass[li].sum())[::-1]
        k = int(np.searchsorted(np.cumsum(s), 0.8) + 1)
        cov.append({"layer": li, "experts_for_80pct": k, "share_of_experts": k / N,
                    "top_expert_share": float(s[0]), "bottom_expert_share": float(s[-1])})
    metrics["coverage80"] = cov
    per_dom_cov = {}
    for d in DOMAINS:
        per_dom_cov[d] = []
        for li in range(L):
            s = np.sort(np.array(shares[d][li]))[::-1]
            per_dom_cov[d].append(int(np.searchsorted(np.cumsum(s), 0.8) + 1))
    metrics["coverage80_per_domain"] = per_dom_cov
    metrics["shares_overall"] = (total_mass / total_mass.sum(1, keepdims=True)).tolist()

    prompts = {d: read_prompts(d) for d in DOMAINS}
    fx_prompts = [(d, prompts[d][0]) for d in DOMAINS]
    fxdir = os.path.join(MODELS, TARGET_NAME, "fixtures")
    os.makedirs(fxdir, exist_ok=True)
    for name, model, cfgname in (("target", tgt, TARGET_NAME), ("draft", drf, DRAFT_NAME)):
        recs = fixture(model, sp, fx_prompts)
        with open(os.path.join(fxdir, f"golden-{name}.json"), "w", encoding="utf-8") as fh:
            json.dump({"model": cfgname, "weights": "model.safetensors (BF16) loaded as fp32",
                       "add_bos": True, "top_k": 5, "greedy_tokens": 16, "cases": recs},
                      fh, ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(fxdir, "expert-shares.json"), "w") as fh:
        json.dump({"description": "routed-mass share (renormalised top-k weights) of each expert, "
                                  "[layer][expert], on held-out windows of each domain",
                   "windows_per_domain": WINDOWS, "seq": SEQ,
                   "domains": {d: [[round(x, 5) for x in row] for row in shares[d]] for d in DOMAINS}},
                  fh, separators=(",", ":"))
    # longer greedy samples for the model cards
    samples = {}

    def continuation(ids, cont):
        # decode prompt + continuation together, so the continuation keeps its leading space
        full, pre = sp.decode(ids[1:] + cont), sp.decode(ids[1:])
        return full[len(pre):] if full.startswith(pre) else sp.decode(cont)

    for d in DOMAINS:
        samples[d] = []
        for p in prompts[d][:2]:
            ids = [1] + sp.encode(p)
            samples[d].append({"prompt": p,
                               "target": continuation(ids, greedy(tgt, ids, 40)),
                               "draft": continuation(ids, greedy(drf, ids, 40))})
    metrics["samples"] = samples
    metrics["eval_wall_s"] = time.time() - t0
    os.makedirs(os.path.join(WORK, "eval"), exist_ok=True)
    with open(os.path.join(WORK, "eval", "metrics.json"), "w", encoding="utf-8") as fh:
        json.dump(metrics, fh, ensure_ascii=False, indent=1)
    print(json.dumps({k: metrics[k] for k in ("loss", "draft_agreement", "draft_agreement_code", "coverage80")}, indent=1))


if __name__ == "__main__":
    main()
