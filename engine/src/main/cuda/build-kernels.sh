#!/usr/bin/env bash
# Builds the kernel fatbin that SpecScope ships, when the CUDA sources changed and nvcc is here.
#   build-kernels.sh          rebuild if the sources differ from the committed fatbin's manifest
#   build-kernels.sh --force  rebuild anyway
# The fatbin and its manifest (nvcc version, driver version the code needs, hash of this
# directory) are committed under engine/src/main/resources, so machines without nvcc (CI) run the
# committed one; KernelImageTest fails when the hash no longer matches the sources.
# The Maven build runs this script (engine/pom.xml, profile cuda-kernels); it never fails the
# build for want of nvcc, it says which fatbin the build uses.
set -euo pipefail
LC_ALL=C
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/../resources/org/specscope/engine/backend/cuda"
FATBIN="$OUT/specscope-kernels.fatbin"
MANIFEST="$OUT/specscope-kernels.properties"

# SASS for Ampere (A100, sm_80; RTX 30xx, sm_86), Ada (sm_89) and Hopper (sm_90), and PTX for
# compute_90 so that newer devices JIT it.
GENCODE=(-gencode arch=compute_80,code=sm_80 -gencode arch=compute_86,code=sm_86
         -gencode arch=compute_89,code=sm_89 -gencode arch=compute_90,code=sm_90
         -gencode arch=compute_90,code=compute_90)

# The hash covers every file of this directory (sources, and this script with its flags), in name order.
sources_hash() {
  (cd "$HERE" && find . -maxdepth 1 -type f -printf '%f\n' | sort | xargs cat) | sha256sum | cut -d' ' -f1
}

find_nvcc() {
  local c
  [[ "${NVCC:-}" == none ]] && return 1   # NVCC=none: behave as a machine without nvcc
  for c in "${NVCC:-}" "$(command -v nvcc || true)" "${CUDA_HOME:+$CUDA_HOME/bin/nvcc}" /usr/local/cuda/bin/nvcc; do
    [[ -n "$c" && -x "$c" ]] && { echo "$c"; return 0; }
  done
  return 1
}

want="$(sources_hash)"
have="$(sed -n 's/^sourcesSha256=//p' "$MANIFEST" 2>/dev/null || true)"
built_by="$(sed -n 's/^nvcc=//p' "$MANIFEST" 2>/dev/null || true)"

if ! NVCC_BIN="$(find_nvcc)"; then
  if [[ "$want" == "$have" && -f "$FATBIN" ]]; then
    echo "kernels: using the committed fatbin (no nvcc; built by nvcc $built_by)"
  else
    echo "kernels: WARNING: the committed fatbin is older than engine/src/main/cuda and there is no nvcc here"
    echo "kernels:          to rebuild it; run engine/src/main/cuda/build-kernels.sh where nvcc is installed"
  fi
  exit 0
fi

version="$("$NVCC_BIN" --version | sed -n 's/.*release \([0-9]*\.[0-9]*\).*/\1/p')"
if [[ "${1:-}" != "--force" && "$want" == "$have" && -f "$FATBIN" ]]; then
  echo "kernels: the committed fatbin is up to date with the sources (built by nvcc $built_by; nvcc $version here)"
  exit 0
fi

mkdir -p "$OUT"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$NVCC_BIN" -fatbin -O3 -std=c++17 "${GENCODE[@]}" -o "$tmp/k.fatbin" "$HERE/specscope_kernels.cu"
major="${version%%.*}"
minor="${version#*.}"
cp "$tmp/k.fatbin" "$FATBIN"
cat > "$MANIFEST" <<PROPS
# Written by engine/src/main/cuda/build-kernels.sh: do not edit.
nvcc=$version
# cuDriverGetVersion() must report at least this (a driver for CUDA $version or newer).
requiredDriverVersion=$((major * 1000 + minor * 10))
architectures=sm_80,sm_86,sm_89,sm_90,compute_90
sourcesSha256=$want
PROPS
echo "kernels: compiled by nvcc $version ($(stat -c %s "$FATBIN") bytes)"
