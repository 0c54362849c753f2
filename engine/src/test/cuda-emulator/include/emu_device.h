// The device side of SpecScope's CUDA emulator: what specscope_kernels.cu uses of CUDA C++
// (thread and block indices, shared memory, barriers, warp shuffles, atomics, BF16 and FP16
// types), so that g++ compiles the very kernels nvcc compiles and the host runs them.
//
// Execution model (emu_driver.cpp): blocks run on a pool of OS threads, one block at a time per
// OS thread; the threads of a block are fibers on that OS thread, switched only at barriers
// (__syncthreads, __syncwarp, every shuffle). So `__shared__` (a static thread_local here) is
// one array per running block, as on a GPU, and a fiber never migrates between OS threads.
#pragma once

// specscope_kernels.cu compiled for the emulator (its device-only paths take the emulator's hooks).
#define SPECSCOPE_CUDA_EMULATOR 1

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <type_traits>

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
};
namespace emu {
// A copy of a 16-byte vector from memory stands for the device's vector load, which faults on an
// address that is not 16-byte aligned: the copy checks its source (stops the process, naming the
// kernel, block and thread). Copies between registers are aligned by alignas.
[[noreturn]] void misaligned_vector(const void* p);
// The address goes through an empty asm first, so that g++ forgets the type's alignment: it can
// then neither fold the check away nor read the vector with an aligned instruction (which would
// fault on the host) before the check.
inline const void* check_vector(const void* p) {
    asm("" : "+r"(p));
    if (reinterpret_cast<uintptr_t>(p) % 16 != 0) misaligned_vector(p);
    return p;
}
inline void copy_vector(void* to, const void* from) { memcpy(to, check_vector(from), 16); }
}  // namespace emu

struct alignas(16) uint4 {
    unsigned int x, y, z, w;
    uint4() = default;
    uint4(unsigned int x_, unsigned int y_, unsigned int z_, unsigned int w_) : x(x_), y(y_), z(z_), w(w_) {}
    uint4(const uint4& o) { emu::copy_vector(this, &o); }
    uint4& operator=(const uint4& o) {
        emu::check_vector(this);
        emu::copy_vector(this, &o);
        return *this;
    }
};
struct alignas(16) float4 {
    float x, y, z, w;
    float4() = default;
    float4(float x_, float y_, float z_, float w_) : x(x_), y(y_), z(z_), w(w_) {}
    float4(const float4& o) { emu::copy_vector(this, &o); }
    float4& operator=(const float4& o) {
        emu::check_vector(this);
        emu::copy_vector(this, &o);
        return *this;
    }
};
struct alignas(8) float2 {
    float x, y;
};

namespace emu {

struct Fiber;
struct FiberIndex {
    dim3 thread_idx;
};

// Read on every index and barrier. (build.sh compiles with TLS descriptors, which make these
// reads cheap in a library loaded by dlopen; initial-exec TLS would not load there, because the
// kernels' __shared__ arrays make this library's TLS block larger than glibc's static reserve.)
#define EMU_FAST_TLS thread_local
extern EMU_FAST_TLS FiberIndex* current_index;   // the running fiber's threadIdx
extern EMU_FAST_TLS dim3 block_idx, block_dim, grid_dim;
extern EMU_FAST_TLS void* dynamic_shared;          // the launch's dynamic shared memory, per block

void sync_block();                                 // __syncthreads
void sync_warp();                                  // __syncwarp
uint64_t exchange_xor(uint64_t mine, int lane_mask);   // one shuffle step: the value of lane ^ lane_mask
void grid_dependency_wait();                       // griddepcontrol.wait: kernels run in order here, so it
                                                   // only records that the thread waited
[[noreturn]] void misaligned_tile(const char* operation, const void* p, unsigned stride_bytes);
void prefetch_l2(const void* p, long long bytes);  // prefetch.global.L2 over a range: checks it lies
                                                   // in one allocation, as the loads it stands for must

}  // namespace emu

#define threadIdx (emu::current_index->thread_idx)
#define blockIdx (emu::block_idx)
#define blockDim (emu::block_dim)
#define gridDim (emu::grid_dim)

#define __global__
#define __device__
#define __forceinline__ inline
// Alignment as the device gives it: MMA tiles in shared memory need their 32 bytes here too
// (mma.h checks every tile's pointer).
#define __align__(n) __attribute__((aligned(n)))
#define __shared__ static thread_local
#define __syncthreads() emu::sync_block()
#define __syncwarp(...) emu::sync_warp()

inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

inline float __uint_as_float(unsigned int u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

inline unsigned int __float_as_uint(float f) {
    unsigned int u;
    memcpy(&u, &f, sizeof u);
    return u;
}

template <typename T>
inline T __shfl_xor_sync(unsigned int /*mask: every lane takes part in our kernels' shuffles*/, T v, int lane_mask) {
    static_assert(sizeof(T) <= sizeof(uint64_t), "shuffle of a value wider than 8 bytes");
    uint64_t bits = 0;
    memcpy(&bits, &v, sizeof v);
    bits = emu::exchange_xor(bits, lane_mask);
    T out;
    memcpy(&out, &bits, sizeof out);
    return out;
}

// The value of lane src_lane: one exchange, each lane naming its source by the xor of the two lanes.
template <typename T>
inline T __shfl_sync(unsigned int mask, T v, int src_lane) {
    return __shfl_xor_sync(mask, v, (int)(threadIdx.x & 31) ^ (src_lane & 31));
}

// Round-to-nearest arithmetic that nvcc never fuses into a multiply-add (build.sh also turns
// contraction off for the host compiler).
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fmul_rn(float a, float b) { return a * b; }

// Streaming load: a cache hint on the device, a plain load here.
inline uint4 __ldcs(const uint4* p) { return *p; }

inline unsigned int atomicAdd(unsigned int* address, unsigned int v) {
    return __atomic_fetch_add(address, v, __ATOMIC_RELAXED);
}
inline int atomicAdd(int* address, int v) { return __atomic_fetch_add(address, v, __ATOMIC_RELAXED); }

// bfloat16: the upper half of a float32.
struct __nv_bfloat16 {
    uint16_t bits;
};

inline float __bfloat162float(__nv_bfloat16 v) { return __uint_as_float((unsigned int)v.bits << 16); }

// Round to nearest, ties to even, as the device's conversion; NaN stays a (quiet) NaN.
inline __nv_bfloat16 __float2bfloat16_rn(float f) {
    unsigned int u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return __nv_bfloat16{(uint16_t)((u >> 16) | 0x40u)};
    u += 0x7fffu + ((u >> 16) & 1u);
    return __nv_bfloat16{(uint16_t)(u >> 16)};
}

// IEEE binary16.
struct __half {
    uint16_t bits;
};
struct __half2 {
    __half x, y;
};

inline float __half2float(__half h) {
    unsigned int sign = (unsigned int)(h.bits & 0x8000u) << 16;
    unsigned int exponent = (h.bits >> 10) & 0x1fu;
    unsigned int mantissa = h.bits & 0x3ffu;
    if (exponent == 0) {   // zero or subnormal: mantissa * 2^-24
        float magnitude = ldexpf((float)mantissa, -24);
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 31) return __uint_as_float(sign | 0x7f800000u | (mantissa << 13));
    return __uint_as_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

inline float2 __half22float2(__half2 h) { return float2{__half2float(h.x), __half2float(h.y)}; }
