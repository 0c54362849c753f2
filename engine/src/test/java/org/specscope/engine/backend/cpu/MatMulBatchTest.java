package org.specscope.engine.backend.cpu;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Products run together as one region give what each gives alone. */
class MatMulBatchTest {

    private static ParallelRunner par;

    @BeforeAll
    static void pool() {
        par = new ParallelRunner(2);
    }

    @AfterAll
    static void closePool() {
        par.close();
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        return a;
    }

    @Test
    void everyProductEqualsItsOwnMatmulWhateverItsShapeDtypeAndOffsets() {
        DType[] dtypes = {DType.BF16, DType.F16, DType.F32};
        int products = 19;   // more than the table's first size, so it grows
        int width = 40;
        float[] x = random(200 * width, 1);
        MatMulBatch batch = new MatMulBatch();
        for (int repeat = 0; repeat < 2; repeat++) {   // a cleared batch is as good as a new one
            batch.clear();
            float[][] together = new float[products][];
            float[][] alone = new float[products][];
            for (int i = 0; i < products; i++) {
                int rows = 3 + 7 * i;
                int tokens = 1 + i % 6;
                int xRow = 5 * i;
                Tensor w = MatMulTest.randomMatrix(dtypes[i % 3], rows, width, 100 + i);
                together[i] = new float[2 + tokens * rows];
                batch.add(w, x, xRow * width, tokens, together[i], 2, rows);

                float[] xs = java.util.Arrays.copyOfRange(x, xRow * width, (xRow + tokens) * width);
                alone[i] = new float[2 + tokens * rows];
                MatMul.matmul(par, w, 0, rows, xs, tokens, alone[i], rows, 2);
            }
            assertThat(batch.size()).isEqualTo(products);
            batch.run(par);
            for (int i = 0; i < products; i++) {
                for (int j = 0; j < alone[i].length; j++) {
                    // Up to the order of a vector's lane sum, which JIT tiers may choose differently.
                    assertThat(together[i][j]).as("product %d, output %d", i, j)
                            .isCloseTo(alone[i][j], within(1e-5f * Math.max(1, Math.abs(alone[i][j]))));
                }
            }
        }
    }

    @Test
    void anEmptyBatchDoesNothing() {
        MatMulBatch batch = new MatMulBatch();
        batch.run(par);
        assertThat(batch.size()).isZero();
    }
}
