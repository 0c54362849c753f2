package org.specscope.engine.backend.cpu;

import org.specscope.engine.backend.AbstractKvCache;

/** Keys (after RoPE) and values per layer in float32, one row of kvDim per token slot. */
final class CpuKvCache extends AbstractKvCache {

    final float[][] keys;
    final float[][] values;
    private final int kvDim;

    CpuKvCache(int layers, int capacity, int kvDim) {
        super(capacity);
        this.kvDim = kvDim;
        this.keys = new float[layers][Math.multiplyExact(capacity, kvDim)];
        this.values = new float[layers][Math.multiplyExact(capacity, kvDim)];
    }

    /** Each slot's RoPE position, for the attention's sliding window. */
    int[] positions() {
        return positions;
    }

    @Override
    protected void moveSlots(int from, int[] keep) {
        for (int i = 0; i < keep.length; i++) {
            int src = keep[i];
            int dst = from + i;
            if (src != dst) {
                for (int l = 0; l < keys.length; l++) {
                    System.arraycopy(keys[l], src * kvDim, keys[l], dst * kvDim, kvDim);
                    System.arraycopy(values[l], src * kvDim, values[l], dst * kvDim, kvDim);
                }
            }
        }
    }

    /** Stores {@code tokens} rows of keys and values for {@code layer} at slots [start, start + tokens). */
    void write(int layer, int start, int tokens, float[] k, float[] v) {
        System.arraycopy(k, 0, keys[layer], start * kvDim, tokens * kvDim);
        System.arraycopy(v, 0, values[layer], start * kvDim, tokens * kvDim);
    }
}
