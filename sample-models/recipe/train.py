#!/usr/bin/python3
"""Train the target (Qwen3-MoE) or draft (dense Qwen3) model on the CPU.

usage: train.py target|draft|<a configs.ROUTER_BALANCE variant>
Resumes from work/<name>/ckpt.pt when it exists; writes work/<name>/final.pt
(fp32 state dict) at the end. Logs to work/<name>/train.log.
"""
import os

# GNU OpenMP threads spin after each parallel region and then fight OpenBLAS's
# threads for the two cores: matrix products ran 3-4x slower. Do not spin.
os.environ.setdefault("GOMP_SPINCOUNT", "0")

import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from configs import TRAIN, DOMAINS  # noqa: E402
from model import CausalLM  # noqa: E402
from data import load_tokens  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
CKPT_EVERY_S = 600


def eval_windows(arr, seq, n, seed):
    rng = np.random.default_rng(seed)
    if len(arr) <= seq + 1:
        return np.stack([arr[: seq + 1]])
    offs = rng.integers(0, len(arr) - seq - 1, size=n)
    return np.stack([arr[o:o + seq + 1] for o in offs])


@torch.no_grad()
def evaluate(model, held, seq, n=16):
    model.eval()
    res = {}
    for d in DOMAINS:
        w = torch.from_numpy(eval_windows(held[d], seq, n, 99).astype(np.int64))
        losses = []
        for i in range(0, len(w), 8):
            b = w[i:i + 8]
            logits = model(b[:, :-1])
            losses.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), b[:, 1:].reshape(-1)).item())
        res[d] = float(np.mean(losses))
    model.train()
    return res


def main():
    which = sys.argv[1]
    S = TRAIN[which]
    c = S["config"]
    torch.set_num_threads(int(os.environ.get("TRAIN_THREADS", "2")))
    outdir = os.path.join(WORK, S["name"])
    os.makedirs(outdir, exist_ok=True)
    log = open(os.path.join(outdir, "train.log"), "a")

    def say(*a):
        msg = " ".join(str(x) for x in a)
        print(msg, flush=True)
        log.write(msg + "\n")
        log.flush()

    train = {d: load_tokens(d, "train") for d in DOMAINS}
    held = {d: load_tokens(d, "heldout") for d in DOMAINS}
    B, T = S["batch"], S["seq"]
    steps = math.ceil(S["tokens"] / (B * T))

    torch.manual_seed(0)
    model = CausalLM(c)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embed" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embed" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=S["lr"], betas=(0.9, 0.95), eps=1e-8)
    step = 0
    rng = np.random.default_rng(1)
    ck = os.path.join(outdir, "ckpt.pt")
    if os.path.exists(ck):
        st = torch.load(ck)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step = st["step"]
        rng.bit_generator.state = st["rng"]
        say(f"resumed at step {step}")
    nparams = sum(p.numel() for p in model.parameters())
    say(f"{which}: {nparams/1e6:.2f}M params, {steps} steps of {B}x{T} tokens = {steps*B*T} tokens")

    def lr_at(s):
        if s < S["warmup"]:
            return S["lr"] * (s + 1) / S["warmup"]
        p = (s - S["warmup"]) / max(1, steps - S["warmup"])
        return S["lr"] * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))

    def save():
        tmp = ck + ".tmp"
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                    "rng": rng.bit_generator.state}, tmp)
        os.replace(tmp, ck)

    t_last_ck = time.time()
    t0 = time.time()
    tok0 = step
    model.train()
    while step < steps:
        rows = []
        for _ in range(B):
            d = DOMAINS[rng.integers(len(DOMAINS))]
            a = train[d]
            o = rng.integers(0, len(a) - T - 1)
            rows.append(a[o:o + T + 1])
        x = torch.from_numpy(np.stack(rows).astype(np.int64))
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        logits = model(x[:, :-1])
        ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1))
        loss = ce
        aux = torch.tensor(0.0)
        if model.sparse and S["aux_coef"] > 0:
            aux = sum(m.aux_loss() for m in model.moe_layers()) / len(model.moe_layers())
            loss = ce + S["aux_coef"] * aux
        if model.sparse and S.get("z_coef", 0) > 0:
            # Router z-loss: the squared log-partition of the router logits, kept small.
            z = sum((torch.logsumexp(m.last_logits, -1) ** 2).mean() for m in model.moe_layers()) / len(model.moe_layers())
            loss = loss + S["z_coef"] * z
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 20 == 0 or step == 1:
            el = time.time() - t0
            tps = (step - tok0) * B * T / max(el, 1e-9)
            eta = (steps - step) * B * T / max(tps, 1e-9)
            say(f"step {step}/{steps} tokens {step*B*T} ce {ce.item():.4f} aux {aux.item():.3f} "
                f"lr {lr_at(step-1):.2e} tok/s {tps:.0f} eta {eta/60:.1f} min")
        if step % 300 == 0:
            say("heldout", json.dumps(evaluate(model, held, T, 8)))
        if time.time() - t_last_ck > CKPT_EVERY_S:
            save()
            t_last_ck = time.time()
            say(f"checkpoint at step {step}")
    save()
    ev = evaluate(model, held, T, 32)
    say("final heldout", json.dumps(ev))
    torch.save(model.state_dict(), os.path.join(outdir, "final.pt"))
    with open(os.path.join(outdir, "train_summary.json"), "w") as fh:
        json.dump({"steps": steps, "tokens": steps * B * T, "params": nparams,
                   "heldout_loss_fp32": ev, "wall_s_this_run": time.time() - t0}, fh, indent=1)
    say("done")


if __name__ == "__main__":
    main()
