#!/usr/bin/env python3
"""Generates SpecScope's tiny random-weight checkpoints and their golden fixtures.

    python engine/src/test/python/make_golden_checkpoints.py            # (re)generate everything
    python engine/src/test/python/make_golden_checkpoints.py --check    # verify files on disk, write nothing

Writes, relative to the repository:
    engine/src/test/resources/checkpoints/<name>/config.json + model.safetensors (or shards + index)
    engine/src/test/resources/golden/<name>/{input_ids.json, logits.npy, routing.json, greedy.json}
    engine/src/test/resources/golden/manifest.json

Everything is deterministic: each checkpoint has a base seed; if a draw misses the decision
margins (see README.md) the next seed is tried, so a rerun lands on the same seed and the same
bytes. Only numpy is needed. Files this script does not own (for example tokenizer files that
are added to a checkpoint directory later) are left untouched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import struct
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_forward as ref  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.normpath(os.path.join(HERE, "..", "resources"))
CHECKPOINTS = os.path.join(RESOURCES, "checkpoints")
GOLDEN = os.path.join(RESOURCES, "golden")

VOCAB = 512
HIDDEN = 64
SEQ_LEN = 12
GREEDY_STEPS = 8
FIRST_TOKEN = 3            # ids 0..2 are pad/bos/eos; prompts avoid them
TOP1_REL_MARGIN = 1e-2     # top1 - top2 > 1e-2 * max|logit| of the row
ROUTING_MARGIN = 1e-3      # p_k - p_(k+1) > 1e-3 at every MoE layer and position
MIN_DISTINCT_GENERATED = 4  # a greedy run stuck on one token would not test later positions
MAX_ATTEMPTS = 500

TORCH_DTYPE = {"F32": "float32", "BF16": "bfloat16", "F16": "float16"}


# --------------------------------------------------------------------------------------------
# safetensors writing (the reader lives in reference_forward.py)
# --------------------------------------------------------------------------------------------

def round_to_bf16_bits(x32: np.ndarray) -> np.ndarray:
    """float32 -> BF16 bit patterns, round to nearest, ties to even, on the float32 bit pattern."""
    if not np.all(np.isfinite(x32)):
        raise ValueError("non-finite weight")
    bits = np.ascontiguousarray(x32, dtype="<f4").view(np.uint32).astype(np.uint64)
    lsb = (bits >> np.uint64(16)) & np.uint64(1)
    return ((bits + np.uint64(0x7FFF) + lsb) >> np.uint64(16)).astype("<u2")


def encode(dtype: str, x32: np.ndarray) -> np.ndarray:
    """The stored element array (raw storage dtype) for float32 master values."""
    x32 = np.asarray(x32, dtype=np.float32)
    if dtype == "F32":
        return x32.astype("<f4")
    if dtype == "BF16":
        return round_to_bf16_bits(x32)
    if dtype == "F16":
        raw = x32.astype("<f2")  # IEEE round-to-nearest-even
        if not np.all(np.isfinite(raw)):
            raise ValueError("weight overflows float16")
        return raw
    raise ValueError(dtype)


def safetensors_bytes(tensors: List[Tuple[str, str, np.ndarray]]) -> bytes:
    """A safetensors image of (name, dtype, raw array) in the given order.

    Header JSON is padded with spaces to a multiple of 8 so the data section is 8-byte aligned.
    """
    header: Dict[str, object] = {"__metadata__": {"format": "pt"}}
    chunks = []
    offset = 0
    for name, dtype, raw in tensors:
        data = np.ascontiguousarray(raw).tobytes()
        header[name] = {"dtype": dtype, "shape": list(raw.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


# --------------------------------------------------------------------------------------------
# Checkpoint specifications
# --------------------------------------------------------------------------------------------

@dataclass
class Spec:
    name: str
    base_seed: int
    dtype: str                  # safetensors dtype of every tensor
    config: dict
    sparse_layers: List[int]    # layers with a routed MoE block (stated here, checked against the reference)
    shards: int = 1
    exercises: List[str] = field(default_factory=list)


def common_config(arch: str, model_type: str, dtype: str, layers: int, **extra) -> dict:
    # Special-token ids default to the SentencePiece layout (<unk>, <s>, </s> = 0, 1, 2); the byte-level
    # checkpoints override them with the ids of the tokenizer they ship (see the README).
    cfg = {
        "architectures": [arch],
        "model_type": model_type,
        "vocab_size": VOCAB,
        "hidden_size": HIDDEN,
        "num_hidden_layers": layers,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "hidden_act": "silu",
        "max_position_embeddings": 256,
        "initializer_range": 0.02,
        "attention_dropout": 0.0,
        "use_cache": True,
        "pad_token_id": 0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "torch_dtype": TORCH_DTYPE[dtype],
        "transformers_version": "4.51.3",
    }
    cfg.update(extra)
    return dict(sorted(cfg.items()))


SPECS = [
    Spec("mixtral-tiny", 1000, "BF16",
         common_config("MixtralForCausalLM", "mixtral", "BF16", 2,
                       intermediate_size=64, num_local_experts=8, num_experts_per_tok=2,
                       rms_norm_eps=1e-5, rope_theta=1e6, sliding_window=5, tie_word_embeddings=False,
                       output_router_logits=False, router_aux_loss_coef=0.02, router_jitter_noise=0.0),
         sparse_layers=[0, 1],
         exercises=["BF16 weights", "8 experts top-2 with top-k renormalisation",
                    "block_sparse_moe.experts.E.w1/w3/w2 names", "sliding_window 5 inside a 12-token prompt",
                    "head_dim derived from hidden/heads (no head_dim key)", "GQA 4/2", "untied lm_head"]),
    Spec("olmoe-tiny", 2000, "F32",
         common_config("OlmoeForCausalLM", "olmoe", "F32", 2,
                       bos_token_id=None, eos_token_id=508, pad_token_id=509,
                       intermediate_size=32, num_experts=16, num_experts_per_tok=4, norm_topk_prob=False,
                       clip_qkv=2.0, attention_bias=False, rms_norm_eps=1e-5, rope_theta=10000.0,
                       rope_scaling=None, tie_word_embeddings=False, output_router_logits=False,
                       router_aux_loss_coef=0.01),
         sparse_layers=[0, 1],
         exercises=["F32 weights", "16 experts top-4 without renormalisation (norm_topk_prob false)",
                    "q_norm/k_norm over the whole projection", "clip_qkv (applied after q/k norm, as HF does)",
                    "GQA 4/2", "untied lm_head"]),
    Spec("qwen3-moe-tiny", 3000, "BF16",
         common_config("Qwen3MoeForCausalLM", "qwen3_moe", "BF16", 3,
                       bos_token_id=509, eos_token_id=509, pad_token_id=509,
                       head_dim=32, intermediate_size=96, moe_intermediate_size=32, num_experts=8,
                       num_experts_per_tok=2, norm_topk_prob=True, decoder_sparse_step=1, mlp_only_layers=[1],
                       attention_bias=False, rms_norm_eps=1e-6, rope_theta=1e6, rope_scaling=None,
                       use_sliding_window=False, sliding_window=None, max_window_layers=3,
                       tie_word_embeddings=False, output_router_logits=False, router_aux_loss_coef=0.001),
         sparse_layers=[0, 2], shards=2,
         exercises=["BF16 weights", "sharded checkpoint (2 files + model.safetensors.index.json)",
                    "head_dim 32 != hidden/heads 16", "per-head q_norm/k_norm",
                    "8 experts top-2 with renormalisation (norm_topk_prob true)",
                    "mlp_only_layers [1]: layer 1 is a dense MLP of intermediate_size", "untied lm_head"]),
    Spec("qwen2-moe-tiny", 4000, "F16",
         common_config("Qwen2MoeForCausalLM", "qwen2_moe", "F16", 3,
                       bos_token_id=509, eos_token_id=509, pad_token_id=509,
                       intermediate_size=96, moe_intermediate_size=32, shared_expert_intermediate_size=64,
                       num_experts=8, num_experts_per_tok=2, norm_topk_prob=False, decoder_sparse_step=2,
                       rms_norm_eps=1e-6, rope_theta=1e6, use_sliding_window=False, sliding_window=None,
                       max_window_layers=3, tie_word_embeddings=False, output_router_logits=False,
                       router_aux_loss_coef=0.001),
         sparse_layers=[1],
         exercises=["F16 weights", "q/k/v bias, no o_proj bias", "shared expert with sigmoid gate",
                    "8 experts top-2 without renormalisation",
                    "decoder_sparse_step 2: only layer 1 sparse, layers 0 and 2 dense",
                    "mlp_only_layers absent (defaults to [])", "untied lm_head"]),
    Spec("llama-tiny", 5000, "F32",
         common_config("LlamaForCausalLM", "llama", "F32", 2,
                       head_dim=16, intermediate_size=128, attention_bias=False, mlp_bias=False,
                       pretraining_tp=1, rms_norm_eps=1e-5, rope_theta=500000.0,
                       rope_scaling={"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                                     "original_max_position_embeddings": 16, "rope_type": "llama3"},
                       tie_word_embeddings=True),
         sparse_layers=[],
         exercises=["F32 weights", "dense", "tied embeddings (no lm_head.weight)",
                    "llama3 rope_scaling (one smoothed band, the rest divided by factor)", "GQA 4/2"]),
    Spec("qwen3-tiny", 6000, "BF16",
         common_config("Qwen3ForCausalLM", "qwen3", "BF16", 2,
                       bos_token_id=509, eos_token_id=509, pad_token_id=509,
                       head_dim=32, intermediate_size=128, attention_bias=True, rms_norm_eps=1e-6,
                       rope_theta=1e6, rope_scaling=None, use_sliding_window=False, sliding_window=None,
                       max_window_layers=2, tie_word_embeddings=True),
         sparse_layers=[],
         exercises=["BF16 weights", "dense", "tied embeddings (no lm_head.weight)",
                    "attention_bias true (q/k/v/o biases)", "per-head q_norm/k_norm", "head_dim 32 != 16"]),
]


# --------------------------------------------------------------------------------------------
# Random weights
# --------------------------------------------------------------------------------------------

def make_weights(spec: Spec, rng: np.random.Generator) -> List[Tuple[str, np.ndarray]]:
    """float32 master weights in module order (embed, layers, norm, head).

    Scales are chosen for lively tiny models rather than HF's init (std 0.02 would make every
    distribution near-uniform): linear weights ~ N(0, gain^2/fan_in) keep activations O(1),
    embeddings/head at std 0.35 give logits a spread of a few units, router gain 2.5 makes
    routing decisive, norm weights 1 + N(0, 0.1^2).
    """
    cfg = spec.config
    arch = cfg["architectures"][0]
    H, KV = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    D = cfg.get("head_dim") or HIDDEN // H
    out: List[Tuple[str, np.ndarray]] = []

    def add(name: str, shape, std: float, mean: float = 0.0):
        out.append((name, (mean + std * rng.standard_normal(shape)).astype(np.float32)))

    def lin(name: str, out_dim: int, in_dim: int, gain: float = 1.0):
        add(name, (out_dim, in_dim), gain / np.sqrt(in_dim))

    def swiglu(prefix: str, inter: int):
        lin(prefix + "gate_proj.weight", inter, HIDDEN)
        lin(prefix + "up_proj.weight", inter, HIDDEN)
        lin(prefix + "down_proj.weight", HIDDEN, inter)

    attention_bias = cfg.get("attention_bias", False)
    qkv_bias = arch == "Qwen2MoeForCausalLM" or attention_bias
    o_bias = arch != "Qwen2MoeForCausalLM" and attention_bias

    add("model.embed_tokens.weight", (VOCAB, HIDDEN), 0.35)
    for L in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{L}."
        add(p + "input_layernorm.weight", (HIDDEN,), 0.1, 1.0)
        a = p + "self_attn."
        lin(a + "q_proj.weight", H * D, HIDDEN, 1.3)
        lin(a + "k_proj.weight", KV * D, HIDDEN, 1.3)
        lin(a + "v_proj.weight", KV * D, HIDDEN)
        lin(a + "o_proj.weight", HIDDEN, H * D)
        if qkv_bias:
            for n, dim in (("q_proj", H * D), ("k_proj", KV * D), ("v_proj", KV * D)):
                add(a + n + ".bias", (dim,), 0.2)
        if o_bias:
            add(a + "o_proj.bias", (HIDDEN,), 0.2)
        if arch == "OlmoeForCausalLM":
            add(a + "q_norm.weight", (H * D,), 0.1, 1.0)
            add(a + "k_norm.weight", (KV * D,), 0.1, 1.0)
        elif arch in ("Qwen3MoeForCausalLM", "Qwen3ForCausalLM"):
            add(a + "q_norm.weight", (D,), 0.1, 1.0)
            add(a + "k_norm.weight", (D,), 0.1, 1.0)
        add(p + "post_attention_layernorm.weight", (HIDDEN,), 0.1, 1.0)

        if L not in spec.sparse_layers:
            swiglu(p + "mlp.", cfg["intermediate_size"])
        elif arch == "MixtralForCausalLM":
            m = p + "block_sparse_moe."
            lin(m + "gate.weight", cfg["num_local_experts"], HIDDEN, 2.5)
            inter = cfg["intermediate_size"]
            for e in range(cfg["num_local_experts"]):
                lin(f"{m}experts.{e}.w1.weight", inter, HIDDEN)
                lin(f"{m}experts.{e}.w3.weight", inter, HIDDEN)
                lin(f"{m}experts.{e}.w2.weight", HIDDEN, inter)
        else:
            m = p + "mlp."
            lin(m + "gate.weight", cfg["num_experts"], HIDDEN, 2.5)
            inter = cfg["intermediate_size"] if arch == "OlmoeForCausalLM" else cfg["moe_intermediate_size"]
            for e in range(cfg["num_experts"]):
                swiglu(f"{m}experts.{e}.", inter)
            if arch == "Qwen2MoeForCausalLM":
                swiglu(m + "shared_expert.", cfg["shared_expert_intermediate_size"])
                lin(m + "shared_expert_gate.weight", 1, HIDDEN, 1.5)
    add("model.norm.weight", (HIDDEN,), 0.1, 1.0)
    if not cfg.get("tie_word_embeddings", False):
        add("lm_head.weight", (VOCAB, HIDDEN), 0.35)
    return out


def build_files(spec: Spec, master: List[Tuple[str, np.ndarray]]) -> Dict[str, bytes]:
    """File name -> bytes of the checkpoint's weight files (+ index when sharded).

    Shards split the module-ordered tensor list at (about) equal byte counts, as HF's
    save_pretrained does; inside each file tensors are sorted by name like safetensors' save_file.
    """
    encoded = [(name, spec.dtype, encode(spec.dtype, x)) for name, x in master]
    if spec.shards == 1:
        return {"model.safetensors": safetensors_bytes(sorted(encoded, key=lambda t: t[0]))}
    total = sum(raw.nbytes for _, _, raw in encoded)
    groups: List[list] = [[] for _ in range(spec.shards)]
    running = 0
    for item in encoded:
        shard = min(spec.shards - 1, running * spec.shards // total)
        groups[shard].append(item)
        running += item[2].nbytes
    files: Dict[str, bytes] = {}
    weight_map: Dict[str, str] = {}
    for i, group in enumerate(groups):
        fname = f"model-{i + 1:05d}-of-{spec.shards:05d}.safetensors"
        files[fname] = safetensors_bytes(sorted(group, key=lambda t: t[0]))
        for name, _, _ in group:
            weight_map[name] = fname
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    files["model.safetensors.index.json"] = (json.dumps(index, indent=2) + "\n").encode()
    return files


def weights_from_files(files: Dict[str, bytes]) -> Dict[str, np.ndarray]:
    """Reads the files back with the reference reader: the reference computes with stored values."""
    W: Dict[str, np.ndarray] = {}
    for fname, data in files.items():
        if fname.endswith(".safetensors"):
            tensors, meta = ref.parse_safetensors(data, fname)
            assert meta == {"format": "pt"}
            for name, t in tensors.items():
                W[name] = t.values
    return W


# --------------------------------------------------------------------------------------------
# Fixture computation and margins
# --------------------------------------------------------------------------------------------

@dataclass
class Result:
    ids: List[int]
    logits: np.ndarray            # [SEQ_LEN, VOCAB]
    generated: List[int]
    routing: dict                 # trace["routing"] of the prompt forward
    full_logits: np.ndarray       # logits of prompt + generated (all decision rows)
    full_routing: dict
    top1_margin: float            # min over decision rows of (top1-top2)/max|logit|
    routing_margin: Optional[float]


def top1_rel_gaps(logits: np.ndarray) -> np.ndarray:
    s = np.sort(logits, axis=-1)
    return (s[:, -1] - s[:, -2]) / np.max(np.abs(logits), axis=-1)


def routing_gaps(routing: dict, top_k_of) -> Dict[int, np.ndarray]:
    """Per MoE layer: p_k - p_(k+1) for every position."""
    gaps = {}
    for layer, r in routing.items():
        k = top_k_of
        s = -np.sort(-r["probs"], axis=-1)
        gaps[layer] = s[:, k - 1] - s[:, k]
    return gaps


def compute(config: dict, W: Dict[str, np.ndarray], ids: List[int]) -> Result:
    trace: dict = {}
    logits = ref.forward(config, W, ids, trace)
    generated = ref.greedy(config, W, ids, GREEDY_STEPS)
    full = ids + generated
    full_trace: dict = {}
    full_logits = ref.forward(config, W, full, full_trace)
    # Decision rows: the 12 prompt rows (fixture) and the rows that chose each greedy token.
    decision = full_logits[:SEQ_LEN + GREEDY_STEPS - 1]
    top1 = float(np.min(top1_rel_gaps(decision)))
    routing_margin = None
    if full_trace.get("routing"):
        fam = ref.family_of(config)
        k = ref.moe_sizes(config, fam)[1]
        gaps = routing_gaps(full_trace["routing"], k)
        routing_margin = float(min(np.min(g[:SEQ_LEN + GREEDY_STEPS - 1]) for g in gaps.values()))
    return Result(ids, logits, generated, trace.get("routing", {}), full_logits,
                  full_trace.get("routing", {}), top1, routing_margin)


def margins_ok(r: Result) -> bool:
    return (r.top1_margin > TOP1_REL_MARGIN
            and (r.routing_margin is None or r.routing_margin > ROUTING_MARGIN)
            and len(set(r.generated)) >= MIN_DISTINCT_GENERATED)


def draw(spec: Spec):
    """Searches seeds base_seed, base_seed+1, ... for a draw that meets the margins."""
    for attempt in range(MAX_ATTEMPTS):
        seed = spec.base_seed + attempt
        rng = np.random.default_rng(seed)
        master = make_weights(spec, rng)
        ids = [int(i) for i in rng.integers(FIRST_TOKEN, VOCAB, SEQ_LEN)]
        files = build_files(spec, master)
        W = weights_from_files(files)
        result = compute(spec.config, W, ids)
        if margins_ok(result):
            return seed, attempt + 1, files, W, result
    raise RuntimeError(f"{spec.name}: no seed in {MAX_ATTEMPTS} attempts meets the margins")


# --------------------------------------------------------------------------------------------
# Fixture files
# --------------------------------------------------------------------------------------------

def npy_bytes(a: np.ndarray) -> bytes:
    """.npy v1.0, little-endian '<f8', C order."""
    a = np.ascontiguousarray(a, dtype="<f8")
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }" % (
        ", ".join(str(d) for d in a.shape) + ("," if a.ndim == 1 else ""))
    # magic(6) + version(2) + header_len(2) + header + '\n' padded to a multiple of 64
    pad = -(10 + len(header) + 1) % 64
    header_bytes = (header + " " * pad + "\n").encode("latin1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header_bytes)) + header_bytes + a.tobytes()


def routing_json(routing: dict) -> dict:
    out = {}
    for layer in sorted(routing):
        r = routing[layer]
        positions = []
        for t in range(SEQ_LEN):
            entry = {"ids": [int(e) for e in r["ids"][t]], "weights": [float(w) for w in r["weights"][t]]}
            if r["shared_gate"] is not None:
                entry["shared_expert_gate"] = float(r["shared_gate"][t])
            positions.append(entry)
        out[str(layer)] = {"positions": positions, "probs": [float(p) for p in r["probs"][0]]}
    return out


def dumps(obj) -> bytes:
    return (json.dumps(obj, indent=1) + "\n").encode()


def fixture_files(result: Result) -> Dict[str, bytes]:
    return {
        "input_ids.json": dumps(result.ids),
        "logits.npy": npy_bytes(result.logits),
        "routing.json": dumps(routing_json(result.routing)),
        "greedy.json": dumps({"prompt_ids": result.ids, "generated": result.generated}),
    }


OWNED_CHECKPOINT_FILES = ("config.json", "model.safetensors", "model.safetensors.index.json")


def write_dir(path: str, files: Dict[str, bytes], owned_prefix_cleanup: bool) -> None:
    os.makedirs(path, exist_ok=True)
    if owned_prefix_cleanup:
        # Remove stale weight files we own (e.g. a different shard count); leave anything else alone.
        for f in os.listdir(path):
            if (f in OWNED_CHECKPOINT_FILES or (f.startswith("model-") and f.endswith(".safetensors"))) \
                    and f not in files:
                os.remove(os.path.join(path, f))
    for name, data in files.items():
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


# --------------------------------------------------------------------------------------------
# Self-checks
# --------------------------------------------------------------------------------------------

def check_safetensors_io() -> None:
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((3, 5)) * 3).astype(np.float32)
    items = [("b.f32", "F32", encode("F32", x)), ("a.bf16", "BF16", encode("BF16", x)),
             ("c.f16", "F16", encode("F16", x)), ("d.scalar", "F32", encode("F32", np.float32(2.5)))]
    data = safetensors_bytes(items)
    (hlen,) = struct.unpack("<Q", data[:8])
    assert hlen % 8 == 0, "header not padded to 8"
    tensors, meta = ref.parse_safetensors(data)
    assert meta == {"format": "pt"}
    assert list(tensors) == ["b.f32", "a.bf16", "c.f16", "d.scalar"]  # header order preserved
    assert np.array_equal(tensors["b.f32"].values, x.astype(np.float64))
    assert np.array_equal(tensors["c.f16"].values, x.astype(np.float16).astype(np.float64))
    assert tensors["d.scalar"].shape == () and float(tensors["d.scalar"].values) == 2.5
    bf = tensors["a.bf16"].values
    assert np.max(np.abs(bf - x) / np.abs(x)) <= 2.0 ** -8, "bf16 rounding error above half an ulp"
    # Round-to-nearest-even on exact halfway cases and plain rounding cases (bit patterns):
    cases = {0x3F808000: 0x3F80,  # 1 + 2^-8: halfway, lower neighbour is even -> down
             0x3F818000: 0x3F82,  # halfway, lower neighbour 0x3F81 odd -> up to even
             0x3F808001: 0x3F81,  # just above halfway -> up
             0x3F807FFF: 0x3F80,  # just below halfway -> down
             0xBF808000: 0xBF80,  # negative halfway -> even
             0x00000000: 0x0000}
    src = np.array(list(cases), dtype=np.uint32).view(np.float32)
    assert round_to_bf16_bits(src).tolist() == list(cases.values()), "bf16 round-nearest-even"
    # The reader refuses holes/overlaps and bad offsets.
    header = {"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}
    text = json.dumps(header).encode()
    try:
        ref.parse_safetensors(struct.pack("<Q", len(text)) + text + b"\0" * 8)
        raise AssertionError("reader accepted offsets that do not fit the shape")
    except ValueError:
        pass
    header = {"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]},
              "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}
    text = json.dumps(header).encode()
    try:
        ref.parse_safetensors(struct.pack("<Q", len(text)) + text + b"\0" * 8)
        raise AssertionError("reader accepted a hole and an overlap")
    except ValueError:
        pass


def check_blocks() -> None:
    D = 16
    inv = ref.rope_inv_freq({"rope_theta": 10000.0}, D)
    cos, sin = ref.rope_cos_sin(inv, 6)
    x = np.random.default_rng(1).standard_normal((6, 2, D))
    y = ref.apply_rope(x, cos, sin)
    assert np.array_equal(y[0], x[0]), "RoPE at position 0 must be the identity"
    # Rotation preserves each (i, i + D/2) pair's length.
    pair = lambda a: a[..., :D // 2] ** 2 + a[..., D // 2:] ** 2  # noqa: E731
    assert np.allclose(pair(y), pair(x), rtol=1e-12)
    # The rotation is relative: <R(p) q, R(p') k> depends only on p - p'.
    q, k = x[0, 0], x[1, 1]
    rot = lambda v, p: ref.apply_rope(np.tile(v, (6, 1, 1)), cos, sin)[p, 0]  # noqa: E731
    assert np.isclose(rot(q, 3) @ rot(k, 1), rot(q, 4) @ rot(k, 2), rtol=1e-12)
    s = ref.softmax(np.random.default_rng(2).standard_normal((5, 9)) * 4)
    assert np.allclose(s.sum(-1), 1.0, atol=1e-15)
    m = ref.attention_mask(8, 3)
    assert m[5].tolist() == [False, False, False, True, True, True, False, False]
    # llama3 scaling with original context 16 and head_dim 16: band 0 smoothed, others / factor.
    sc = {"rope_theta": 500000.0, "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                    "high_freq_factor": 4.0, "original_max_position_embeddings": 16}}
    base = ref.rope_inv_freq({"rope_theta": 500000.0}, 16)
    scaled = ref.rope_inv_freq(sc, 16)
    smooth0 = (16 / (2 * np.pi) - 1.0) / 3.0
    assert np.isclose(scaled[0], (1 - smooth0) * base[0] / 8 + smooth0 * base[0])
    assert np.allclose(scaled[1:], base[1:] / 8)


def check_checkpoint(spec: Spec, config: dict, W: Dict[str, np.ndarray], result: Result) -> dict:
    """Per-checkpoint structural and sensitivity checks; returns facts for the manifest."""
    facts: dict = {}
    arch = config["architectures"][0]
    fam = ref.family_of(config)
    names = set(W)
    L = config["num_hidden_layers"]

    # Layout: which layers route, tied heads, attention extras.
    for layer in range(L):
        assert ref.mlp_is_sparse(config, fam, layer) == (layer in spec.sparse_layers), (spec.name, layer)
        router = f"model.layers.{layer}.{fam.moe_prefix}.gate.weight"
        assert (router in names) == (layer in spec.sparse_layers), f"{spec.name}: router presence at layer {layer}"
        if layer not in spec.sparse_layers:
            assert f"model.layers.{layer}.mlp.gate_proj.weight" in names
            assert not any(n.startswith(f"model.layers.{layer}.mlp.experts.") for n in names)
    tied = config.get("tie_word_embeddings", False)
    assert ("lm_head.weight" in names) == (not tied), f"{spec.name}: lm_head presence vs tie_word_embeddings"
    assert set(result.routing) == set(spec.sparse_layers)

    for layer, r in result.full_routing.items():
        assert np.allclose(r["probs"].sum(-1), 1.0, atol=1e-12), "router softmax rows sum to 1"
        if ref.moe_sizes(config, fam)[2]:
            assert np.allclose(r["weights"].sum(-1), 1.0, atol=1e-12)
        else:
            assert np.all(r["weights"].sum(-1) < 1.0)

    # Causality: each prefix forward equals the corresponding rows of the longest forward.
    for t in (1, 5, SEQ_LEN):
        assert np.allclose(ref.forward(config, W, result.ids[:t]), result.full_logits[:t], rtol=0, atol=1e-11)
    assert np.allclose(result.logits, result.full_logits[:SEQ_LEN], rtol=0, atol=1e-11)

    if arch == "MixtralForCausalLM":
        alt = ref.forward(config | {"sliding_window": None}, W, result.ids)
        w = config["sliding_window"]
        assert np.allclose(alt[:w], result.logits[:w], rtol=0, atol=1e-12), "window cannot matter before position W"
        diff = float(np.max(np.abs(alt - result.logits)))
        assert diff > 0.05, f"sliding window barely matters ({diff})"
        facts["max_abs_logit_change_without_sliding_window"] = diff
    if arch == "OlmoeForCausalLM":
        trace: dict = {}
        ref.forward(config, W, result.ids, trace)
        clipped = sum(c for c, _ in trace["clip"].values())
        total = sum(n for _, n in trace["clip"].values())
        frac = clipped / total
        assert 0.01 < frac < 0.2, f"clip_qkv clips {frac:.3f} of q/k/v entries"
        no_clip = ref.forward(config | {"clip_qkv": None}, W, result.ids)
        before = ref.forward(config, W, result.ids, clip_before_qk_norm=True)
        d_none = float(np.max(np.abs(no_clip - result.logits)))
        d_order = float(np.max(np.abs(before - result.logits)))
        assert d_none > 0.05 and d_order > 0.05, (d_none, d_order)
        facts["clip_qkv_fraction_clipped"] = round(frac, 4)
        facts["max_abs_logit_change_without_clip"] = d_none
        facts["max_abs_logit_change_if_clipped_before_qk_norm"] = d_order
    if arch == "LlamaForCausalLM":
        alt = ref.forward(config | {"rope_scaling": None}, W, result.ids)
        diff = float(np.max(np.abs(alt - result.logits)))
        assert diff > 0.05, f"rope scaling barely matters ({diff})"
        facts["max_abs_logit_change_without_rope_scaling"] = diff
    if fam.head_dim != config["hidden_size"] // config["num_attention_heads"]:
        q = W["model.layers.0.self_attn.q_proj.weight"]
        assert q.shape == (config["num_attention_heads"] * fam.head_dim, config["hidden_size"])

    # Tolerance story: run the same graph in float32 and measure the drift.
    f32_trace: dict = {}
    f32 = ref.forward(config, W, result.ids + result.generated, f32_trace, dtype=np.float32).astype(np.float64)
    decision_rows = SEQ_LEN + GREEDY_STEPS - 1
    assert np.array_equal(np.argmax(f32[:decision_rows], -1), np.argmax(result.full_logits[:decision_rows], -1)), \
        "float32 simulation changes a top-1 token"
    weight_drift = 0.0
    for layer, r in result.full_routing.items():
        assert np.array_equal(f32_trace["routing"][layer]["ids"], r["ids"]), "float32 simulation changes routing"
        weight_drift = max(weight_drift, float(np.max(np.abs(f32_trace["routing"][layer]["weights"] - r["weights"]))))
    facts["float32_max_abs_logit_diff"] = float(np.max(np.abs(f32 - result.full_logits)))
    if result.full_routing:
        facts["float32_max_abs_routing_weight_diff"] = weight_drift
    return facts


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

def describe(spec: Spec, seed: int, attempts: int, result: Result, facts: dict, files: Dict[str, bytes]) -> dict:
    return {
        "name": spec.name,
        "architecture": spec.config["architectures"][0],
        "model_type": spec.config["model_type"],
        "dtype": spec.dtype,
        "checkpoint": f"checkpoints/{spec.name}",
        "golden": f"golden/{spec.name}",
        "weight_files": sorted(f for f in files if f.endswith(".safetensors")),
        "moe_layers": spec.sparse_layers,
        "exercises": spec.exercises,
        "seed": seed,
        "seed_attempts": attempts,
        "min_top1_gap_relative": round(result.top1_margin, 6),
        "min_routing_prob_gap": None if result.routing_margin is None else round(result.routing_margin, 6),
        "checks": facts,
        "sha256": {f: hashlib.sha256(files[f]).hexdigest() for f in sorted(files)},
    }


def generate(check_only: bool) -> int:
    check_safetensors_io()
    check_blocks()
    manifest = {
        "description": "Tiny random-weight checkpoints and float64 reference fixtures for SpecScope. "
                       "Regenerate with engine/src/test/python/make_golden_checkpoints.py; see README.md there.",
        "sequence_length": SEQ_LEN,
        "greedy_steps": GREEDY_STEPS,
        "vocab_size": VOCAB,
        "margins": {"top1_relative": TOP1_REL_MARGIN, "routing_probability": ROUTING_MARGIN},
        "fixture_files": ["input_ids.json", "logits.npy", "routing.json", "greedy.json"],
        "checkpoints": [],
    }
    status = 0
    for spec in SPECS:
        seed, attempts, files, W, result = draw(spec)
        config_bytes = (json.dumps(spec.config, indent=2) + "\n").encode()
        ckpt_files = {"config.json": config_bytes, **files}
        fix_files = fixture_files(result)
        ckpt_dir = os.path.join(CHECKPOINTS, spec.name)
        gold_dir = os.path.join(GOLDEN, spec.name)
        if check_only:
            stale = False
            for d, fs in ((ckpt_dir, ckpt_files), (gold_dir, fix_files)):
                for fname, data in fs.items():
                    path = os.path.join(d, fname)
                    if not os.path.exists(path) or open(path, "rb").read() != data:
                        print(f"STALE {path}")
                        stale = True
            if stale:
                status = 1
                continue
        else:
            write_dir(ckpt_dir, ckpt_files, owned_prefix_cleanup=True)
            write_dir(gold_dir, fix_files, owned_prefix_cleanup=False)

        # Everything below reads what is on disk, through the public reference entry points.
        config, W_disk = ref.load_model(ckpt_dir)
        assert config == spec.config
        assert set(W_disk) == set(W) and all(np.array_equal(W_disk[n], W[n]) for n in W)
        logits_disk = ref.forward(config, W_disk, json.load(open(os.path.join(gold_dir, "input_ids.json"))))
        assert np.array_equal(logits_disk, np.load(os.path.join(gold_dir, "logits.npy")))
        if spec.shards > 1:
            index = json.load(open(os.path.join(ckpt_dir, "model.safetensors.index.json")))
            assert set(index["weight_map"]) == set(W_disk)
            assert len(set(index["weight_map"].values())) == spec.shards
            assert index["metadata"]["total_size"] == sum(
                os.path.getsize(os.path.join(ckpt_dir, f)) - 8 - struct.unpack("<Q", open(os.path.join(ckpt_dir, f), "rb").read(8))[0]
                for f in set(index["weight_map"].values()))

        facts = check_checkpoint(spec, config, W_disk, result)
        entry = describe(spec, seed, attempts, result, facts, ckpt_files)
        manifest["checkpoints"].append(entry)
        print(f"{spec.name:15s} seed {seed} ({attempts} tries)  top1 gap {result.top1_margin:.4f}  "
              f"routing gap {result.routing_margin}  f32 drift {facts['float32_max_abs_logit_diff']:.2e}")

    manifest_bytes = dumps(manifest)
    manifest_path = os.path.join(GOLDEN, "manifest.json")
    if check_only:
        if not os.path.exists(manifest_path) or open(manifest_path, "rb").read() != manifest_bytes:
            print(f"STALE {manifest_path}")
            status = 1
        print("all files up to date" if status == 0 else "some files are stale: rerun without --check")
    else:
        with open(manifest_path, "wb") as f:
            f.write(manifest_bytes)
    return status


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate SpecScope's tiny checkpoints and golden fixtures.")
    ap.add_argument("--check", action="store_true", help="recompute and compare with the files on disk; write nothing")
    args = ap.parse_args(argv)
    return generate(args.check)


if __name__ == "__main__":
    sys.exit(main())
