#!/usr/bin/env python3
"""Trains the small fixture tokenizers the engine's tokenizer tests load.

Pure Python 3 (standard library only). Deterministic: the corpus is a fixed list of
files present on Debian machines, with an embedded stand-in text for any file that is
missing, and every tie in the trainer is broken by a fixed order.

Writes four model directories under engine/src/test/resources/tokenizers/, each holding
tokenizer.json and tokenizer_config.json with at most 512 tokens (vocab + added tokens)
and ids dense from 0:

  sentencepiece-bpe/     Mistral/Llama-2 layout: Prepend+Replace normalizer, no
                         pre-tokenizer, byte fallback, Replace/ByteFallback/Fuse/Strip
                         decoder, template "<s> $A".
  metaspace-bpe/         the same vocabulary behind the newer layout: Metaspace
                         pre-tokenizer (prepend_scheme "first", split false).
  byte-level-bpe/        Qwen2 layout: NFC, Split(regex, Isolated) + ByteLevel(use_regex
                         false), no BOS, <|endoftext|> <|im_start|> <|im_end|>.
  neox-byte-level-bpe/   GPT-NeoX/OLMoE layout: ByteLevel(use_regex true), ignore_merges,
                         EOS appended by the template, two non-special added tokens.

Usage: python3 engine/src/test/python/train_test_tokenizers.py  (from the repository root,
or from anywhere: paths are resolved relative to this file).
"""

import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_ROOT = os.path.normpath(os.path.join(HERE, "..", "resources", "tokenizers"))

MAX_TOKENS = 512
META = "\u2581"  # the SentencePiece word-boundary mark

# The corpus: fixed files in a fixed order. A missing file is replaced by FALLBACK_TEXT so the
# output only depends on what is present, never on directory listings.
CORPUS_FILES = [
    "/usr/share/common-licenses/Apache-2.0",
    "/usr/share/common-licenses/GPL-3",
    "/usr/share/common-licenses/LGPL-2.1",
    "/usr/share/common-licenses/MPL-2.0",
    "/usr/share/common-licenses/BSD",
    "/usr/lib/python3.11/textwrap.py",
    "/usr/lib/python3.11/heapq.py",
    "/usr/lib/python3.11/bisect.py",
    "/usr/lib/python3.11/fnmatch.py",
]

FALLBACK_TEXT = """\
The software is provided as is, without warranty of any kind, express or implied.
Permission is hereby granted to use, copy, modify and distribute this program, provided
that the copyright notice and this permission notice appear in all copies. You may not
use the names of the authors to endorse products derived from this software.

def merge_sorted(left, right):
    \"\"\"Return one sorted list holding the items of two sorted lists.\"\"\"
    result = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            result.append(left[i])
            i += 1
        else:
            result.append(right[j])
            j += 1
    result.extend(left[i:])
    result.extend(right[j:])
    return result
"""

# A little text of our own with accents, so the byte-level vocabulary learns a few merges of
# multi-byte UTF-8 sequences as real checkpoints do.
EXTRA_TEXT = """\
The café on the corner serves crème brûlée; the naïve critic called it déjà vu.
Über den Wolken ist die Freiheit grenzenlos, sagte der Pilot in München.
"""


def read_corpus():
    parts = []
    for path in CORPUS_FILES:
        try:
            with open(path, encoding="utf-8") as f:
                parts.append(f.read())
        except OSError:
            parts.append(FALLBACK_TEXT)
    parts.append(EXTRA_TEXT * 30)
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------
# A plain BPE trainer over word counts: repeatedly merge the most frequent adjacent pair
# (ties: the lexicographically smallest pair), updating pair counts incrementally.
# ----------------------------------------------------------------------------------------

def train_bpe(word_counts, num_merges, existing):
    """word_counts: {tuple(symbols): count}; existing: the token strings already taken (a merge
    whose result is among them is skipped, and each accepted result is added). Returns the
    list of merges (a, b) in rank order."""
    words = [list(w) for w in word_counts]
    counts = [word_counts[w] for w in word_counts]
    pair_counts = collections.Counter()
    where = collections.defaultdict(set)
    for idx, symbols in enumerate(words):
        for a, b in zip(symbols, symbols[1:]):
            pair_counts[(a, b)] += counts[idx]
            where[(a, b)].add(idx)
    merges = []
    rejected = set()
    while len(merges) < num_merges:
        candidates = [(c, p) for p, c in pair_counts.items() if c > 0 and p not in rejected]
        if not candidates:
            break
        best_count = max(c for c, _ in candidates)
        best = min(p for c, p in candidates if c == best_count)
        merged = best[0] + best[1]
        if merged in existing:
            rejected.add(best)
            continue
        existing.add(merged)
        merges.append(best)
        for idx in sorted(where.pop(best, ())):
            symbols = words[idx]
            count = counts[idx]
            for a, b in zip(symbols, symbols[1:]):
                pair_counts[(a, b)] -= count
                if pair_counts[(a, b)] <= 0:
                    del pair_counts[(a, b)]
            out = []
            i = 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == best[0] and symbols[i + 1] == best[1]:
                    out.append(merged)
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            words[idx] = out
            for a, b in zip(out, out[1:]):
                pair_counts[(a, b)] += count
                where[(a, b)].add(idx)
    return merges


