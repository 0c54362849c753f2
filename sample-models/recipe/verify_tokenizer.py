#!/usr/bin/python3
"""Check tokenizer.json against SentencePiece: for held-out lines of every
domain, compare sentencepiece's ids with a from-scratch BPE that reads only
tokenizer.json (normalizer Prepend/Replace, merges by rank, byte fallback), as
Hugging Face tokenizers applies it. Also checks the decoder round trip.

usage: verify_tokenizer.py [tokenizer_dir] [lines_per_domain]
Prints and writes work/tokenizer/verify.json.
"""
import json
import os
import random
import re
import sys

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
DOMAINS = ["sotu", "austen", "bible", "python-docs", "java"]


class JsonBPE:
    def __init__(self, path):
        with open(path, encoding="utf-8") as fh:
            t = json.load(fh)
        m = t["model"]
        self.vocab = m["vocab"]
        self.inv = {i: p for p, i in self.vocab.items()}
        self.ranks = {}
        for r, s in enumerate(m["merges"]):
            l, rr = s.split(" ") if isinstance(s, str) else s
            self.ranks.setdefault((l, rr), r)
        self.unk = self.vocab[m["unk_token"]]

    def encode(self, text):
        s = "\u2581" + text.replace(" ", "\u2581")
        syms = []
        for ch in s:
            if ch in self.vocab:
                syms.append(ch)
            else:
                bs = [f"<0x{b:02X}>" for b in ch.encode("utf-8")]
                if all(b in self.vocab for b in bs):
                    syms.extend(bs)
                else:
                    syms.append(None)  # unk
        while True:
            best, bi = None, -1
            for i in range(len(syms) - 1):
                r = self.ranks.get((syms[i], syms[i + 1]))
                if r is not None and (best is None or r < best):
                    best, bi = r, i
            if best is None:
                break
            syms[bi:bi + 2] = [syms[bi] + syms[bi + 1]]
        out = []
        for x in syms:
            i = self.unk if x is None else self.vocab[x]
            if i == self.unk and out and out[-1] == self.unk:
                continue  # fuse_unk
            out.append(i)
        return out

    def decode(self, ids):
        # Replace(▁ -> " "), ByteFallback, Fuse, Strip(" ", 1, 0)
        pieces = [self.inv[i].replace("\u2581", " ") for i in ids]
        out, buf = [], bytearray()
        for p in pieces:
            if len(p) == 6 and p.startswith("<0x") and p.endswith(">"):
                buf.append(int(p[3:5], 16))
                continue
            if buf:
                out.append(buf.decode("utf-8", "replace"))
                buf = bytearray()
            out.append(p)
        if buf:
            out.append(buf.decode("utf-8", "replace"))
        s = "".join(out)
        return s[1:] if s.startswith(" ") else s


def main():
    tdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(WORK, "tokenizer", "hf")
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    sp = spm.SentencePieceProcessor(model_file=os.path.join(tdir, "tokenizer.model"))
    bpe = JsonBPE(os.path.join(tdir, "tokenizer.json"))
    rng = random.Random(5)
    res, bad = {}, []
    for d in DOMAINS:
        with open(os.path.join(WORK, "corpus", f"{d}.heldout.txt"), encoding="utf-8") as fh:
            lines = [l for l in fh.read().split("\n") if l.strip() and l != "\x1e"]
        # long paragraphs (the addresses are stored one paragraph per line) are
        # cut into sentences so every domain contributes many short lines
        segs = []
        for l in lines:
            segs.extend(s for s in (re.split(r"(?<=[.!?]) (?=[A-Z])", l) if len(l) > 400 else [l]) if s.strip())
        lines = segs
        rng.shuffle(lines)
        lines = [l[:400] for l in lines[:per]]
        ok = rt = 0
        for l in lines:
            a, b = sp.encode(l), bpe.encode(l)
            if a == b:
                ok += 1
            elif len(bad) < 10:
                bad.append({"line": l, "sp": a, "json": b})
            if bpe.decode(b) == l:
                rt += 1
        res[d] = {"lines": len(lines), "ids_equal": ok, "decode_roundtrip": rt}
        print(d, res[d], flush=True)
    tot = sum(r["lines"] for r in res.values())
    eq = sum(r["ids_equal"] for r in res.values())
    summary = {"per_domain": res, "lines": tot, "ids_equal": eq, "agreement": eq / tot, "mismatches": bad}
    print(f"agreement {eq}/{tot} = {eq/tot:.4%}")
    with open(os.path.join(WORK, "tokenizer", "verify.json"), "w", encoding="utf-8") as fh:
        json.dump(summary, fh, ensure_ascii=False, indent=1)
    return 0 if eq == tot else 1


if __name__ == "__main__":
    sys.exit(main())
