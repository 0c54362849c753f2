#!/usr/bin/env python3
"""Independent float64 NumPy reference forward pass for SpecScope's golden tests.

It implements the Hugging Face transformers semantics of six decoder-only architectures
(config.json "architectures"[0]):

    MixtralForCausalLM, OlmoeForCausalLM, Qwen3MoeForCausalLM, Qwen2MoeForCausalLM,
    LlamaForCausalLM, Qwen3ForCausalLM

The model is read from a Hugging Face model directory (config.json plus one safetensors file or
a sharded set with model.safetensors.index.json) with the tiny safetensors reader below; no torch,
no safetensors package. Every weight is widened to float64 exactly (BF16 and F16 are exact in
float64), and the whole sequence is recomputed causally (no KV cache), so the result is a
precise statement of "what the checkpoint means" that a float32 engine can be held against.

Usage as a tool:
    python reference_forward.py MODEL_DIR 5 17 42 ...        # prints the top-5 next tokens per position
    python reference_forward.py MODEL_DIR --golden GOLDEN_DIR # recompute and compare with a fixture

Only numpy is required. See README.md next to this file for the semantics per family.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import struct
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

# --------------------------------------------------------------------------------------------
# safetensors reading
# --------------------------------------------------------------------------------------------

# dtype name in a safetensors header -> (bytes per element, numpy dtype of the raw storage)
_RAW_DTYPES = {
    "F64": (8, np.dtype("<f8")),
    "F32": (4, np.dtype("<f4")),
    "F16": (2, np.dtype("<f2")),
    "BF16": (2, np.dtype("<u2")),  # kept as bit patterns; widened by decode_raw()
}


def decode_raw(dtype_name: str, raw: np.ndarray) -> np.ndarray:
    """Widens stored elements to float64 exactly.

    BF16 is the upper half of an IEEE float32, so shifting the 16 stored bits into the high half
    of a uint32 and reinterpreting gives the exact float32 value; float32 -> float64 is exact.
    """
    if dtype_name == "BF16":
        return (raw.astype(np.uint32) << np.uint32(16)).view(np.float32).astype(np.float64)
    if dtype_name in ("F16", "F32", "F64"):
        return raw.astype(np.float64)
    raise ValueError(f"unsupported dtype {dtype_name}")


@dataclass
class StoredTensor:
    """One tensor as it sits in a file: dtype name, shape and the widened float64 values."""
    dtype: str
    shape: Tuple[int, ...]
    values: np.ndarray  # float64, C order, shape == self.shape


def parse_safetensors(buf: bytes, origin: str = "<bytes>") -> Tuple[Dict[str, StoredTensor], Dict[str, str]]:
    """Parses a whole safetensors file image.

    Layout: 8-byte little-endian unsigned header length N, then N bytes of JSON
    {name: {"dtype", "shape", "data_offsets": [begin, end]}, optional "__metadata__": {str: str}},
    then the data section; offsets are relative to the start of the data section.
    Returns (tensors in header order, metadata).
    """
    if len(buf) < 8:
        raise ValueError(f"{origin}: too short for a safetensors header")
    (header_len,) = struct.unpack("<Q", buf[:8])
    if 8 + header_len > len(buf):
        raise ValueError(f"{origin}: header length {header_len} runs past the end of the file")
    header = json.loads(buf[8:8 + header_len].decode("utf-8"))
    data = memoryview(buf)[8 + header_len:]
    metadata = header.pop("__metadata__", None) or {}

    tensors: Dict[str, StoredTensor] = {}
    spans = []
    for name, entry in header.items():
        dtype = entry["dtype"]
        if dtype not in _RAW_DTYPES:
            raise ValueError(f"{origin}: tensor {name} has unsupported dtype {dtype}")
        size, raw_dtype = _RAW_DTYPES[dtype]
        shape = tuple(int(d) for d in entry["shape"])
        begin, end = (int(o) for o in entry["data_offsets"])
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if end - begin != count * size or begin < 0 or end > len(data):
            raise ValueError(f"{origin}: tensor {name} offsets {begin}..{end} do not fit shape {shape} {dtype}")
        raw = np.frombuffer(data[begin:end], dtype=raw_dtype, count=count).reshape(shape)
        tensors[name] = StoredTensor(dtype, shape, decode_raw(dtype, raw))
        spans.append((begin, end, name))

    # The format requires the data section to be covered exactly, without holes or overlaps.
    spans.sort()
    cursor = 0
    for begin, end, name in spans:
        if begin != cursor:
            raise ValueError(f"{origin}: tensor {name} starts at {begin}, expected {cursor} (hole or overlap)")
        cursor = end
    if cursor != len(data):
        raise ValueError(f"{origin}: data section has {len(data) - cursor} trailing bytes")
    return tensors, metadata


def read_safetensors(path: str) -> Dict[str, StoredTensor]:
    with open(path, "rb") as f:
        buf = f.read()
    tensors, _ = parse_safetensors(buf, path)
    return tensors


def load_tensors(model_dir: str) -> Dict[str, StoredTensor]:
    """All tensors of a checkpoint: model.safetensors, or the shards an index names."""
    index_path = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index_path):
        with open(index_path) as f:
            index = json.load(f)
        weight_map: Dict[str, str] = index["weight_map"]
        tensors: Dict[str, StoredTensor] = {}
        for shard in sorted(set(weight_map.values())):
            for name, t in read_safetensors(os.path.join(model_dir, shard)).items():
                if name in tensors:
                    raise ValueError(f"{model_dir}: tensor {name} appears in more than one shard")
                if weight_map.get(name) != shard:
                    raise ValueError(f"{model_dir}: index maps {name} to {weight_map.get(name)}, found in {shard}")
                tensors[name] = t
        missing = set(weight_map) - set(tensors)
        if missing:
            raise ValueError(f"{model_dir}: index names tensors no shard holds: {sorted(missing)[:5]}")
        return tensors
    return read_safetensors(os.path.join(model_dir, "model.safetensors"))


def load_model(model_dir: str) -> Tuple[dict, Dict[str, np.ndarray]]:
    """(config, {name: float64 array})."""
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    weights = {name: t.values for name, t in load_tensors(model_dir).items()}
    return config, weights


# --------------------------------------------------------------------------------------------
# Family traits: the only place that knows which architecture does what
# --------------------------------------------------------------------------------------------

SUPPORTED_ARCHITECTURES = (
    "MixtralForCausalLM",
    "OlmoeForCausalLM",
    "Qwen3MoeForCausalLM",
    "Qwen2MoeForCausalLM",
    "LlamaForCausalLM",
    "Qwen3ForCausalLM",
)


@dataclass(frozen=True)
class Family:
    arch: str
    head_dim: int
    qkv_bias: bool          # q/k/v projections carry a bias
    o_bias: bool            # o_proj carries a bias
    qk_norm: Optional[str]  # None, "whole" (OLMoE: over the full projection) or "per_head" (Qwen3)
    clip_qkv: Optional[float]
    sliding_window: Optional[int]
    moe_prefix: str         # "block_sparse_moe" (Mixtral) or "mlp"
    expert_names: Tuple[str, str, str]  # (gate, up, down) tensor names inside an expert
    shared_expert: bool     # Qwen2-MoE shared expert with sigmoid gate


def family_of(config: dict) -> Family:
    arch = config["architectures"][0]
    if arch not in SUPPORTED_ARCHITECTURES:
        raise NotImplementedError(f"architecture {arch}")
    if config.get("hidden_act", "silu") != "silu":
        raise NotImplementedError(f"hidden_act {config.get('hidden_act')}")
    if config.get("mlp_bias", False):
        raise NotImplementedError("mlp_bias")
    if config.get("use_sliding_window", False):
        # Qwen2/Qwen3 family sliding window (per-layer, max_window_layers) is not modelled.
        raise NotImplementedError("use_sliding_window")
    if config.get("partial_rotary_factor", 1.0) != 1.0:
        raise NotImplementedError("partial_rotary_factor")

    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    # HF: config.head_dim when set, else hidden_size // num_attention_heads. OlmoeAttention always
    # uses hidden_size // num_attention_heads and ignores any head_dim entry.
    head_dim = config.get("head_dim") or hidden // heads
    if arch == "OlmoeForCausalLM":
        head_dim = hidden // heads
    attention_bias = bool(config.get("attention_bias", False))
    swiglu = ("gate_proj", "up_proj", "down_proj")

    if arch == "MixtralForCausalLM":
        return Family(arch, head_dim, False, False, None, None, config.get("sliding_window"),
                      "block_sparse_moe", ("w1", "w3", "w2"), False)
    if arch == "OlmoeForCausalLM":
        return Family(arch, head_dim, attention_bias, attention_bias, "whole", config.get("clip_qkv"), None,
                      "mlp", swiglu, False)
    if arch == "Qwen2MoeForCausalLM":
        # Qwen2MoeAttention: q/k/v biased (config.qkv_bias, default true, absent from real configs); o_proj never.
        return Family(arch, head_dim, bool(config.get("qkv_bias", True)), False, None, None, None, "mlp", swiglu, True)
    if arch in ("Qwen3MoeForCausalLM", "Qwen3ForCausalLM"):
        return Family(arch, head_dim, attention_bias, attention_bias, "per_head", None, None, "mlp", swiglu, False)
    # LlamaForCausalLM
    return Family(arch, head_dim, attention_bias, attention_bias, None, None, None, "mlp", swiglu, False)


def mlp_is_sparse(config: dict, fam: Family, layer: int) -> bool:
    """Whether decoder layer `layer` has a routed MoE block (else a dense SwiGLU MLP)."""
    if fam.arch in ("MixtralForCausalLM", "OlmoeForCausalLM"):
        return True
    if fam.arch in ("Qwen3MoeForCausalLM", "Qwen2MoeForCausalLM"):
        # HF: sparse iff not in mlp_only_layers and num_experts > 0 and (layer+1) % decoder_sparse_step == 0
        return (layer not in config.get("mlp_only_layers", [])
                and config.get("num_experts", 0) > 0
                and (layer + 1) % config.get("decoder_sparse_step", 1) == 0)
    return False


def moe_sizes(config: dict, fam: Family) -> Tuple[int, int, bool]:
    """(num_experts, top_k, renormalise top-k weights)."""
    if fam.arch == "MixtralForCausalLM":
        # Mixtral always renormalises the top-k probabilities to sum to 1.
        return config["num_local_experts"], config["num_experts_per_tok"], True
    return config["num_experts"], config["num_experts_per_tok"], bool(config.get("norm_topk_prob", False))


# --------------------------------------------------------------------------------------------
# Building blocks (each works on [T, ...] arrays of one dtype, float64 by default)
# --------------------------------------------------------------------------------------------

def rms_norm(x: np.ndarray, weight: np.ndarray, eps: float) -> np.ndarray:
    """x / sqrt(mean(x^2) + eps) * weight over the last axis."""
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * weight


def silu(z: np.ndarray) -> np.ndarray:
    return z / (1.0 + np.exp(-z))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; -inf entries get exactly 0."""
    m = np.max(z, axis=-1, keepdims=True)
    e = np.exp(z - m)
    return e / np.sum(e, axis=-1, keepdims=True)


