package org.specscope.engine.backend.cpu;

import org.specscope.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * Several independent products {@code y = x W^T} run as one parallel region: the rows of all of
 * them form one range that the thread team splits. A decode step of a fine-grained MoE (OLMoE:
 * eight experts of three small matrices per layer) would otherwise pay one region's start and
 * join per matrix, which costs as much as streaming those small matrices; batched, a layer's
 * experts take two regions (gate and up together, then down). Reused between calls: adding
 * products allocates nothing once the table has grown to the largest batch.
 */
final class MatMulBatch {

    private Tensor[] weights = new Tensor[8];
    private float[][] inputs = new float[8][];
    private float[][] outputs = new float[8][];
    private int[] inputOffsets = new int[8];
    private int[] tokenCounts = new int[8];
    private int[] outputStrides = new int[8];
    private int[] outputOffsets = new int[8];
    /** First row of product i in the combined range (and, at index size, the total). */
    private int[] firstRow = new int[9];
    private long weightBytes;
    private int size;
    private final ParallelRunner.RangeBody body = this::runRows;

    /** Forgets the products added so far. */
    void clear() {
        Arrays.fill(weights, 0, size, null);
        Arrays.fill(inputs, 0, size, null);
        Arrays.fill(outputs, 0, size, null);
        size = 0;
        weightBytes = 0;
    }

    int size() {
        return size;
    }

    /**
     * Adds the product of all rows of {@code w} with {@code tokens} activation rows starting at
     * {@code x[xOff]}, written to {@code y[yOff + t*yStride + r]}.
     */
    void add(Tensor w, float[] x, int xOff, int tokens, float[] y, int yOff, int yStride) {
        if (size == weights.length) {
            grow();
        }
        weights[size] = w;
        inputs[size] = x;
        inputOffsets[size] = xOff;
        tokenCounts[size] = tokens;
        outputs[size] = y;
        outputOffsets[size] = yOff;
        outputStrides[size] = yStride;
        firstRow[size + 1] = firstRow[size] + (int) w.dim(0);
        weightBytes += w.data().byteSize();
        size++;
    }

    /** Runs every product added, as one region of {@code par}. */
    void run(ParallelRunner par) {
        int rows = firstRow[size];
        if (rows == 0) {
            return;
        }
        // Rows per chunk so that a chunk reads about as many weight bytes as MatMul's do.
        int grain = (int) Math.max(1, (1L << 16) * rows / Math.max(1, weightBytes));
        par.forRange(rows, grain, body);
    }

    /** Rows [from, to) of the combined range: the overlapping part of each product. */
    private void runRows(int from, int to) {
        int i = Arrays.binarySearch(firstRow, 0, size + 1, from);
        if (i < 0) {
            i = -i - 2;   // the product whose range holds `from`
        }
        while (i < size && firstRow[i] < to) {
            int start = Math.max(from, firstRow[i]) - firstRow[i];
            int end = Math.min(to, firstRow[i + 1]) - firstRow[i];
            if (start < end) {
                Tensor w = weights[i];
                MatMul.rowRange(w, 0, start, end, (int) w.dim(w.rank() - 1), inputs[i], inputOffsets[i],
                        tokenCounts[i], outputs[i], outputStrides[i], outputOffsets[i]);
            }
            i++;
        }
    }

    private void grow() {
        int n = weights.length * 2;
        weights = Arrays.copyOf(weights, n);
        inputs = Arrays.copyOf(inputs, n);
        outputs = Arrays.copyOf(outputs, n);
        inputOffsets = Arrays.copyOf(inputOffsets, n);
        tokenCounts = Arrays.copyOf(tokenCounts, n);
        outputStrides = Arrays.copyOf(outputStrides, n);
        outputOffsets = Arrays.copyOf(outputOffsets, n);
        firstRow = Arrays.copyOf(firstRow, n + 1);
    }
}
