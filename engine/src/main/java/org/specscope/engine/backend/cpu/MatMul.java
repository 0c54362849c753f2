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
 * weights stay in their stored dtype (BF16/F16) inside the mapped file: each weight row is
 * widened once into an L1-resident scratch row and then applied to every token of the batch,
 * so a pass over T tokens streams each weight byte from memory once, not T times.
 */
final class MatMul {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class,
            VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Tokens per register block: four accumulators fit the vector registers of AVX2 and wider. */
    private static final int TOKEN_BLOCK = 4;

    private MatMul() {
    }

    /**
     * {@code y[t*yStride + yOff + r] = sum_i W[rowOff + r, i] * x[t*in + i]} for r in [0, rows),
     * t in [0, tokens). {@code W} may be a row range of a larger matrix ({@code rowOff}).
     */
    static void matmul(ParallelRunner par, Tensor w, long rowOff, int rows, float[] x, int tokens, float[] y,
                       int yStride, int yOff) {
        int in = (int) w.dim(w.rank() - 1);
        // Rows per chunk: enough work per task to amortise the fork (about 64 KiB of weights).
        int grain = Math.max(1, (1 << 16) / Math.max(1, in * w.dtype().byteSize()));
        par.forRange(rows, grain, (from, to) -> {
            float[] wRow = new float[in];
            for (int r = from; r < to; r++) {
                loadRow(w, rowOff + r, in, wRow, 0);
                for (int t = 0; t < tokens; t += TOKEN_BLOCK) {
                    int n = Math.min(TOKEN_BLOCK, tokens - t);
                    dotBlock(wRow, x, t, n, in, y, yStride, yOff + r);
                }
            }
        });
    }

    /** Widens row {@code row} of {@code w} into {@code out[outOff .. outOff + in)}. */
    static void loadRow(Tensor w, long row, int in, float[] out, int outOff) {
        MemorySegment seg = w.data();
        long base = row * in * w.dtype().byteSize();
        switch (w.dtype()) {
            case F32 -> MemorySegment.copy(seg, F32_LE, base, out, outOff, in);
            case BF16 -> {
                int i = 0;
                int bound = S.loopBound(in);
                for (; i < bound; i += S.length()) {
                    ShortVector s = ShortVector.fromMemorySegment(S, seg, base + 2L * i, ByteOrder.LITTLE_ENDIAN);
                    IntVector wide = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
                    wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(out, outOff + i);
                }
                for (; i < in; i++) {
                    out[outOff + i] = Tensor.bf16ToFloat(seg.get(I16_LE, base + 2L * i));
                }
            }
            case F16 -> {
                for (int i = 0; i < in; i++) {
                    out[outOff + i] = Float.float16ToFloat(seg.get(I16_LE, base + 2L * i));
                }
            }
        }
    }

    /** Dot products of one widened weight row with {@code n <= 4} consecutive token rows. */
    private static void dotBlock(float[] w, float[] x, int t0, int n, int in, float[] y, int yStride, int yCol) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int b0 = t0 * in, b1 = b0 + in, b2 = b1 + in, b3 = b2 + in;
        int bound = F.loopBound(in);
        int i = 0;
        switch (n) {
            case 4 -> {
                for (; i < bound; i += F.length()) {
                    FloatVector wv = FloatVector.fromArray(F, w, i);
                    a0 = wv.fma(FloatVector.fromArray(F, x, b0 + i), a0);
                    a1 = wv.fma(FloatVector.fromArray(F, x, b1 + i), a1);
                    a2 = wv.fma(FloatVector.fromArray(F, x, b2 + i), a2);
                    a3 = wv.fma(FloatVector.fromArray(F, x, b3 + i), a3);
                }
            }
            case 3 -> {
                for (; i < bound; i += F.length()) {
                    FloatVector wv = FloatVector.fromArray(F, w, i);
                    a0 = wv.fma(FloatVector.fromArray(F, x, b0 + i), a0);
                    a1 = wv.fma(FloatVector.fromArray(F, x, b1 + i), a1);
                    a2 = wv.fma(FloatVector.fromArray(F, x, b2 + i), a2);
                }
            }
            case 2 -> {
                for (; i < bound; i += F.length()) {
                    FloatVector wv = FloatVector.fromArray(F, w, i);
                    a0 = wv.fma(FloatVector.fromArray(F, x, b0 + i), a0);
                    a1 = wv.fma(FloatVector.fromArray(F, x, b1 + i), a1);
                }
            }
            default -> {
                for (; i < bound; i += F.length()) {
                    a0 = FloatVector.fromArray(F, w, i).fma(FloatVector.fromArray(F, x, b0 + i), a0);
                }
            }
        }
        store(a0, w, x, t0, i, in, y, yStride, yCol);
        if (n > 1) {
            store(a1, w, x, t0 + 1, i, in, y, yStride, yCol);
        }
        if (n > 2) {
            store(a2, w, x, t0 + 2, i, in, y, yStride, yCol);
        }
        if (n > 3) {
            store(a3, w, x, t0 + 3, i, in, y, yStride, yCol);
        }
    }

    /** Reduces one token's accumulator, adds the scalar tail from {@code tail} on, and stores it. */
    private static void store(FloatVector acc, float[] w, float[] x, int t, int tail, int in, float[] y, int yStride,
                              int yCol) {
        float s = acc.reduceLanes(VectorOperators.ADD);
        int bt = t * in;
        for (int j = tail; j < in; j++) {
            s += w[j] * x[bt + j];
        }
        y[t * yStride + yCol] = s;
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
