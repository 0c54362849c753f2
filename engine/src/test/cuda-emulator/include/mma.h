// The emulator's stand-in for CUDA's mma.h: the nvcuda::wmma subset specscope_kernels.cu uses
// (16x16x16 BF16 fragments, FP32 accumulators).
//
// On a GPU a fragment is spread over the warp's 32 lanes in an unspecified layout, and every
// operation is warp-collective. Here every lane holds the whole tile and computes it alone, so
// the lanes end with identical copies: what a kernel may rely on (load, mma, store by the whole
// warp) behaves as on the device, and no lane can read another's share, which is what the API
// also forbids. Products of BF16 values are exact in float; the sum runs in k order in FP32,
// where a tensor core may round its partial sums differently: tests compare within tolerances.
#pragma once
#include "emu_device.h"

namespace nvcuda {
namespace wmma {

struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

// Element (r, c) of the tile at x[r * 16 + c]: (row, k) for matrix_a, (k, column) for matrix_b,
// (row, column) for the accumulator.
template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment {
    static_assert(M == 16 && N == 16 && K == 16, "the emulator has 16x16x16 fragments only");
    float x[16 * 16];
};

inline float element_value(float v) { return v; }
inline float element_value(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename Use, typename T, typename Layout>
inline void fill_fragment(fragment<Use, 16, 16, 16, T, Layout>& f, float v) {
    for (float& e : f.x) e = v;
}

// What the device requires of a tile in memory (CUDA C++ Programming Guide, warp matrix
// functions): a 256-bit aligned pointer, and rows (or columns) a multiple of 16 bytes apart. A GPU
// faults on a misaligned tile, or loads the wrong elements; here the process stops, naming the
// kernel.
template <typename T>
inline void check_tile(const char* operation, const T* p, unsigned ldm) {
    if (reinterpret_cast<uintptr_t>(p) % 32 != 0 || ldm * sizeof(T) % 16 != 0)
        emu::misaligned_tile(operation, p, ldm * (unsigned)sizeof(T));
}

// Row-major: element (r, c) at p[r * ldm + c]; column-major: at p[c * ldm + r].
template <typename Use, typename T, typename Layout>
inline void load_matrix_sync(fragment<Use, 16, 16, 16, T, Layout>& f, const T* p, unsigned ldm) {
    static_assert(!std::is_same_v<Use, accumulator>, "load an accumulator with a layout argument");
    check_tile("wmma::load_matrix_sync", p, ldm);
    constexpr bool rows = std::is_same_v<Layout, row_major>;
    for (int r = 0; r < 16; r++)
        for (int c = 0; c < 16; c++) f.x[r * 16 + c] = element_value(rows ? p[r * ldm + c] : p[c * ldm + r]);
}

template <typename TA, typename LA, typename TB, typename LB>
inline void mma_sync(fragment<accumulator, 16, 16, 16, float>& d, const fragment<matrix_a, 16, 16, 16, TA, LA>& a,
                     const fragment<matrix_b, 16, 16, 16, TB, LB>& b,
                     const fragment<accumulator, 16, 16, 16, float>& c) {
    float out[16 * 16];
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            float sum = c.x[i * 16 + j];
            for (int k = 0; k < 16; k++) sum += a.x[i * 16 + k] * b.x[k * 16 + j];
            out[i * 16 + j] = sum;
        }
    memcpy(d.x, out, sizeof out);
}

inline void store_matrix_sync(float* p, const fragment<accumulator, 16, 16, 16, float>& f, unsigned ldm,
                              layout_t layout) {
    check_tile("wmma::store_matrix_sync", p, ldm);
    for (int r = 0; r < 16; r++)
        for (int c = 0; c < 16; c++) {
            float v = f.x[r * 16 + c];
            if (layout == mem_row_major) p[r * ldm + c] = v;
            else p[c * ldm + r] = v;
        }
}

}  // namespace wmma
}  // namespace nvcuda
