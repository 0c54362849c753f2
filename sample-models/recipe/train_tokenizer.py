#!/usr/bin/python3
"""Train the SentencePiece BPE tokenizer (vocab 4096, byte fallback) on a
domain-balanced sample of the training corpus, and write tokenizer.model to
work/tokenizer/. The Hugging Face files are written by convert_tokenizer.py."""
import os
import random

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
CORPUS = os.path.join(WORK, "corpus")
OUT = os.path.join(WORK, "tokenizer")
DOMAINS = ["sotu", "austen", "bible", "python-docs", "java"]
PER_DOMAIN = 2_000_000  # chars per domain for tokenizer training


def main():
    os.makedirs(OUT, exist_ok=True)
    sample = os.path.join(OUT, "sp_train.txt")
    rng = random.Random(7)
    with open(sample, "w", encoding="utf-8") as out:
        for d in DOMAINS:
            with open(os.path.join(CORPUS, f"{d}.train.txt"), encoding="utf-8") as fh:
                lines = [l for l in fh.read().split("\n") if l.strip() and l != "\x1e"]
            rng.shuffle(lines)
            n = 0
            for l in lines:
                if n >= PER_DOMAIN:
                    break
                out.write(l[:8000] + "\n")
                n += len(l)
    spm.SentencePieceTrainer.train(
        input=sample,
        model_prefix=os.path.join(OUT, "tokenizer"),
        model_type="bpe",
        vocab_size=4096,
        byte_fallback=True,
        character_coverage=0.9995,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        add_dummy_prefix=True,
        allow_whitespace_only_pieces=True,
        split_digits=True,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        unk_piece="<unk>", bos_piece="<s>", eos_piece="</s>",
        max_sentence_length=16384,
        num_threads=2,
        minloglevel=1,
    )
    print("wrote", os.path.join(OUT, "tokenizer.model"))


if __name__ == "__main__":
    main()