def linear(x: np.ndarray, weight: np.ndarray, bias: Optional[np.ndarray] = None) -> np.ndarray:
    """torch.nn.Linear: x W^T (+ b), W stored [out, in]."""
    y = x @ weight.T
    return y if bias is None else y + bias


def rope_inv_freq(config: dict, head_dim: int) -> np.ndarray:
    """Inverse frequencies inv_freq[i] = theta^(-2i/head_dim), with Llama 3 scaling when configured."""
    theta = float(config.get("rope_theta", 10000.0))
    inv_freq = theta ** (-np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)
    scaling = config.get("rope_scaling")
    if not scaling:
        return inv_freq
    kind = scaling.get("rope_type", scaling.get("type"))
    if kind == "default":
        return inv_freq
    if kind != "llama3":
        raise NotImplementedError(f"rope_scaling type {kind}")
    factor = float(scaling["factor"])
    low, high = float(scaling["low_freq_factor"]), float(scaling["high_freq_factor"])
    old_ctx = float(scaling["original_max_position_embeddings"])
    low_freq_wavelen, high_freq_wavelen = old_ctx / low, old_ctx / high
    wavelen = 2.0 * math.pi / inv_freq
    # Long wavelengths (low frequency) are slowed by `factor`, short ones kept, the band between
    # interpolated linearly in 1/wavelen.
    smooth = (old_ctx / wavelen - low) / (high - low)
    smoothed = (1.0 - smooth) * inv_freq / factor + smooth * inv_freq
    return np.where(wavelen > low_freq_wavelen, inv_freq / factor,
                    np.where(wavelen < high_freq_wavelen, inv_freq, smoothed))


