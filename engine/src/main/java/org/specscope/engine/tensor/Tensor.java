package org.specscope.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named, read-only tensor: a row-major view of {@code data} (little-endian, as safetensors
 * stores it). Weights are zero-copy slices of a memory-mapped file; nothing is converted on load.
 */
public record Tensor(String name, DType dtype, long[] shape, MemorySegment data) {

    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Tensor {
        shape = shape.clone();
        long expected = elementCount(shape) * dtype.byteSize();
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor " + name + ": " + data.byteSize() + " bytes for shape "
                    + Arrays.toString(shape) + " of " + dtype + " (expected " + expected + ")");
        }
    }

    /** Product of the dimensions (1 for a scalar). */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    public long elementCount() {
        return elementCount(shape);
    }

    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    /** Element {@code index} of the flattened tensor, widened to float. For tests and cold paths; kernels read {@link #data()} directly. */
    public float getFloat(long index) {
        return switch (dtype) {
            case F32 -> data.get(F32_LE, index * 4);
            case BF16 -> bf16ToFloat(data.get(I16_LE, index * 2));
            case F16 -> Float.float16ToFloat(data.get(I16_LE, index * 2));
        };
    }

    /** Copies row {@code row} of a matrix (rank 2) into {@code out}, widened to float. */
    public void copyRow(long row, float[] out, int outOffset) {
        long cols = shape[shape.length - 1];
        long base = row * cols;
        for (int i = 0; i < cols; i++) {
            out[outOffset + i] = getFloat(base + i);
        }
    }

    /** A bfloat16 is the upper half of a float32. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
