package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Device buffers of a kernel-level test, freed together when closed (try-with-resources). */
final class DeviceBuffers implements AutoCloseable {

    private final CudaContext cu;
    private final List<CUdeviceptr> owned = new ArrayList<>();

    DeviceBuffers(CudaContext cu) {
        this.cu = cu;
    }

    /** Uninitialised room for {@code count} 4-byte values. */
    CUdeviceptr floats(long count) {
        return bytes(count * Float.BYTES);
    }

    CUdeviceptr of(float[] values) {
        CUdeviceptr p = floats(values.length);
        cu.upload(values, p);
        return p;
    }

    CUdeviceptr of(int[] values) {
        CUdeviceptr p = floats(values.length);
        cu.upload(values, values.length, p);
        return p;
    }

    CUdeviceptr of(byte[] values) {
        CUdeviceptr p = bytes(Math.max(1, values.length));
        cu.upload(values, values.length, p);
        return p;
    }

    /** BF16 values, given as their bits. */
    CUdeviceptr ofBf16(short[] bits) {
        CUdeviceptr p = bytes((long) Math.max(1, bits.length) * Short.BYTES);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate((long) bits.length * Short.BYTES, 16);
            MemorySegment.copy(bits, 0, segment, ValueLayout.JAVA_SHORT, 0, bits.length);
            cu.upload(segment, p, 0, () -> { });
        }
        return p;
    }

    float[] read(CUdeviceptr p, int count) {
        float[] out = new float[count];
        cu.download(p, 0, out, count);
        return out;
    }

    private CUdeviceptr bytes(long count) {
        CUdeviceptr p = cu.alloc(count, "test buffer");
        owned.add(p);
        return p;
    }

    @Override
    public void close() {
        owned.forEach(CudaContext::free);
        owned.clear();
    }

    /** {@code n} standard normal values. */
    static float[] gaussian(int n, SplittableRandom random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
