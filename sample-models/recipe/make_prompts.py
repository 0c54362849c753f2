#!/usr/bin/python3
"""Cut a few evaluation prompts per domain out of the HELD-OUT documents and
write sample-models/prompts/<domain>.txt. Prompts in a file are separated by a
line holding exactly "----"; a prompt's text is everything between the
separators without the newline that precedes the separator."""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
OUT = os.path.join(os.path.dirname(HERE), "prompts")
DOMAINS = ["sotu", "austen", "bible", "python-docs", "java"]
PER = 4


def docs(d):
    with open(os.path.join(WORK, "corpus", f"{d}.heldout.txt"), encoding="utf-8") as fh:
        return fh.read().rstrip("\n").split("\n\x1e\n")


def cut_words(text, n):
    if len(text) <= n:
        return text
    t = text[:n]
    return t[: t.rfind(" ")] if " " in t else t


def prose(ds, skip_heading):
    out = []
    for doc in ds:
        paras = [p for p in doc.split("\n") if len(p) > 120]
        if skip_heading and paras and re.match(r"^(CHAPTER|Chapter)", paras[0]):
            paras = paras[1:]
        if paras:
            out.append(cut_words(paras[len(paras) // 3], 160))
        if len(out) == PER:
            break
    return out


def bible(ds):
    out = []
    for doc in ds:
        lines = doc.split("\n")
        if len(lines) < 4:
            continue
        out.append(lines[0] + "\n" + lines[1] + "\n" + cut_words(lines[2], 40))
        if len(out) == PER:
            break
    return out


def java(ds):
    out = []
    for doc in ds:
        lines = doc.split("\n")
        for i, l in enumerate(lines):
            s = l.strip()
            if i >= 3 and s.startswith("public ") and "(" in s and s.endswith("{") and "class" not in s:
                out.append("\n".join(lines[i - 3:i + 1]) + "\n")
                break
        if len(out) == PER:
            break
    return out


def pydocs(ds):
    out = []
    for doc in ds:
        lines = doc.split("\n")
        for i, l in enumerate(lines):
            if l.startswith(".. function::") or l.startswith(".. method::") or l.startswith(".. class::"):
                out.append("\n".join(lines[i:i + 3]).rstrip() + "\n")
                break
        else:
            paras = [p for p in lines if len(p) > 100]
            if paras:
                out.append(cut_words(paras[0], 160))
        if len(out) == PER:
            break
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for d in DOMAINS:
        ds = docs(d)
        if d == "sotu":
            ps = prose(ds, False)
        elif d == "austen":
            ps = prose(ds, True)
        elif d == "bible":
            ps = bible(ds)
        elif d == "java":
            ps = java(ds)
        else:
            ps = pydocs(ds)
        with open(os.path.join(OUT, f"{d}.txt"), "w", encoding="utf-8") as fh:
            fh.write("\n----\n".join(ps) + "\n")
        print(d, len(ps))


def read_prompts(d):
    with open(os.path.join(OUT, f"{d}.txt"), encoding="utf-8") as fh:
        t = fh.read()
    if t.endswith("\n"):
        t = t[:-1]
    return t.split("\n----\n")


if __name__ == "__main__":
    main()
