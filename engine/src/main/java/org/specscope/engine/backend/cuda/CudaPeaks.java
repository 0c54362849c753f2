package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.specscope.engine.backend.DevicePeaks;
import org.specscope.engine.backend.PeakReader;

import java.util.Locale;

/**
 * The CUDA device's read bandwidth and FP32 FMA peak, read by the kernels bandwidth_read and
 * fma_peak (specscope_kernels.cu) and timed with CUDA events: what a decode step on this device
 * is held to, measured in the same run as the decode.
 */
final class CudaPeaks implements DevicePeaks {

    /** Default bandwidth buffer: far beyond any GPU's L2 (50-60 MB on H100/H200). */
    static final long DEFAULT_BYTES = 2L << 30;

    /** Reads of the whole buffer per timed read: a 2 GiB read is under 1 ms on HBM3. */
    static final int LAUNCHES_PER_READ = 4;

    private static final int BLOCK = 256;
    private static final int FMA_ITERS = 4096;
    private static final int FMA_FLOPS_PER_ITER = 16;   // 8 chains, 2 flops per FMA

    private final CudaContext context;
    private final String deviceName;

    CudaPeaks(CudaContext context, String deviceName) {
        this.context = context;
        this.deviceName = deviceName;
    }

    @Override
    public String deviceName() {
        return deviceName;
    }

    @Override
    public long defaultBandwidthBytes() {
        // Leave most free memory alone: the model and its caches are already loaded.
        return Math.max(16L << 20, Math.min(DEFAULT_BYTES, context.freeBytes() / 4) & ~0xFFFFFL);
    }

    @Override
    public PeakReader memoryRead(long bytes) {
        return new MemoryRead(bytes);
    }

    @Override
    public PeakReader fmaPeak() {
        return new FmaPeak();
    }

    private final class MemoryRead implements PeakReader {
        private final long n16;
        private final CUdeviceptr buffer;
        private final CUdeviceptr sum;
        private final int grid;

        MemoryRead(long bytes) {
            if (bytes < 16) {
                throw new IllegalArgumentException("a device bandwidth buffer needs at least 16 bytes, got " + bytes);
            }
            context.bind();
            n16 = bytes / 16;
            buffer = context.alloc(n16 * 16, "the bandwidth buffer");
            sum = context.alloc(Integer.BYTES, "the bandwidth checksum");
            // Every word 1: the checksum of a read is the word count, so a short read shows.
            context.fill32(buffer, 1, n16 * 4);
            grid = Math.max(1, context.multiprocessors() * 8);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "read kernel over %.1f GiB of device memory, %d launches per read, "
                    + "timed by CUDA events", n16 * 16 / (double) (1L << 30), LAUNCHES_PER_READ);
        }

        @Override
        public long bytes() {
            return n16 * 16;
        }

        @Override
        public double read() {
            context.bind();
            context.fill32(sum, 0, 1);
            float ms = context.timeMillis(() -> {
                for (int i = 0; i < LAUNCHES_PER_READ; i++) {
                    context.launch("bandwidth_read", grid, 1, 1, BLOCK, 0, buffer, n16, sum);
                }
            });
            int[] got = new int[1];
            context.download(sum, got, 1);
            int want = (int) (n16 * 4 * LAUNCHES_PER_READ);   // mod 2^32, as the kernel adds
            if (got[0] != want) {
                throw new IllegalStateException("the device bandwidth read summed " + Integer.toUnsignedString(got[0])
                        + ", not " + Integer.toUnsignedString(want) + ": not every word was read");
            }
            return (double) n16 * 16 * LAUNCHES_PER_READ / (ms * 1e6);   // bytes per ns = GB/s
        }

        @Override
        public void close() {
            context.bind();
            CudaContext.free(buffer);
            CudaContext.free(sum);
        }
    }

    private final class FmaPeak implements PeakReader {
        private final CUdeviceptr sink;
        private final int grid;

        FmaPeak() {
            context.bind();
            sink = context.alloc(Float.BYTES, "the FMA sink");
            grid = Math.max(1, context.multiprocessors() * 16);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "FP32 FMA kernel: %d blocks x %d threads, 8 independent chains of %d FMAs each",
                    grid, BLOCK, FMA_ITERS);
        }

        @Override
        public long bytes() {
            return 0;
        }

        @Override
        public double read() {
            context.bind();
            float ms = context.timeMillis(() -> context.launch("fma_peak", grid, 1, 1, BLOCK, 0, 1.0f, FMA_ITERS, sink));
            double flops = (double) grid * BLOCK * FMA_ITERS * FMA_FLOPS_PER_ITER;
            return flops / (ms * 1e6);   // flops per ns = GFLOP/s
        }

        @Override
        public void close() {
            context.bind();
            CudaContext.free(sink);
        }
    }
}
