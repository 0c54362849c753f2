#!/usr/bin/python3
"""Optional cross-check of the golden fixtures against SpecScope's Java engine
(./specscope at the repository root, needs a JDK 25): for every fixture case,
the engine's prompt ids and 16-token greedy continuation must equal the
fixture's, and its logits (./specscope logits) must match the fixture's top-5
values. Writes work/eval/engine-check.json."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from configs import TARGET_NAME, DRAFT_NAME  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
ROOT = os.path.dirname(MODELS)


def main():
    report = {}
    ok_all = True
    for which, name in (("target", TARGET_NAME), ("draft", DRAFT_NAME)):
        with open(os.path.join(MODELS, TARGET_NAME, "fixtures", f"golden-{which}.json"), encoding="utf-8") as fh:
            fx = json.load(fh)
        mdir = os.path.join(MODELS, name)
        rows = []
        for case in fx["cases"]:
            r = subprocess.run([os.path.join(ROOT, "specscope"), "generate", "--model", mdir, "--prompt", case["prompt"],
                                "--max-tokens", "16", "--temperature", "0", "--json"],
                               capture_output=True, text=True, check=True, cwd=ROOT)
            j = json.loads(r.stdout.strip().splitlines()[-1])
            with tempfile.TemporaryDirectory() as td:
                out = os.path.join(td, "l.npy")
                subprocess.run([os.path.join(ROOT, "specscope"), "logits", "--model", mdir, "--prompt", case["prompt"],
                                "--out", out], capture_output=True, text=True, check=True, cwd=ROOT)
                lg = np.load(out)
            ids = np.array(case["top5_ids"])
            vals = np.array(case["top5_logits"])
            eng = np.take_along_axis(lg, ids, axis=1)
            row = {"domain": case["domain"],
                   "prompt_ids_equal": j["prompt_ids"] == case["input_ids"],
                   "greedy_equal": j["ids"] == case["greedy_ids"],
                   "top5_max_abs_diff": float(np.abs(eng - vals).max()),
                   "top1_equal": bool((lg.argmax(1) == ids[:, 0]).all())}
            ok_all &= row["prompt_ids_equal"] and row["greedy_equal"] and row["top1_equal"]
            rows.append(row)
            print(which, row, flush=True)
        report[which] = rows
    os.makedirs(os.path.join(HERE, "work", "eval"), exist_ok=True)
    with open(os.path.join(HERE, "work", "eval", "engine-check.json"), "w") as fh:
        json.dump(report, fh, indent=1)
    print("all equal" if ok_all else "MISMATCH")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
