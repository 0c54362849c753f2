"""Tokenise the corpus once (cached as .npy): each document becomes
<s> ids </s>, documents concatenated. Text is encoded as whole documents,
exactly as the Hugging Face tokenizer would encode a prompt."""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
SEP = "\n\x1e\n"


def sp_model():
    import sentencepiece as spm
    return spm.SentencePieceProcessor(model_file=os.path.join(WORK, "tokenizer", "tokenizer.model"))


def load_tokens(domain, split):
    cache = os.path.join(WORK, "tokens", f"{domain}.{split}.npy")
    if os.path.exists(cache):
        return np.load(cache)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    sp = sp_model()
    with open(os.path.join(WORK, "corpus", f"{domain}.{split}.txt"), encoding="utf-8") as fh:
        docs = fh.read().rstrip("\n").split(SEP)
    out = []
    for ids in sp.encode(docs):
        out.append(1)
        out.extend(ids)
        out.append(2)
    arr = np.asarray(out, dtype=np.int16)
    np.save(cache, arr)
    return arr