def rope_cos_sin(inv_freq: np.ndarray, seq_len: int) -> Tuple[np.ndarray, np.ndarray]:
    """cos/sin tables [T, head_dim], the angle duplicated as [ang, ang] (HF's non-interleaved layout)."""
    angles = np.arange(seq_len, dtype=np.float64)[:, None] * inv_freq[None, :]
    emb = np.concatenate([angles, angles], axis=-1)
    return np.cos(emb), np.sin(emb)


def apply_rope(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """x [T, heads, D]: x*cos + rotate_half(x)*sin, rotate_half(x) = concat(-x[D/2:], x[:D/2])."""
    half = x.shape[-1] // 2
    rotated = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * cos[:, None, :] + rotated * sin[:, None, :]


def attention_mask(seq_len: int, sliding_window: Optional[int]) -> np.ndarray:
    """Boolean [T, T]: query i may see key j iff j <= i (and i - j < window when a window is set)."""
    i = np.arange(seq_len)[:, None]
    j = np.arange(seq_len)[None, :]
    allowed = j <= i
    if sliding_window is not None:
        allowed &= (i - j) < sliding_window
    return allowed


def attention(config: dict, fam: Family, W: Dict[str, np.ndarray], layer: int, x: np.ndarray,
              trace: Optional[dict] = None, clip_before_qk_norm: bool = False) -> np.ndarray:
    """Self-attention of one layer on normed input x [T, hidden]; returns [T, hidden].

    clip_before_qk_norm exists only for the counterfactual self-check that proves the OLMoE
    fixture is sensitive to where clip_qkv sits; the reference semantics is False (HF order).
    """
    p = f"model.layers.{layer}.self_attn."
    T = x.shape[0]
    H, KV, D = config["num_attention_heads"], config["num_key_value_heads"], fam.head_dim
    eps = config["rms_norm_eps"]

    def bias(name: str, present: bool) -> Optional[np.ndarray]:
        return W[p + name + ".bias"] if present else None

    q = linear(x, W[p + "q_proj.weight"], bias("q_proj", fam.qkv_bias))
    k = linear(x, W[p + "k_proj.weight"], bias("k_proj", fam.qkv_bias))
    v = linear(x, W[p + "v_proj.weight"], bias("v_proj", fam.qkv_bias))

    clip = fam.clip_qkv
    if clip is not None and clip_before_qk_norm:
        q, k, v = (np.clip(t, -clip, clip) for t in (q, k, v))
    if fam.qk_norm == "whole":
        # OLMoE: one RMSNorm over the whole projection (all heads together), before the head split.
        q = rms_norm(q, W[p + "q_norm.weight"], eps)
        k = rms_norm(k, W[p + "k_norm.weight"], eps)
    if clip is not None and not clip_before_qk_norm:
        # HF OlmoeAttention clamps after q_norm/k_norm (v has no norm, so it is clamped as projected).
        if trace is not None:
            n_clipped = sum(int(np.sum(np.abs(t) > clip)) for t in (q, k, v))
            trace.setdefault("clip", {})[layer] = (n_clipped, q.size + k.size + v.size)
        q, k, v = (np.clip(t, -clip, clip) for t in (q, k, v))

    q = q.reshape(T, H, D)
    k = k.reshape(T, KV, D)
    v = v.reshape(T, KV, D)
    if fam.qk_norm == "per_head":
        # Qwen3: RMSNorm(head_dim) on each head separately, after the split, before RoPE.
        q = rms_norm(q, W[p + "q_norm.weight"], eps)
        k = rms_norm(k, W[p + "k_norm.weight"], eps)

    cos, sin = rope_cos_sin(rope_inv_freq(config, D), T)
    q = apply_rope(q, cos.astype(x.dtype), sin.astype(x.dtype))
    k = apply_rope(k, cos.astype(x.dtype), sin.astype(x.dtype))

    allowed = attention_mask(T, fam.sliding_window)
    group = H // KV
    out = np.empty((T, H, D), dtype=x.dtype)
    for h in range(H):
        kv = h // group  # GQA: consecutive query heads share one key/value head
        scores = (q[:, h, :] @ k[:, kv, :].T) / np.sqrt(np.asarray(D, dtype=x.dtype))
        probs = softmax(np.where(allowed, scores, -np.inf))
        out[:, h, :] = probs @ v[:, kv, :]
    return linear(out.reshape(T, H * D), W[p + "o_proj.weight"], bias("o_proj", fam.o_bias))


def swiglu_mlp(W: Dict[str, np.ndarray], prefix: str, names: Tuple[str, str, str], x: np.ndarray) -> np.ndarray:
    """down( silu(gate(x)) * up(x) ); prefix ends with '.'."""
    gate, up, down = (W[prefix + n + ".weight"] for n in names)
    return linear(silu(linear(x, gate)) * linear(x, up), down)


def route(x: np.ndarray, router: np.ndarray, top_k: int, renormalise: bool):
    """Router of every MoE family: softmax over all experts, top-k by probability (descending).

    Returns (probs [T, E], ids [T, k], weights [T, k]).
    """
    probs = softmax(linear(x, router))
    # stable sort on -p: descending probability; exact ties (never in the fixtures) keep the lower id
    ids = np.argsort(-probs, axis=-1, kind="stable")[:, :top_k]
    weights = np.take_along_axis(probs, ids, axis=-1)
    if renormalise:
        weights = weights / np.sum(weights, axis=-1, keepdims=True)
    return probs, ids, weights


def moe_block(config: dict, fam: Family, W: Dict[str, np.ndarray], layer: int, x: np.ndarray,
              trace: Optional[dict] = None) -> np.ndarray:
    """Routed experts (+ the Qwen2-MoE shared expert) on normed input x [T, hidden]."""
    p = f"model.layers.{layer}.{fam.moe_prefix}."
    _, top_k, renorm = moe_sizes(config, fam)
    probs, ids, weights = route(x, W[p + "gate.weight"], top_k, renorm)

    out = np.zeros_like(x)
    for t in range(x.shape[0]):
        for slot in range(top_k):
            e = int(ids[t, slot])
            out[t] += weights[t, slot] * swiglu_mlp(W, f"{p}experts.{e}.", fam.expert_names, x[t:t + 1])[0]

    shared_gate = None
    if fam.shared_expert:
        # Qwen2-MoE: every token also goes through one shared expert, scaled by a sigmoid gate.
        shared_gate = sigmoid(linear(x, W[p + "shared_expert_gate.weight"]))  # [T, 1]
        out = out + shared_gate * swiglu_mlp(W, p + "shared_expert.", fam.expert_names, x)

    if trace is not None:
        trace.setdefault("routing", {})[layer] = {
            "probs": probs, "ids": ids, "weights": weights,
            "shared_gate": None if shared_gate is None else shared_gate[:, 0],
        }
    return out


def mlp(config: dict, fam: Family, W: Dict[str, np.ndarray], layer: int, x: np.ndarray,
        trace: Optional[dict] = None) -> np.ndarray:
    if mlp_is_sparse(config, fam, layer):
        return moe_block(config, fam, W, layer, x, trace)
    return swiglu_mlp(W, f"model.layers.{layer}.mlp.", ("gate_proj", "up_proj", "down_proj"), x)


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------

def forward(config: dict, W: Dict[str, np.ndarray], ids, trace: Optional[dict] = None,
            dtype=np.float64, clip_before_qk_norm: bool = False) -> np.ndarray:
    """Logits [T, vocab] for token ids (positions 0..T-1), full causal recompute.

    dtype=np.float32 runs the same graph in single precision; it is only used to estimate how far
    a float32 engine may drift from the float64 reference (the tolerance story).
    trace, when a dict, collects per-layer routing and clip statistics.
    """
    fam = family_of(config)
    if dtype != np.float64:
        W = {name: w.astype(dtype) for name, w in W.items()}
    ids = np.asarray(ids, dtype=np.int64)
    eps = config["rms_norm_eps"]

    x = W["model.embed_tokens.weight"][ids]
    for layer in range(config["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        h = x + attention(config, fam, W, layer, rms_norm(x, W[p + "input_layernorm.weight"], eps), trace,
                          clip_before_qk_norm)
        x = h + mlp(config, fam, W, layer, rms_norm(h, W[p + "post_attention_layernorm.weight"], eps), trace)
    x = rms_norm(x, W["model.norm.weight"], eps)

    if config.get("tie_word_embeddings", False):
        # Tied checkpoints carry no lm_head.weight; the embedding matrix doubles as the output head.
        head = W["model.embed_tokens.weight"]
    else:
        head = W["lm_head.weight"]
    return x @ head.T


def greedy(config: dict, W: Dict[str, np.ndarray], prompt_ids, steps: int) -> List[int]:
    """Greedy continuation, recomputing the whole sequence after each token (no cache)."""
    seq = list(prompt_ids)
    out = []
    for _ in range(steps):
        nxt = int(np.argmax(forward(config, W, seq)[-1]))
        out.append(nxt)
        seq.append(nxt)
    return out


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

def compare_with_golden(model_dir: str, golden_dir: str) -> int:
    config, W = load_model(model_dir)
    with open(os.path.join(golden_dir, "input_ids.json")) as f:
        ids = json.load(f)
    expected = np.load(os.path.join(golden_dir, "logits.npy"))
    got = forward(config, W, ids)
    diff = float(np.max(np.abs(got - expected)))
    print(f"max |logits - golden| = {diff:.3e}")
    with open(os.path.join(golden_dir, "greedy.json")) as f:
        g = json.load(f)
    gen = greedy(config, W, g["prompt_ids"], len(g["generated"]))
    print(f"greedy {'matches' if gen == g['generated'] else 'DIFFERS'}: {gen}")
    return 0 if diff < 1e-9 and gen == g["generated"] else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("ids", nargs="*", type=int, help="token ids")
    ap.add_argument("--golden", help="fixture directory to compare against")
    args = ap.parse_args(argv)
    if args.golden:
        return compare_with_golden(args.model_dir, args.golden)
    if not args.ids:
        ap.error("give token ids or --golden")
    config, W = load_model(args.model_dir)
    trace: dict = {}
    logits = forward(config, W, args.ids, trace)
    for t, row in enumerate(logits):
        top = np.argsort(-row)[:5]
        print(t, " ".join(f"{int(i)}:{row[i]:.4f}" for i in top))
    for layer, r in sorted(trace.get("routing", {}).items()):
        print(f"layer {layer} routing ids:", r["ids"].tolist())
    return 0


if __name__ == "__main__":
    sys.exit(main())
