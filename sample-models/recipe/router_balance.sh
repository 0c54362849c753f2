#!/bin/sh
# The router-balance experiment: does a differently trained router let the sample model meet
# MoE-Spec's two targets at once (expert bytes at B = N/2 <= 0.6 of the unbudgeted tree, and
# >= 99% exact match with the unbudgeted greedy output at B = 3N/4, substitution)?
#
# Trains the target three times for 1.5 M tokens (configs.ROUTER_BALANCE: only the router's
# load-balancing and z-loss coefficients differ), exports each to work/router-balance/<name>/ and
# runs the same sweep on each (the 20 eval prompts, EAGLE-2 tree 7x10/60, 64 tokens, H100
# cost-model clock, B = 16 and 24 with substitution, uniform and depth-weighted scores).
# Writes work/router-balance/results.md. Needs the corpus and tokenizer (run_all.sh's first steps)
# and a JDK 25 for the sweep. About 35 minutes on 2 cores (the trainings ~9 min each).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
OUT="$HERE/work/router-balance"
mkdir -p "$OUT"
cd "$HERE"
VARIANTS=$($PY -c "import configs; print(' '.join(configs.ROUTER_BALANCE))")
for v in $VARIANTS; do
    [ -f "work/$v/final.pt" ] || $PY train.py "$v" > "$OUT/$v.train.log" 2>&1
    [ -f "$OUT/$v/model.safetensors" ] || $PY export.py "$v" "work/$v/final.pt" "$OUT/$v" > "$OUT/$v.export.log"
done
PROMPTS=$(ls "$ROOT"/sample-models/prompts/*.txt | paste -sd,)
for v in $VARIANTS; do
    for scoring in uniform depth; do
        [ -f "$OUT/sweep-$v-$scoring/summary.csv" ] && continue
        "$ROOT/specscope" sweep --model "$OUT/$v" --draft "$ROOT/sample-models/specscope-moe-mini-draft" \
            --prompts "$PROMPTS" --tree 7,10,60 --max-tokens 64 --clock h100 --budgets 16,24 \
            --policies substitute --no-cascade --scoring "$scoring" --out "$OUT/sweep-$v-$scoring" \
            > "$OUT/sweep-$v-$scoring.log" 2>&1
    done
done
$PY - "$OUT" $VARIANTS <<'EOF'
import csv, json, os, sys
out, variants = sys.argv[1], sys.argv[2:]
lines = ["| router training | held-out loss (mean of 5 domains) | distinct experts / layer, unbudgeted tree | scores "
         "| expert bytes B=16 / unbudgeted | exact match B=24 | prompts with no divergence at B=24 | top-1 agreement B=24 |",
         "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |"]
for v in variants:
    summary = json.load(open(os.path.join(out, "..", v, "train_summary.json")))
    loss = sum(summary["heldout_loss_fp32"].values()) / len(summary["heldout_loss_fp32"])
    for scoring in ("uniform", "depth"):
        rows = list(csv.DictReader(open(os.path.join(out, f"sweep-{v}-{scoring}", "sweep.csv"))))
        def of(setting):
            return [r for r in rows if r["setting"] == setting]
        def mean(rs, field):
            return sum(float(r[field]) for r in rs) / len(rs)
        full, half, three = of("unbudgeted"), of("B=16 substitute"), of("B=24 substitute")
        ratio = mean(half, "expert_bytes_per_step") / mean(full, "expert_bytes_per_step")
        clean = sum(1 for r in three if int(r["first_divergence"]) < 0)
        lines.append(f"| {v} | {loss:.3f} | {mean(full, 'mean_distinct_experts'):.1f} | {scoring} | {ratio:.3f} "
                     f"| {mean(three, 'exact_match'):.3f} | {clean} of {len(three)} | {mean(three, 'top1_agreement'):.3f} |")
open(os.path.join(out, "results.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
