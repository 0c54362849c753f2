package org.specscope.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * y = x W^T for a batch of activation rows against a weight matrix W [out, in] stored in a
 * mapped file, with the Vector API. Written by hand rather than delegated to a BLAS because
 * weights stay in their stored dtype (BF16/F16) inside the mapped file and are widened in
 * registers as they stream past: each weight vector is loaded once per block of four tokens
 * and applied to all of them, so a pass over T tokens streams each weight byte from memory
 * once, not T times, and nothing is allocated per call.
 */
final class MatMul {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class,
            VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Tokens per register block: four accumulators (plus the weight vector) fit AVX2's 16 registers. */
    private static final int TOKEN_BLOCK = 4;
    /** Weight bytes per parallel task: enough to amortise the fork, small enough to balance two to 64 cores. */
    private static final int TASK_BYTES = 1 << 16;

    private MatMul() {
    }

    /**
     * {@code y[t*yStride + yOff + r] = sum_i W[rowOff + r, i] * x[t*in + i]} for r in [0, rows),
     * t in [0, tokens). {@code W} may be a row range of a larger matrix ({@code rowOff}).
     */
    static void matmul(ParallelRunner par, Tensor w, long rowOff, int rows, float[] x, int tokens, float[] y,
                       int yStride, int yOff) {
        int in = (int) w.dim(w.rank() - 1);
        int grain = Math.max(1, TASK_BYTES / Math.max(1, in * w.dtype().byteSize()));
        par.forRange(rows, grain, (from, to) -> rowRange(w, rowOff, from, to, in, x, 0, tokens, y, yStride, yOff));
    }

    /**
     * Rows [from, to) of the product, on the calling thread; token t's activations start at
     * {@code x[xOff + t*in]}.
     */
    static void rowRange(Tensor w, long rowOff, int from, int to, int in, float[] x, int xOff, int tokens, float[] y,
                         int yStride, int yOff) {
        MemorySegment seg = w.data();
        DType dtype = w.dtype();
        long rowBytes = (long) in * dtype.byteSize();
        boolean half = dtype != DType.F32;
        int r = from;
        if (half && tokens >= TOKEN_BLOCK) {
            // Two rows at a time: each activation vector loaded serves two weight rows, which is
            // what limits a verification batch once it is compute-bound rather than memory-bound.
            for (; r + 2 <= to; r += 2) {
                long base = (rowOff + r) * rowBytes;
                int t = 0;
                for (; t + TOKEN_BLOCK <= tokens; t += TOKEN_BLOCK) {
                    dot2x4Half(seg, base, base + rowBytes, in, dtype == DType.F16, x, xOff + t * in, y, yStride,
                            t * yStride + yOff + r);
                }
                for (; t < tokens; t++) {
                    y[t * yStride + yOff + r] = dot1Half(seg, base, in, dtype == DType.F16, x, xOff + t * in);
                    y[t * yStride + yOff + r + 1] = dot1Half(seg, base + rowBytes, in, dtype == DType.F16, x,
                            xOff + t * in);
                }
            }
        }
        for (; r < to; r++) {
            long base = (rowOff + r) * rowBytes;
            int col = yOff + r;
            int t = 0;
            for (; t + TOKEN_BLOCK <= tokens; t += TOKEN_BLOCK) {
                if (dtype == DType.F32) {
                    dot4F32(seg, base, in, x, xOff + t * in, y, yStride, t * yStride + col);
                } else {
                    dot4Half(seg, base, in, dtype == DType.F16, x, xOff + t * in, y, yStride, t * yStride + col);
                }
            }
            for (; t < tokens; t++) {
                y[t * yStride + col] = dtype == DType.F32 ? dot1F32(seg, base, in, x, xOff + t * in)
                        : dot1Half(seg, base, in, dtype == DType.F16, x, xOff + t * in);
            }
        }
    }

    // ---- one token: two accumulators so that consecutive FMAs do not wait on each other ----

