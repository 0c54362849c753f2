package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.specscope.engine.backend.AbstractKvCache;

import java.lang.ref.Cleaner;

/**
 * Keys (after RoPE) and values in float32 on the device, as CpuKvCache holds them on the host:
 * one allocation for every layer's keys, [layer][slot][kvDim], and one for the values, so that
 * the k and v projections write straight into their slots and one kernel compacts all layers.
 * Slot positions live on both sides: the device reads them (RoPE, sliding window), the host
 * keeps the copy it compacts.
 */
final class CudaKvCache extends AbstractKvCache {

    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaContext cu;
    private final int layers;
    private final int kvDim;
    final CUdeviceptr keys;
    final CUdeviceptr values;
    final CUdeviceptr positionsOnDevice;
    private final CUdeviceptr keep;

    CudaKvCache(CudaContext cu, int layers, int capacity, int kvDim) {
        super(capacity);
        this.cu = cu;
        this.layers = layers;
        this.kvDim = kvDim;
        long bytes = (long) layers * capacity * kvDim * Float.BYTES;
        CUdeviceptr[] made = new CUdeviceptr[4];
        try {
            made[0] = cu.alloc(bytes, "the KV cache's keys (" + capacity + " tokens)");
            made[1] = cu.alloc(bytes, "the KV cache's values (" + capacity + " tokens)");
            made[2] = cu.alloc((long) capacity * Integer.BYTES, "KV cache positions");
            made[3] = cu.alloc((long) capacity * Integer.BYTES, "KV compaction slots");
        } catch (RuntimeException e) {
            for (CUdeviceptr p : made) {   // a cache that does not fit holds nothing
                CudaContext.free(p);
            }
            throw e;
        }
        this.keys = made[0];
        this.values = made[1];
        this.positionsOnDevice = made[2];
        this.keep = made[3];
        CUdeviceptr k = keys, v = values, p = positionsOnDevice, s = keep;
        // A cache is dropped, not closed (KvCache has no close): free its memory once unreachable.
        CLEANER.register(this, () -> {
            cu.freeLater(k);
            cu.freeLater(v);
            cu.freeLater(p);
            cu.freeLater(s);
        });
    }

    /** One kernel moves every layer's keys and values; the moved positions follow them to the device. */
    @Override
    protected void moveSlots(int from, int[] keepSlots) {
        cu.bind();
        cu.upload(keepSlots, keepSlots.length, keep);
        cu.launch("kv_compact", layers, 2, 1, 256, 0, keys, values, keep, from, keepSlots.length,
                (long) capacity() * kvDim, kvDim);
        uploadPositions(from, keepSlots.length);
        cu.sync();   // keepSlots' copy must not outlive the caller's array
    }

    /** Layer {@code layer}'s keys, [capacity x kvDim]. */
    CUdeviceptr keys(int layer) {
        return keys.withByteOffset((long) layer * capacity() * kvDim * Float.BYTES);
    }

    /** Layer {@code layer}'s values, [capacity x kvDim]. */
    CUdeviceptr values(int layer) {
        return values.withByteOffset((long) layer * capacity() * kvDim * Float.BYTES);
    }

    CUdeviceptr positions(int slot) {
        return positionsOnDevice.withByteOffset((long) slot * Integer.BYTES);
    }

    /** Uploads them too: the device reads them. */
    @Override
    public void stagePositions(int start, int[] tokenPositions) {
        super.stagePositions(start, tokenPositions);
        uploadPositions(start, tokenPositions.length);
    }

    private void uploadPositions(int from, int count) {
        int[] part = java.util.Arrays.copyOfRange(positions, from, from + count);
        cu.upload(part, count, positions(from));
    }
}
