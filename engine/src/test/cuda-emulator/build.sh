#!/usr/bin/env bash
# Builds SpecScope's CUDA emulator: OUT/libcuda.so.1, the driver API subset SpecScope calls,
# running engine/src/main/cuda/specscope_kernels.cu compiled by g++ for the host (see
# emu_driver.cpp). Run a JVM with LD_LIBRARY_PATH=OUT and JCuda loads it instead of a GPU driver.
#   engine/src/test/cuda-emulator/build.sh [OUT]     (default: engine/target/cuda-emulator)
# Needs g++ 11+ on x86-64 Linux. -fno-strict-aliasing: CUDA code reinterprets vector loads
# (uint4 as __half2) as nvcc allows; g++ at -O2 would otherwise drop such stores.
# -fsanitize=alignment: a vector load or store (float4, uint4) from an address the device would
# fault on stops the process with the kernel's file and line, instead of reading the bytes a host
# CPU happily reads. It needs libubsan (Debian's g++ brings it; elsewhere it may be a package of
# its own): without it the emulator builds unchecked, and says so.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
engine="$(cd "$here/../../.." && pwd)"
out="${1:-$engine/target/cuda-emulator}"
kernels="$engine/src/main/cuda/specscope_kernels.cu"
mkdir -p "$out/generated"
# Dynamic shared memory is the launch's per-block buffer here.
# (#line: messages, the alignment sanitizer's among them, name the kernel file and its lines.)
{ echo "#line 1 \"engine/src/main/cuda/specscope_kernels.cu\""
  sed -E 's/extern __shared__ ([A-Za-z_0-9]+) ([A-Za-z_0-9]+)\[\];/\1* \2 = static_cast<\1*>(emu::dynamic_shared);/' \
    "$kernels"; } > "$out/generated/kernels.cu.inc"
# Every kernel the module exports, for cuModuleGetFunction.
grep -oE 'extern "C" __global__ void [A-Za-z_0-9]+' "$kernels" | awk '{ print "EMU_KERNEL(" $5 ")" }' \
    > "$out/generated/kernel_table.inc"
alignment=(-fsanitize=alignment -fno-sanitize-recover=alignment -DEMU_VECTOR_ALIGNMENT_CHECKED=1)
if ! echo 'int main() { return 0; }' | g++ -x c++ "${alignment[@]}" -o /dev/null - 2>/dev/null; then
    echo "cuda-emulator: g++ cannot link its alignment sanitizer (libubsan missing): misaligned vector loads go unchecked" >&2
    alignment=()
fi
g++ -std=c++20 -O2 -g -fno-strict-aliasing "${alignment[@]}" -mtls-dialect=gnu2 -ffp-contract=off -fPIC -shared -pthread -Wall -Wno-unknown-pragmas -Wno-unused-function -Wno-sign-compare \
    -I"$here/include" -I"$out/generated" -include emu_device.h \
    -Wl,-soname,libcuda.so.1 -o "$out/libcuda.so.1" "$here/emu_driver.cpp"
echo "$out/libcuda.so.1 ($(grep -c EMU_KERNEL "$out/generated/kernel_table.inc") kernels)"