    private static float dot1F32(MemorySegment seg, long base, int in, float[] x, int xOff) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int step = F.length();
        int i = 0;
        for (int bound = in - 2 * step; i <= bound; i += 2 * step) {
            a0 = FloatVector.fromMemorySegment(F, seg, base + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = FloatVector.fromMemorySegment(F, seg, base + 4L * (i + step), LE)
                    .fma(FloatVector.fromArray(F, x, xOff + i + step), a1);
        }
        for (int bound = F.loopBound(in); i < bound; i += step) {
            a0 = FloatVector.fromMemorySegment(F, seg, base + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            s += seg.get(F32_LE, base + 4L * i) * x[xOff + i];
        }
        return s;
    }

    private static float dot1Half(MemorySegment seg, long base, int in, boolean f16, float[] x, int xOff) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int step = F.length();
        int i = 0;
        for (int bound = in - 2 * step; i <= bound; i += 2 * step) {
            a0 = widen(seg, base + 2L * i, f16).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = widen(seg, base + 2L * (i + step), f16).fma(FloatVector.fromArray(F, x, xOff + i + step), a1);
        }
        for (int bound = F.loopBound(in); i < bound; i += step) {
            a0 = widen(seg, base + 2L * i, f16).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            s += halfToFloat(seg.get(I16_LE, base + 2L * i), f16) * x[xOff + i];
        }
        return s;
    }

    // ---- four tokens: each weight vector is loaded and widened once for all four -------------

    private static void dot4F32(MemorySegment seg, long base, int in, float[] x, int xRow, float[] y, int yStride,
                                int yAt) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int b0 = xRow, b1 = b0 + in, b2 = b1 + in, b3 = b2 + in;
        int i = 0;
        for (int bound = F.loopBound(in); i < bound; i += F.length()) {
            FloatVector wv = FloatVector.fromMemorySegment(F, seg, base + 4L * i, LE);
            a0 = wv.fma(FloatVector.fromArray(F, x, b0 + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, b1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, b2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, b3 + i), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            float wi = seg.get(F32_LE, base + 4L * i);
            s0 += wi * x[b0 + i];
            s1 += wi * x[b1 + i];
            s2 += wi * x[b2 + i];
            s3 += wi * x[b3 + i];
        }
        store4(y, yStride, yAt, s0, s1, s2, s3);
    }

    private static void dot4Half(MemorySegment seg, long base, int in, boolean f16, float[] x, int xRow, float[] y,
                                 int yStride, int yAt) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int b0 = xRow, b1 = b0 + in, b2 = b1 + in, b3 = b2 + in;
        int i = 0;
        for (int bound = F.loopBound(in); i < bound; i += F.length()) {
            FloatVector wv = widen(seg, base + 2L * i, f16);
            a0 = wv.fma(FloatVector.fromArray(F, x, b0 + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, b1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, b2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, b3 + i), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            float wi = halfToFloat(seg.get(I16_LE, base + 2L * i), f16);
            s0 += wi * x[b0 + i];
            s1 += wi * x[b1 + i];
            s2 += wi * x[b2 + i];
            s3 += wi * x[b3 + i];
        }
        store4(y, yStride, yAt, s0, s1, s2, s3);
    }

    /** Rows {@code base0} and {@code base1} against four tokens: eight accumulators. */
    private static void dot2x4Half(MemorySegment seg, long base0, long base1, int in, boolean f16, float[] x, int xRow,
                                   float[] y, int yStride, int yAt) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        int b0 = xRow, b1 = b0 + in, b2 = b1 + in, b3 = b2 + in;
        int i = 0;
        for (int bound = F.loopBound(in); i < bound; i += F.length()) {
            FloatVector w0 = widen(seg, base0 + 2L * i, f16);
            FloatVector w1 = widen(seg, base1 + 2L * i, f16);
            FloatVector xv = FloatVector.fromArray(F, x, b0 + i);
            a0 = w0.fma(xv, a0);
            c0 = w1.fma(xv, c0);
            xv = FloatVector.fromArray(F, x, b1 + i);
            a1 = w0.fma(xv, a1);
            c1 = w1.fma(xv, c1);
            xv = FloatVector.fromArray(F, x, b2 + i);
            a2 = w0.fma(xv, a2);
            c2 = w1.fma(xv, c2);
            xv = FloatVector.fromArray(F, x, b3 + i);
            a3 = w0.fma(xv, a3);
            c3 = w1.fma(xv, c3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        float u0 = c0.reduceLanes(VectorOperators.ADD), u1 = c1.reduceLanes(VectorOperators.ADD);
        float u2 = c2.reduceLanes(VectorOperators.ADD), u3 = c3.reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            float w0 = halfToFloat(seg.get(I16_LE, base0 + 2L * i), f16);
            float w1 = halfToFloat(seg.get(I16_LE, base1 + 2L * i), f16);
            s0 += w0 * x[b0 + i];
            s1 += w0 * x[b1 + i];
            s2 += w0 * x[b2 + i];
            s3 += w0 * x[b3 + i];
            u0 += w1 * x[b0 + i];
            u1 += w1 * x[b1 + i];
            u2 += w1 * x[b2 + i];
            u3 += w1 * x[b3 + i];
        }
        store4(y, yStride, yAt, s0, s1, s2, s3);
        store4(y, yStride, yAt + 1, u0, u1, u2, u3);
    }

