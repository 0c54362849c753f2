#!/bin/sh
# The whole recipe, one command:   sample-models/recipe/run_all.sh
# Re-running resumes: finished steps are skipped, training resumes from its
# checkpoint (work/<model>/ckpt.pt). SKIP_SETUP=1 skips apt/npm.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
PY=/usr/bin/python3
mkdir -p work/logs
T=work/logs/timings.txt
stamp() { echo "$(date -u +%FT%TZ) $*" | tee -a "$T"; }
stamp "recipe start"
[ "${SKIP_SETUP:-0}" = 1 ] || sh ./setup.sh
stamp "setup done"
[ -f work/corpus/stats.json ] || $PY build_corpus.py
stamp "corpus done"
[ -f work/tokenizer/tokenizer.model ] || $PY train_tokenizer.py
$PY convert_tokenizer.py
$PY verify_tokenizer.py work/tokenizer/hf 1000
stamp "tokenizer done"
$PY make_prompts.py
# Pre-tokenise once (cached .npy), then train both models at the same time:
# the MoE leaves a core idle part of the time, so the dense draft gets one
# thread and the target two.
$PY -c "import data; [data.load_tokens(d, s) for d in ['sotu','austen','bible','python-docs','java'] for s in ['train','heldout']]"
if [ ! -f work/specscope-moe-mini-draft/final.pt ]; then
    TRAIN_THREADS=1 $PY train.py draft > work/logs/draft.out 2>&1 &
    DRAFT_PID=$!
else
    DRAFT_PID=
fi
[ -f work/specscope-moe-mini/final.pt ] || $PY train.py target 2>&1 | tee work/logs/target.out
[ -z "$DRAFT_PID" ] || wait "$DRAFT_PID"
stamp "training done"
$PY export.py target
$PY export.py draft
$PY evaluate.py
# Optional: the SpecScope Java engine must reproduce the fixtures (needs a JDK 25).
if [ "${ENGINE_CHECK:-1}" = 1 ]; then
    $PY check_with_engine.py || echo "engine cross-check failed or unavailable (see above)" >&2
fi
$PY write_cards.py
stamp "recipe done"