# ----------------------------------------------------------------------------------------
# SentencePiece-style vocabulary (byte fallback, "▁" marks word starts)
# ----------------------------------------------------------------------------------------

SP_SPECIALS = ["<unk>", "<s>", "</s>"]
# Kept out of the alphabet on purpose, so tests meet ASCII characters that need byte fallback.
SP_EXCLUDED_CHARS = set("~^`@$|")


def sp_vocab(corpus):
    vocab = {}
    for token in SP_SPECIALS:
        vocab[token] = len(vocab)
    for b in range(256):
        vocab["<0x%02X>" % b] = len(vocab)
    char_counts = collections.Counter(corpus)
    alphabet = sorted(c for c, n in char_counts.items()
                      if 32 < ord(c) < 127 and n >= 5 and c not in SP_EXCLUDED_CHARS)
    alphabet = [META] + alphabet
    for c in alphabet:
        vocab[c] = len(vocab)
    allowed = set(alphabet)
    # Training units: each line becomes "▁" + line with spaces as "▁", cut before every "▁"
    # that follows another character, so a unit is a run of "▁" then non-"▁" characters.
    # Characters outside the alphabet end a unit (they will be byte-encoded).
    units = collections.Counter()
    for line in corpus.split("\n"):
        text = META + line.replace(" ", META)
        for unit in re.findall(META + "*[^" + META + "]*", text):
            for piece in re.split("[^" + re.escape("".join(sorted(allowed))) + "]+", unit):
                if len(piece) > 1:
                    units[tuple(piece)] += 1
    budget = MAX_TOKENS - len(vocab)
    merges = train_bpe(units, budget, set(vocab))
    for a, b in merges:
        vocab[a + b] = len(vocab)
    return vocab, merges


# ----------------------------------------------------------------------------------------
# GPT-2 byte-level vocabulary
# ----------------------------------------------------------------------------------------

def bytes_to_unicode():
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    mapping = {b: chr(b) for b in printable}
    n = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + n)
            n += 1
    return mapping


BYTE_CHAR = bytes_to_unicode()

