#!/usr/bin/env bash
# Builds SpecScope's CUDA emulator: OUT/libcuda.so.1, the driver API subset SpecScope calls,
# running engine/src/main/cuda/specscope_kernels.cu compiled by g++ for the host (see
# emu_driver.cpp). Run a JVM with LD_LIBRARY_PATH=OUT and JCuda loads it instead of a GPU driver.
#   engine/src/test/cuda-emulator/build.sh [OUT]     (default: engine/target/cuda-emulator)
# Needs g++ 11+ on x86-64 Linux. -fno-strict-aliasing: CUDA code reinterprets vector loads
# (uint4 as __half2) as nvcc allows; g++ at -O2 would otherwise drop such stores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
engine="$(cd "$here/../../.." && pwd)"
out="${1:-$engine/target/cuda-emulator}"
kernels="$engine/src/main/cuda/specscope_kernels.cu"
mkdir -p "$out/generated"
# Dynamic shared memory is the launch's per-block buffer here.
# (#line: compiler messages and debuggers name the kernel file and its lines.)
{ echo "#line 1 \"engine/src/main/cuda/specscope_kernels.cu\""
  sed -E 's/extern __shared__ ([A-Za-z_0-9]+) ([A-Za-z_0-9]+)\[\];/\1* \2 = static_cast<\1*>(emu::dynamic_shared);/' \
    "$kernels"; } > "$out/generated/kernels.cu.inc"
# Every kernel the module exports, for cuModuleGetFunction.
grep -oE 'extern "C" __global__ void [A-Za-z_0-9]+' "$kernels" | awk '{ print "EMU_KERNEL(" $5 ")" }' \
    > "$out/generated/kernel_table.inc"
g++ -std=c++20 -O2 -g -fno-strict-aliasing -mtls-dialect=gnu2 -ffp-contract=off -fPIC -shared -pthread -Wall -Wno-unknown-pragmas -Wno-unused-function -Wno-sign-compare \
    -I"$here/include" -I"$out/generated" -include emu_device.h \
    -Wl,-soname,libcuda.so.1 -o "$out/libcuda.so.1" "$here/emu_driver.cpp"
echo "$out/libcuda.so.1 ($(grep -c EMU_KERNEL "$out/generated/kernel_table.inc") kernels)"
