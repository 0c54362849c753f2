#!/usr/bin/env python3
"""The issue's three GPU targets as a Markdown table, from `bench --json` and hf_eager_baseline.py's
JSON (.ci/gpu-check targets). Either file may be missing or empty (a step that did not run): its
rows then say so.

Usage: target_ratios.py BENCH_JSON HF_JSON
"""
import json
import sys


def load(path):
    """The last line of the file as JSON, or {"error": why}."""
    try:
        with open(path) as f:
            lines = f.read().strip().splitlines()
        if not lines:
            return {"error": "no output"}
        return json.loads(lines[-1])
    except Exception as e:  # a step that failed leaves nothing readable
        return {"error": f"{type(e).__name__}: {e}"}


def verdict(ok):
    return "OK" if ok else "MISSED"


def rows(bench, hf):
    yield "| target | measured | threshold | verdict |"
    yield "| --- | --- | --- | --- |"
    if "decode" not in bench:
        yield f"| batch-1 decode / HBM bandwidth | not measured: {bench.get('error', 'no output')} | >= 0.50 | - |"
    else:
        t, d, dev = bench["targets"], bench["decode"], bench.get("device") or {}
        nominal = t.get("decode_nominal_bandwidth_ratio")
        judged = nominal if nominal is not None else t["decode_bandwidth_ratio"]
        yield (f"| batch-1 decode / HBM bandwidth | {judged:.2f} of the {'nominal' if nominal is not None else 'measured'}"
               f" ({d['gb_per_s']:.0f} GB/s, {d['weight_bytes_per_token'] / 1e6:.0f} MB/token, "
               f"{d['tokens_per_s']:.1f} tokens/s; device read {dev.get('best_gb_per_s', float('nan')):.0f} GB/s "
               f"measured = {t['decode_bandwidth_ratio']:.2f}; nominal {dev.get('nominal_gb_per_s') or 'unknown'} GB/s)"
               f" | >= 0.50 | {verdict(judged >= 0.5)} |")
    if "decode" in bench and "tokens_per_second" in hf:
        ours, theirs = bench["decode"]["tokens_per_s"], hf["tokens_per_second"]
        yield (f"| decode tokens/s over HF eager | {ours / theirs:.2f}x ({ours:.1f} vs {theirs:.1f} tokens/s; HF end "
               f"to end {hf['end_to_end_tokens_per_second']:.1f}; torch {hf['torch']}, transformers "
               f"{hf['transformers']}) | >= 5x | {verdict(ours / theirs >= 5)} |")
    else:
        why = hf.get("error", "no output") if "tokens_per_second" not in hf else "no bench"
        yield f"| decode tokens/s over HF eager | not measured: {why} | >= 5x | - |"
    tree = bench.get("tree")
    if tree:
        budgeted, unbudgeted = tree["budgeted"], tree["unbudgeted"]
        # The least time ratio the bytes allow: every weight byte read (experts, attention, LM head),
        # budgeted over unbudgeted. A time ratio above it is the implementation's; below the target
        # only when this is.
        bytes_bound = budgeted["weight_bytes_per_pass"] / unbudgeted["weight_bytes_per_pass"]
        yield (f"| {tree['nodes']}-node tree, {budgeted['budget']} / unbudgeted | {tree['time_ratio']:.2f}x "
               f"({budgeted['median_ms']:.2f} vs {unbudgeted['median_ms']:.2f} ms; expert bytes "
               f"{tree['expert_bytes_ratio']:.2f}x, all weight bytes {bytes_bound:.2f}x (the bytes bound); experts a "
               f"layer {unbudgeted['distinct_experts_per_layer']:.1f} -> {budgeted['distinct_experts_per_layer']:.1f}; "
               f"{tree.get('shape', 'tree ?')}) | <= 0.65x | {verdict(tree['time_ratio'] <= 0.65)} |")
    else:
        yield "| 64-node tree, B = N/2 / unbudgeted | not measured | <= 0.65x | - |"


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    for row in rows(load(argv[0]), load(argv[1])):
        print(row)


if __name__ == "__main__":
    main(sys.argv[1:])
