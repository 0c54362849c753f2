package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.specscope.engine.backend.KvCache;

import java.lang.ref.Cleaner;

/**
 * Keys (after RoPE) and values in float32 on the device, as CpuKvCache holds them on the host:
 * one allocation for every layer's keys, [layer][slot][kvDim], and one for the values, so that
 * the k and v projections write straight into their slots and one kernel compacts all layers.
 * Slot positions live on both sides: the device reads them (RoPE, sliding window), the host
 * keeps the copy it compacts.
 */
final class CudaKvCache implements KvCache {

    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaContext cu;
    private final int layers;
    private final int kvDim;
    final CUdeviceptr keys;
    final CUdeviceptr values;
    final CUdeviceptr positionsOnDevice;
    private final CUdeviceptr keep;
    private final int[] positions;
    private int length;

    CudaKvCache(CudaContext cu, int layers, int capacity, int kvDim) {
        this.cu = cu;
        this.layers = layers;
        this.kvDim = kvDim;
        long bytes = (long) layers * capacity * kvDim * Float.BYTES;
        this.keys = cu.alloc(bytes, "the KV cache's keys (" + capacity + " tokens)");
        this.values = cu.alloc(bytes, "the KV cache's values (" + capacity + " tokens)");
        this.positionsOnDevice = cu.alloc((long) capacity * Integer.BYTES, "KV cache positions");
        this.keep = cu.alloc((long) capacity * Integer.BYTES, "KV compaction slots");
        this.positions = new int[capacity];
        CUdeviceptr k = keys, v = values, p = positionsOnDevice, s = keep;
        // A cache is dropped, not closed (KvCache has no close): free its memory once unreachable.
        CLEANER.register(this, () -> {
            cu.freeLater(k);
            cu.freeLater(v);
            cu.freeLater(p);
            cu.freeLater(s);
        });
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
    public void compact(int from, int[] keepSlots) {
        KvCache.checkCompaction(from, keepSlots, length);
        if (keepSlots.length > 0) {
            cu.bind();
            cu.upload(keepSlots, keepSlots.length, keep);
            cu.launch("kv_compact", layers, 2, 1, 256, 0, keys, values, keep, from, keepSlots.length,
                    (long) capacity() * kvDim, kvDim);
            for (int i = 0; i < keepSlots.length; i++) {
                positions[from + i] = positions[keepSlots[i]];
            }
            uploadPositions(from, keepSlots.length);
            cu.sync();   // keepSlots' copy must not outlive the caller's array
        }
        length = from + keepSlots.length;
    }

    /** Layer {@code layer}'s keys from slot {@code slot} on. */
    CUdeviceptr keys(int layer, int slot) {
        return keys.withByteOffset(((long) layer * capacity() + slot) * kvDim * Float.BYTES);
    }

    CUdeviceptr values(int layer, int slot) {
        return values.withByteOffset(((long) layer * capacity() + slot) * kvDim * Float.BYTES);
    }

    CUdeviceptr positions(int slot) {
        return positionsOnDevice.withByteOffset((long) slot * Integer.BYTES);
    }

    /** Records the RoPE positions of a pass's tokens at slots [start, ...) before it runs. */
    void stagePositions(int start, int[] tokenPositions) {
        System.arraycopy(tokenPositions, 0, positions, start, tokenPositions.length);
        uploadPositions(start, tokenPositions.length);
    }

    private void uploadPositions(int from, int count) {
        int[] part = java.util.Arrays.copyOfRange(positions, from, from + count);
        cu.upload(part, count, positions(from));
    }

    /** Commits a pass: the tokens up to slot {@code newLength} now belong to the prefix. */
    void commit(int newLength) {
        length = newLength;
    }
}
