package org.specscope.engine.backend.cpu;

import org.specscope.engine.backend.KvCache;

/**
 * Keys (after RoPE) and values per layer in float32, one row of kvDim per token slot, plus each
 * slot's RoPE position (slot and position differ once draft-tree nodes are cached).
 */
final class CpuKvCache implements KvCache {

    final float[][] keys;
    final float[][] values;
    final int[] positions;
    private final int kvDim;
    private int length;

    CpuKvCache(int layers, int capacity, int kvDim) {
        this.kvDim = kvDim;
        this.keys = new float[layers][Math.multiplyExact(capacity, kvDim)];
        this.values = new float[layers][Math.multiplyExact(capacity, kvDim)];
        this.positions = new int[capacity];
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return positions.length;
    }

    @Override
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("truncate to " + newLength + " of " + length + " cached tokens");
        }
        length = newLength;
    }

    @Override
    public void compact(int from, int[] keep) {
        KvCache.checkCompaction(from, keep, length);
        for (int i = 0; i < keep.length; i++) {
            int src = keep[i];
            int dst = from + i;
            if (src != dst) {
                for (int l = 0; l < keys.length; l++) {
                    System.arraycopy(keys[l], src * kvDim, keys[l], dst * kvDim, kvDim);
                    System.arraycopy(values[l], src * kvDim, values[l], dst * kvDim, kvDim);
                }
                positions[dst] = positions[src];
            }
        }
        length = from + keep.length;
    }

    /** Stores {@code tokens} rows of keys and values for {@code layer} at slots [start, start + tokens). */
    void write(int layer, int start, int tokens, float[] k, float[] v) {
        System.arraycopy(k, 0, keys[layer], start * kvDim, tokens * kvDim);
        System.arraycopy(v, 0, values[layer], start * kvDim, tokens * kvDim);
    }

    /** Records the RoPE positions of a pass's tokens at slots [start, ...) before it runs. */
    void stagePositions(int start, int[] tokenPositions) {
        System.arraycopy(tokenPositions, 0, positions, start, tokenPositions.length);
    }

    /** Commits a pass: the tokens up to slot {@code newLength} now belong to the prefix. */
    void commit(int newLength) {
        length = newLength;
    }
}
