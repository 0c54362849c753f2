"""A small, self-contained Qwen3 / Qwen3-MoE decoder in PyTorch.

The math follows Hugging Face's Qwen3MoeForCausalLM (and Qwen3ForCausalLM for
the dense draft) exactly:
  embed; per layer h = x + attn(rmsnorm(x)); x = h + mlp(rmsnorm(h));
  final rmsnorm; lm_head (untied for the target, tied for the draft).
Parameter names are chosen so that state_dict() keys are HF's tensor names.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        xf = x.float()
        xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * xf.to(x.dtype)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rope_cos_sin(seq_len, head_dim, theta, device=None, offset=0):
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    pos = torch.arange(offset, offset + seq_len, dtype=torch.float32)
    freqs = torch.outer(pos, inv_freq)                # [T, hd/2]
    emb = torch.cat((freqs, freqs), dim=-1)           # [T, hd]  (f, f)
    return emb.cos(), emb.sin()


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, H, KV, hd = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"]
        self.H, self.KV, self.hd = H, KV, hd
        self.q_proj = nn.Linear(d, H * hd, bias=False)
        self.k_proj = nn.Linear(d, KV * hd, bias=False)
        self.v_proj = nn.Linear(d, KV * hd, bias=False)
        self.o_proj = nn.Linear(H * hd, d, bias=False)
        self.q_norm = RMSNorm(hd, c["rms_norm_eps"])
        self.k_norm = RMSNorm(hd, c["rms_norm_eps"])

    def forward(self, x, cos, sin, mask):
        B, T, _ = x.shape
        q = self.q_norm(self.q_proj(x).view(B, T, self.H, self.hd)).transpose(1, 2)
        k = self.k_norm(self.k_proj(x).view(B, T, self.KV, self.hd)).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.KV, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.H // self.KV
        if rep > 1:
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        # q/sqrt(hd) before the product == (q k^T)/sqrt(hd); cheaper than scaling [T, T]
        att = (q * (1.0 / math.sqrt(self.hd))) @ k.transpose(-1, -2)
        att = att + mask
        att = torch.softmax(att.float(), dim=-1).to(q.dtype)
        y = (att @ v).transpose(1, 2).reshape(B, T, self.H * self.hd)
        return self.o_proj(y)


class MLP(nn.Module):
    def __init__(self, d, inter):
        super().__init__()
        self.gate_proj = nn.Linear(d, inter, bias=False)
        self.up_proj = nn.Linear(d, inter, bias=False)
        self.down_proj = nn.Linear(inter, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class SparseMoE(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.N, self.k = c["num_experts"], c["num_experts_per_tok"]
        self.norm_topk = c.get("norm_topk_prob", True)
        self.gate = nn.Linear(d, self.N, bias=False)
        self.experts = nn.ModuleList(MLP(d, c["moe_intermediate_size"]) for _ in range(self.N))

    def forward(self, x):
        B, T, d = x.shape
        xf = x.reshape(-1, d)
        logits = self.gate(xf)                                    # [S, N]
        probs = torch.softmax(logits, dim=-1, dtype=torch.float32)
        topw, topi = torch.topk(probs, self.k, dim=-1)            # [S, k]
        if self.norm_topk:
            topw = topw / topw.sum(dim=-1, keepdim=True)
        topw = topw.to(x.dtype)
        # Sort the (token, slot) assignments by expert, gather every routed token
        # once, run each expert on its contiguous slice, scatter-add back once.
        flat_e = topi.reshape(-1)
        order = torch.argsort(flat_e)
        counts = torch.bincount(flat_e, minlength=self.N).tolist()
        tok = order // self.k
        w = topw.reshape(-1).index_select(0, order)
        xs = xf.index_select(0, tok)
        ys = []
        for e, part in enumerate(torch.split(xs, counts)):
            if counts[e]:
                ys.append(self.experts[e](part))
        y = torch.cat(ys) * w[:, None]
        out = torch.zeros_like(xf).index_add_(0, tok, y)
        self.last_probs = probs
        self.last_logits = logits
        self.last_topi = topi
        return out.view(B, T, d)

    def aux_loss(self):
        # Switch / HF style: N * sum_e f_e * P_e, f_e summed over the k slots.
        S = self.last_probs.shape[0]
        f = torch.bincount(self.last_topi.reshape(-1), minlength=self.N).float() / S
        P = self.last_probs.mean(0)
        return self.N * (f * P).sum()


class DecoderLayer(nn.Module):
    def __init__(self, c, sparse):
        super().__init__()
        self.self_attn = Attention(c)
        self.mlp = SparseMoE(c) if sparse else MLP(c["hidden_size"], c["intermediate_size"])
        self.input_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])

    def forward(self, x, cos, sin, mask):
        h = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return h + self.mlp(self.post_attention_layernorm(h))


class Inner(nn.Module):
    def __init__(self, c, sparse):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(DecoderLayer(c, sparse) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])


class CausalLM(nn.Module):
    """Qwen3MoeForCausalLM when config model_type == 'qwen3_moe', else Qwen3ForCausalLM."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.sparse = c["model_type"] == "qwen3_moe"
        self.model = Inner(c, self.sparse)
        self.tied = c.get("tie_word_embeddings", False)
        if not self.tied:
            self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def moe_layers(self):
        return [l.mlp for l in self.model.layers if isinstance(l.mlp, SparseMoE)]

    def forward(self, ids):
        B, T = ids.shape
        c = self.c
        cos, sin = rope_cos_sin(T, c["head_dim"], c["rope_theta"])
        mask = torch.full((T, T), float("-inf")).triu(1)
        x = self.model.embed_tokens(ids)
        for layer in self.model.layers:
            x = layer(x, cos, sin, mask)
        x = self.model.norm(x)
        W = self.model.embed_tokens.weight if self.tied else self.lm_head.weight
        return x @ W.t()

    def hf_state_dict(self):
        sd = {k: v for k, v in self.state_dict().items()}
        if self.tied:
            sd.pop("lm_head.weight", None)
        return sd
