#!/usr/bin/python3
"""Convert the SentencePiece BPE model into Llama/Mistral-style Hugging Face
tokenizer files (tokenizer.json, tokenizer_config.json, special_tokens_map.json).

Merges are derived from the vocabulary: every normal piece that splits into
two vocabulary pieces yields a merge "left right" for each such split; merges
are ordered by the merged piece's SentencePiece score, highest first (the
order in which SentencePiece BPE applies them).

usage: convert_tokenizer.py [out_dir]   (default work/tokenizer/hf)
"""
import json
import os
import sys

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")


def build(sp):
    n = sp.get_piece_size()
    vocab = {sp.id_to_piece(i): i for i in range(n)}
    normal = {}
    for i in range(n):
        if sp.is_control(i) or sp.is_unknown(i) or sp.is_byte(i) or sp.is_unused(i):
            continue
        normal[sp.id_to_piece(i)] = i
    merges = []  # (score, id, split position, left, right)
    for piece, i in normal.items():
        for k in range(1, len(piece)):
            l, r = piece[:k], piece[k:]
            if l in normal and r in normal:
                merges.append((-sp.get_score(i), i, k, l, r))
    merges.sort()
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": sp.id_to_piece(i), "single_word": False, "lstrip": False,
             "rstrip": False, "normalized": False, "special": True}
            for i in (0, 1, 2)
        ],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
        ]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}},
        },
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ]},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": "<unk>",
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": True,
            "byte_fallback": True,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [f"{l} {r}" for _, _, _, l, r in merges],
        },
    }
    cfg = {
        "add_bos_token": True,
        "add_eos_token": False,
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": None,
        "clean_up_tokenization_spaces": False,
        "legacy": False,
        "model_max_length": 1024,
        "sp_model_kwargs": {},
        "spaces_between_special_tokens": False,
        "tokenizer_class": "LlamaTokenizer",
        "added_tokens_decoder": {
            str(i): {"content": sp.id_to_piece(i), "lstrip": False, "normalized": False,
                     "rstrip": False, "single_word": False, "special": True}
            for i in (0, 1, 2)
        },
    }
    stm = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}
    return tok, cfg, stm


def write(out_dir, sp_path=None):
    sp_path = sp_path or os.path.join(WORK, "tokenizer", "tokenizer.model")
    sp = spm.SentencePieceProcessor(model_file=sp_path)
    tok, cfg, stm = build(sp)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as fh:
        json.dump(tok, fh, ensure_ascii=False, indent=1)
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as fh:
        json.dump(cfg, fh, ensure_ascii=False, indent=2)
    with open(os.path.join(out_dir, "special_tokens_map.json"), "w", encoding="utf-8") as fh:
        json.dump(stm, fh, ensure_ascii=False, indent=2)
    with open(sp_path, "rb") as src, open(os.path.join(out_dir, "tokenizer.model"), "wb") as dst:
        dst.write(src.read())
    print(f"wrote {out_dir}: {len(tok['model']['vocab'])} pieces, {len(tok['model']['merges'])} merges")


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else os.path.join(WORK, "tokenizer", "hf"))
