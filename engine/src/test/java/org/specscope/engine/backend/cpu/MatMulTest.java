package org.specscope.engine.backend.cpu;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The batched matmul equals the textbook triple loop for every dtype, width and batch size. */
class MatMulTest {

    private static ParallelRunner par;

    @BeforeAll
    static void pool() {
        par = new ParallelRunner(2);
    }

    @AfterAll
    static void closePool() {
        par.close();
    }

    /** A weight matrix with random values already representable in {@code dtype}. */
    static Tensor randomMatrix(DType dtype, int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * dtype.byteSize());
        var f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        var i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < (long) rows * cols; i++) {
            float v = (float) rnd.nextDouble(-1, 1);
            switch (dtype) {
                case F32 -> seg.set(f32, i * 4, v);
                case BF16 -> seg.set(i16, i * 2, (short) (Float.floatToIntBits(v) >>> 16));
                case F16 -> seg.set(i16, i * 2, Float.floatToFloat16(v));
            }
        }
        return new Tensor("w", dtype, new long[]{rows, cols}, seg);
    }

    @ParameterizedTest(name = "{0}: {1} rows x {2} cols, {3} tokens")
    @CsvSource({
            "F32, 7, 5, 1", "F32, 33, 64, 4", "F32, 19, 70, 9",
            "BF16, 7, 5, 1", "BF16, 40, 64, 3", "BF16, 17, 131, 6",
            "F16, 9, 16, 2", "F16, 31, 100, 5", "F16, 8, 64, 128"})
    void equalsTheNaiveProduct(DType dtype, int rows, int cols, int tokens) {
        Tensor w = randomMatrix(dtype, rows, cols, rows * 31L + cols);
        SplittableRandom rnd = new SplittableRandom(tokens);
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-2, 2);
        }
        int yStride = rows + 3;
        float[] y = new float[tokens * yStride];
        MatMul.matmul(par, w, 0, rows, x, tokens, y, yStride, 2);
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                double expected = 0;
                for (int i = 0; i < cols; i++) {
                    expected += (double) w.getFloat((long) r * cols + i) * x[t * cols + i];
                }
                assertThat((double) y[t * yStride + 2 + r]).as("token %d row %d", t, r)
                        .isCloseTo(expected, within(1e-4 * Math.max(1, Math.abs(expected))));
            }
            assertThat(y[t * yStride]).as("columns before the offset stay untouched").isZero();
        }
    }

    @ParameterizedTest
    @CsvSource({"F32", "BF16", "F16"})
    void aRowRangeOfALargerMatrixReadsThoseRows(DType dtype) {
        Tensor w = randomMatrix(dtype, 10, 24, 5);
        float[] x = new float[24];
        x[3] = 1;   // picks column 3
        float[] y = new float[4];
        MatMul.matmul(par, w, 6, 4, x, 1, y, 4, 0);
        for (int r = 0; r < 4; r++) {
            assertThat(y[r]).isEqualTo(w.getFloat((6L + r) * 24 + 3));
        }
    }

    @ParameterizedTest
    @CsvSource({"F32", "BF16", "F16"})
    void loadRowWidensExactly(DType dtype) {
        Tensor w = randomMatrix(dtype, 3, 37, 9);
        float[] out = new float[40];
        MatMul.loadRow(w, 2, 37, out, 3);
        for (int i = 0; i < 37; i++) {
            assertThat(out[3 + i]).isEqualTo(w.getFloat(2L * 37 + i));
        }
    }

    @ParameterizedTest
    @CsvSource({"F16", "BF16"})
    void widensEveryHalfPrecisionBitPatternExactly(DType dtype) {
        // All 65536 patterns: zeros, subnormals, normals, infinities and NaNs, both signs.
        int n = 1 << 16;
        MemorySegment seg = Arena.ofAuto().allocate(2L * n);
        var i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            seg.set(i16, 2L * i, (short) i);
        }
        Tensor w = new Tensor("all", dtype, new long[]{1, n}, seg);
        float[] out = new float[n];
        MatMul.loadRow(w, 0, n, out, 0);
        for (int i = 0; i < n; i++) {
            float expected = w.getFloat(i);
            if (Float.isNaN(expected)) {
                assertThat(out[i]).as("pattern %04x", i).isNaN();
            } else {
                assertThat(Float.floatToIntBits(out[i])).as("pattern %04x", i).isEqualTo(Float.floatToIntBits(expected));
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} tokens")
    @CsvSource({"F32, 1", "F32, 5", "BF16, 1", "BF16, 7", "F16, 2", "F16, 8"})
    void threadsSplittingTheRowsGiveWhatOneThreadGives(DType dtype, int tokens) {
        Tensor w = randomMatrix(dtype, 300, 250, 77);
        float[] x = new float[tokens * 250];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] parallel = new float[tokens * 300];
        float[] serial = new float[tokens * 300];
        MatMul.matmul(par, w, 0, 300, x, tokens, parallel, 300, 0);
        MatMul.rowRange(w, 0, 0, 300, 250, x, 0, tokens, serial, 300, 0);
        // Equal up to the order of a vector's lane sum, which the Vector API leaves open (the
        // interpreter and the JIT may add lanes in different orders): not bit for bit.
        for (int i = 0; i < serial.length; i++) {
            assertThat(parallel[i]).as("output %d", i).isCloseTo(serial[i], within(1e-5f * Math.max(1, Math.abs(serial[i]))));
        }
    }
}