    /** Four tokens' results for one row: {@code y[yAt]}, {@code y[yAt + yStride]}, ... */
    private static void store4(float[] y, int yStride, int yAt, float s0, float s1, float s2, float s3) {
        int o = yAt;
        y[o] = s0;
        y[o + yStride] = s1;
        y[o + 2 * yStride] = s2;
        y[o + 3 * yStride] = s3;
    }

    // ---- widening 16-bit floats in registers -------------------------------------------------

    private static final IntVector F16_MAGNITUDE = IntVector.broadcast(I, 0x7FFF);
    private static final IntVector F16_SIGN = IntVector.broadcast(I, 0x8000);
    private static final IntVector F16_EXPONENT = IntVector.broadcast(I, 0x7C00);
    private static final IntVector F32_EXPONENT = IntVector.broadcast(I, 0x7F800000);
    /** 2^112 rebiases a half's exponent (bias 15) to a float's (bias 127); subnormals come out right too. */
    private static final FloatVector F16_REBIAS = FloatVector.broadcast(F, 0x1p112f);

    /** {@code F.length()} 16-bit floats at byte offset {@code at}, widened to float lanes. */
    private static FloatVector widen(MemorySegment seg, long at, boolean f16) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, seg, at, LE).convertShape(VectorOperators.S2I, I, 0);
        if (!f16) {
            return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();   // bf16 is a float's upper half
        }
        IntVector magnitude = h.and(F16_MAGNITUDE).lanewise(VectorOperators.LSHL, 13);
        FloatVector finite = magnitude.reinterpretAsFloats().mul(F16_REBIAS);
        // Infinities and NaNs (exponent all ones) keep their mantissa under a float's all-ones exponent.
        IntVector bits = finite.reinterpretAsInts().blend(magnitude.or(F32_EXPONENT),
                h.and(F16_EXPONENT).compare(VectorOperators.EQ, F16_EXPONENT));
        return bits.or(h.and(F16_SIGN).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    private static float halfToFloat(short bits, boolean f16) {
        return f16 ? Float.float16ToFloat(bits) : Tensor.bf16ToFloat(bits);
    }

    /** Widens row {@code row} of {@code w} into {@code out[outOff .. outOff + in)}. */
    static void loadRow(Tensor w, long row, int in, float[] out, int outOff) {
        MemorySegment seg = w.data();
        long base = row * in * w.dtype().byteSize();
        if (w.dtype() == DType.F32) {
            MemorySegment.copy(seg, F32_LE, base, out, outOff, in);
            return;
        }
        boolean f16 = w.dtype() == DType.F16;
        int i = 0;
        for (int bound = F.loopBound(in); i < bound; i += F.length()) {
            widen(seg, base + 2L * i, f16).intoArray(out, outOff + i);
        }
        for (; i < in; i++) {
            out[outOff + i] = halfToFloat(seg.get(I16_LE, base + 2L * i), f16);
        }
    }

    /** Dot product of {@code a[aOff..aOff+n)} and {@code b[bOff..bOff+n)}. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /** {@code y[yOff..yOff+n) += a * x[xOff..xOff+n)}. */
    static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(F, a);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    /** A small vector (a norm weight or a bias) widened to float once at load time. */
    static float[] toFloats(Tensor t) {
        if (t == null) {
            return null;
        }
        float[] out = new float[(int) t.elementCount()];
        if (t.dtype() == DType.F32) {
            MemorySegment.copy(t.data(), F32_LE, 0, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getFloat(i);
            }
        }
        return out;
    }
}
