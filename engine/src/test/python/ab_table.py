#!/usr/bin/env python3
"""One Markdown row per `bench --json` output, for comparing runs that differ in one switch
(.ci/gpu-check ab): decode, the tree row's two verifications and their ratio. A file that is
missing, empty or not JSON gives a row that says so.

Usage: ab_table.py LABEL=BENCH_JSON [LABEL=BENCH_JSON ...]
"""
import sys

from target_ratios import load  # the last line of a file as JSON, or {"error": why}


def row(label, bench):
    if "decode" not in bench:
        return f"| {label} | not measured: {bench.get('error', 'no decode')} | | | | | |"
    d = bench["decode"]
    cells = [label, f"{d['tokens_per_s']:.1f} ({d['ms_per_token']:.2f} ms)"]
    tree = bench.get("tree")
    if tree:
        u, b = tree["unbudgeted"], tree["budgeted"]
        cells += [f"{u['median_ms']:.2f}", f"{b['median_ms']:.2f}", f"{tree['time_ratio']:.2f}x",
                  f"{tree['expert_bytes_ratio']:.2f}x",
                  f"{u['distinct_experts_per_layer']:.1f} / {b['distinct_experts_per_layer']:.1f}"]
    else:
        cells += ["-"] * 5
    return "| " + " | ".join(cells) + " |"


def main(argv):
    if not argv or any("=" not in a for a in argv):
        raise SystemExit(__doc__)
    print("| run | decode tokens/s (ms/token) | tree unbudgeted ms | tree budgeted ms | time ratio "
          "| expert bytes ratio | experts per layer (unbudgeted / budgeted) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for a in argv:
        label, path = a.split("=", 1)
        print(row(label, load(path)))


if __name__ == "__main__":
    main(sys.argv[1:])