# An approximation of Qwen2's split pattern with Python's re (no \p{..}): good enough to
# choose training words; the tokenizers themselves use the exact pattern.
TRAIN_SPLIT = re.compile(r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\w]?[^\W\d_]+|\d| ?[^\s\w]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+""")

QWEN_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}|"
                r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

BL_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def byte_level_vocab(corpus, num_merges):
    vocab = {}
    for b in range(256):
        vocab[BYTE_CHAR[b]] = len(vocab)
    words = collections.Counter()
    for piece in TRAIN_SPLIT.findall(corpus):
        mapped = tuple(BYTE_CHAR[b] for b in piece.encode("utf-8"))
        if len(mapped) > 1:
            words[mapped] += 1
    merges = train_bpe(words, num_merges, set(vocab))
    for a, b in merges:
        vocab[a + b] = len(vocab)
    return vocab, merges


# ----------------------------------------------------------------------------------------
# tokenizer.json pieces
# ----------------------------------------------------------------------------------------

def added_token(token_id, content, special, normalized=None, lstrip=False, rstrip=False):
    return {
        "id": token_id,
        "content": content,
        "single_word": False,
        "lstrip": lstrip,
        "rstrip": rstrip,
        "normalized": (not special) if normalized is None else normalized,
        "special": special,
    }


def bos_template(bos, bos_id):
    return {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": bos, "type_id": 0}},
                   {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": bos, "type_id": 0}},
                 {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": bos, "type_id": 1}},
                 {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {bos: {"id": bos, "ids": [bos_id], "tokens": [bos]}},
    }


def bpe_model(vocab, merges, merge_format, byte_fallback, unk_token, ignore_merges=False):
    if merge_format == "strings":
        merge_list = [a + " " + b for a, b in merges]
    else:
        merge_list = [[a, b] for a, b in merges]
    return {
        "type": "BPE",
        "dropout": None,
        "unk_token": unk_token,
        "continuing_subword_prefix": None,
        "end_of_word_suffix": None,
        "fuse_unk": byte_fallback,
        "byte_fallback": byte_fallback,
        "ignore_merges": ignore_merges,
        "vocab": vocab,
        "merges": merge_list,
    }


def sentencepiece_tokenizer(vocab, merges):
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [added_token(vocab[t], t, True) for t in SP_SPECIALS],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": META},
            {"type": "Replace", "pattern": {"String": " "}, "content": META},
        ]},
        "pre_tokenizer": None,
        "post_processor": bos_template("<s>", vocab["<s>"]),
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": META}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ]},
        "model": bpe_model(vocab, merges, "strings", True, "<unk>"),
    }


def metaspace_tokenizer(vocab, merges):
    metaspace = {"type": "Metaspace", "replacement": META, "prepend_scheme": "first", "split": False}
    tokenizer = sentencepiece_tokenizer(vocab, merges)
    tokenizer["normalizer"] = None
    tokenizer["pre_tokenizer"] = metaspace
    tokenizer["decoder"] = {"type": "Sequence", "decoders": [dict(metaspace), {"type": "ByteFallback"}]}
    return tokenizer


def sentencepiece_config():
    return {
        "add_bos_token": True,
        "add_eos_token": False,
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "clean_up_tokenization_spaces": False,
        "legacy": True,
        "model_max_length": 4096,
        "tokenizer_class": "LlamaTokenizer",
    }


def qwen_tokenizer(vocab, merges):
    next_id = len(vocab)
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [added_token(next_id + i, t, True) for i, t in enumerate(BL_SPECIALS)],
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": QWEN_PATTERN}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        ]},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False,
                           "use_regex": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False,
                    "use_regex": False},
        "model": bpe_model(vocab, merges, "pairs", False, None),
    }


def qwen_config():
    return {
        "add_prefix_space": False,
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "errors": "replace",
        "clean_up_tokenization_spaces": False,
        "model_max_length": 32768,
        "tokenizer_class": "Qwen2Tokenizer",
    }


NEOX_EXTRA_WORDS = ["\u0120SpecScope", "\u0120tokenizer"]  # "Ġ" is the byte-level space


def neox_tokenizer(vocab, merges):
    vocab = dict(vocab)
    for word in NEOX_EXTRA_WORDS:
        vocab[word] = len(vocab)
    next_id = len(vocab)
    added = [
        added_token(next_id, "<|endoftext|>", True),
        added_token(next_id + 1, "<|padding|>", True),
        added_token(next_id + 2, "|||EMAIL_ADDRESS|||", False, normalized=True),
        added_token(next_id + 3, "<|mask|>", False, normalized=False, lstrip=True),
    ]
    eos_id = next_id
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                          "use_regex": True},
        "post_processor": {"type": "Sequence", "processors": [
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            {"type": "TemplateProcessing",
             "single": [{"Sequence": {"id": "A", "type_id": 0}},
                        {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}],
             "pair": [{"Sequence": {"id": "A", "type_id": 0}},
                      {"Sequence": {"id": "B", "type_id": 1}},
                      {"SpecialToken": {"id": "<|endoftext|>", "type_id": 1}}],
             "special_tokens": {"<|endoftext|>": {"id": "<|endoftext|>", "ids": [eos_id],
                                                  "tokens": ["<|endoftext|>"]}}},
        ]},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                    "use_regex": True},
        "model": bpe_model(vocab, merges, "pairs", False, None, ignore_merges=True),
    }


def neox_config():
    return {
        "add_bos_token": False,
        "add_eos_token": True,
        "bos_token": "<|endoftext|>",
        "eos_token": "<|endoftext|>",
        "pad_token": "<|padding|>",
        "clean_up_tokenization_spaces": False,
        "model_max_length": 4096,
        "tokenizer_class": "GPTNeoXTokenizer",
    }


def count_tokens(tokenizer):
    ids = set(tokenizer["model"]["vocab"].values()) | {t["id"] for t in tokenizer["added_tokens"]}
    assert ids == set(range(len(ids))), "ids must be dense from 0"
    assert len(ids) <= MAX_TOKENS, "too many tokens: %d" % len(ids)
    return len(ids)


def write(name, tokenizer, config):
    directory = os.path.join(OUT_ROOT, name)
    os.makedirs(directory, exist_ok=True)
    n = count_tokens(tokenizer)
    with open(os.path.join(directory, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(directory, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print("%-22s %3d tokens -> %s" % (name, n, directory))


def main():
    corpus = read_corpus()
    sp_v, sp_m = sp_vocab(corpus)
    write("sentencepiece-bpe", sentencepiece_tokenizer(sp_v, sp_m), sentencepiece_config())
    write("metaspace-bpe", metaspace_tokenizer(sp_v, sp_m), sentencepiece_config())

    bl_merges = MAX_TOKENS - 256 - len(BL_SPECIALS)
    bl_v, bl_m = byte_level_vocab(corpus, bl_merges)
    write("byte-level-bpe", qwen_tokenizer(bl_v, bl_m), qwen_config())

    # GPT-NeoX reuses the byte-level merges, fewer of them to leave room for its extra tokens.
    neox_merges = bl_merges - len(NEOX_EXTRA_WORDS) - 4 + len(BL_SPECIALS)
    kept = bl_m[:neox_merges]
    kept_vocab = {t: i for t, i in bl_v.items() if i < 256 + neox_merges}
    write("neox-byte-level-bpe", neox_tokenizer(kept_vocab, kept), neox_config())
    return 0


if __name__ == "__main__":
    sys.exit(main())
