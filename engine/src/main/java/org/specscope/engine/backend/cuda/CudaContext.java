package org.specscope.engine.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import org.specscope.engine.backend.KernelProfile;
import org.specscope.engine.backend.OutOfDeviceMemoryException;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The driver-API plumbing every CUDA class shares: the device's primary context, the kernel
 * module, one stream, allocation and copies. Every entry point makes the context current on the
 * calling thread first, because the engine runs passes on its own threads (a session's loop, the
 * app's loader) and a CUDA context is current per thread.
 */
final class CudaContext implements AutoCloseable {

    /** Copies from mapped files go in chunks: progress moves, and a ByteBuffer holds at most 2 GiB. */
    private static final long UPLOAD_CHUNK = 64L << 20;

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final CUstream stream = new CUstream();
    // a target and a draft runner may launch from two threads: the lookup cache must be safe for both
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
    /** Device memory of objects the garbage collector found unreachable (KV caches), freed at the next bind. */
    private final java.util.concurrent.ConcurrentLinkedQueue<CUdeviceptr> orphans = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    /**
     * Stream work (launches, copies, memsets, synchronisation) shares it; a graph capture holds it
     * alone. While our stream is captured, any work on it from another thread would join the graph,
     * and any use of the legacy stream (our synchronous copies) would invalidate the capture and fail
     * that other thread's call: a target and a draft runner, or a loader, may use one context from
     * two threads.
     */
    private final ReentrantReadWriteLock streamUse = new ReentrantReadWriteLock();
    /** While {@link #profile} runs: each launch with the events around it; else null. */
    private List<TimedLaunch> profiled;

    private record TimedLaunch(String kernel, CUevent start, CUevent end) {
    }
    /** Null where the FFM launch path is unavailable (KernelLauncher.unavailable() says why). */
    private final KernelLauncher launcher = KernelLauncher.unavailable() == null ? new KernelLauncher() : null;
    /**
     * Why launches are not programmatic (programmatic dependent launch: a kernel's blocks start
     * while its predecessor's last ones run, see specscope_kernels.cu); null while they are.
     * Set once at open, and for good if the driver refuses such a launch.
     */
    private volatile String programmaticOff;
    /** Why graph captures record plain launches although others are programmatic; null while they record programmatic ones. */
    private volatile String programmaticCapturesOff;
    /** While a capture of plain launches runs (only its thread launches then: it holds the stream alone). */
    private boolean plainOnly;
    private final java.util.concurrent.atomic.AtomicLong programmaticLaunches = new java.util.concurrent.atomic.AtomicLong();

    /** -Dspecscope.cuda.pdl=false launches every kernel in plain stream order (to compare). */
    static final String PROGRAMMATIC_PROPERTY = "specscope.cuda.pdl";
    private static final System.Logger LOG = System.getLogger(CudaContext.class.getName());

    private CudaContext() {
    }

    static CudaContext open(CudaDevice device, KernelImage image) {
        if (image.fatbin() == null) {
            throw new IllegalStateException("the kernel fatbin is missing from the build (" + KernelImage.FATBIN + ")");
        }
        CudaContext c = new CudaContext();
        check(JCudaDriver.cuInit(0), "cuInit");
        check(JCudaDriver.cuDeviceGet(c.device, device.ordinal()), "cuDeviceGet");
        check(JCudaDriver.cuDevicePrimaryCtxRetain(c.context, c.device), "cuDevicePrimaryCtxRetain");
        try {
            check(JCudaDriver.cuCtxSetCurrent(c.context), "cuCtxSetCurrent");
            check(JCudaDriver.cuModuleLoadData(c.module, image.fatbin()), "cuModuleLoadData (kernels built by nvcc "
                    + image.nvccVersion() + ")");
            check(JCudaDriver.cuStreamCreate(c.stream, 0), "cuStreamCreate");
            c.programmaticOff = programmaticOff(device.computeMajor(), System.getProperty(PROGRAMMATIC_PROPERTY),
                    c.launcher == null ? "launches go through JCuda: " + KernelLauncher.unavailable()
                            : KernelLauncher.programmaticUnavailable());
        } catch (RuntimeException e) {
            JCudaDriver.cuDevicePrimaryCtxRelease(c.device);
            throw e;
        }
        return c;
    }

    /**
     * Why launches on a device of compute capability {@code major}.x would not be programmatic,
     * given the switch's value and why the launcher cannot make such launches (null: it can); null
     * when they would be.
     */
    static String programmaticOff(int major, String property, String launcherCannot) {
        if ("false".equals(property)) {
            return "-D" + PROGRAMMATIC_PROPERTY + "=false";
        }
        if (major < 9) {
            return "compute capability " + major + ".x (programmatic dependent launch needs 9.0)";
        }
        return launcherCannot;
    }

    /** Why launches are not programmatic; null while they are. */
    String programmaticOff() {
        return programmaticOff;
    }

    /** How many launches were programmatic (for tests: that the path ran). */
    long programmaticLaunches() {
        return programmaticLaunches.get();
    }

    /** Whether a graph capture should record programmatic launches. */
    boolean programmaticCaptures() {
        return programmaticOff == null && programmaticCapturesOff == null;
    }

    /** Why captures record plain launches while other launches are programmatic; null when they do not. */
    String programmaticCapturesOff() {
        return programmaticCapturesOff;
    }

    /** From now on captures record plain launches, for {@code why}. */
    void turnOffProgrammaticCaptures(String why) {
        programmaticCapturesOff = why;
        LOG.log(System.Logger.Level.WARNING, why + "; graphs are captured from plain launches from now on");
    }

    /** What {@code capture} returns, its launches made in plain stream order (call while holding the stream alone). */
    <T> T plainLaunches(Supplier<T> capture) {
        if (!streamUse.isWriteLockedByCurrentThread()) {
            throw new IllegalStateException("plain launches are only for a capture that holds the stream alone");
        }
        plainOnly = true;
        try {
            return capture.get();
        } finally {
            plainOnly = false;
        }
    }

    /** Makes this context current on the calling thread (cheap when it already is). */
    void bind() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend is closed");
        }
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        for (CUdeviceptr p; (p = orphans.poll()) != null; ) {
            JCudaDriver.cuMemFree(p);
        }
    }

    /** Frees {@code p} on the next engine thread that binds (safe from a Cleaner's thread). */
    void freeLater(CUdeviceptr p) {
        if (!closed) {
            orphans.add(p);
        }
    }

    long freeBytes() {
        bind();
        long[] free = new long[1];
        long[] total = new long[1];
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return free[0];
    }

    CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunction f = new CUfunction();
            check(JCudaDriver.cuModuleGetFunction(f, module, n), "cuModuleGetFunction(" + n + ")");
            return f;
        });
    }

    CUstream stream() {
        return stream;
    }

    /** Device memory of {@code bytes} (at least 1), zeroed. */
    CUdeviceptr alloc(long bytes, String what) {
        return onStream(() -> allocZeroed(bytes, what));
    }

    private CUdeviceptr allocZeroed(long bytes, String what) {
        CUdeviceptr p = new CUdeviceptr();
        int r = JCudaDriver.cuMemAlloc(p, Math.max(1, bytes));
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            throw new OutOfDeviceMemoryException(String.format(java.util.Locale.ROOT,
                    "out of GPU memory allocating %.1f MiB for %s (%.1f GiB free)", bytes / 1048576.0, what,
                    freeBytes() / (double) (1L << 30)));
        }
        check(r, "cuMemAlloc(" + what + ")");
        check(JCudaDriver.cuMemsetD8(p, (byte) 0, Math.max(1, bytes)), "cuMemsetD8");
        return p;
    }

    /**
     * {@code bytes} of page-locked host memory, the only host memory a copy can fill without the
     * host waiting for it (copyOutLater). Free with {@link #freeHost}.
     */
    Pointer allocHost(long bytes, String what) {
        return onStream(() -> {
            Pointer p = new Pointer();
            int r = JCudaDriver.cuMemAllocHost(p, Math.max(1, bytes));
            if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                        "out of page-locked host memory allocating %.1f MiB for %s", bytes / 1048576.0, what));
            }
            check(r, "cuMemAllocHost(" + what + ")");
            return p;
        });
    }

    static void freeHost(Pointer p) {
        if (p != null) {
            JCudaDriver.cuMemFreeHost(p);
        }
    }

    /**
     * Queues a copy of {@code bytes} from {@code src} into page-locked {@code dst} behind the
     * stream's work so far, and returns at once; the bytes are there after the next download or
     * sync.
     */
    void copyOutLater(CUdeviceptr src, Pointer dst, long bytes) {
        onStream(() -> check(JCudaDriver.cuMemcpyDtoHAsync(dst, src, bytes, stream), "cuMemcpyDtoHAsync"));
    }

    /** Runs {@code work} (copies, synchronisation, a graph launch) while no capture is under way. */
    void onStream(Runnable work) {
        onStream(() -> {
            work.run();
            return null;
        });
    }

    /** {@link #onStream(Runnable)} for work with a result. */
    <T> T onStream(Supplier<T> work) {
        streamUse.readLock().lock();
        try {
            return work.get();
        } finally {
            streamUse.readLock().unlock();
        }
    }

    /** Runs {@code capture} with the stream to itself: no other thread's work can join or break it. */
    <T> T exclusively(Supplier<T> capture) {
        streamUse.writeLock().lock();
        try {
            return capture.get();
        } finally {
            streamUse.writeLock().unlock();
        }
    }

    static void free(CUdeviceptr p) {
        if (p != null) {
            JCudaDriver.cuMemFree(p);
        }
    }

    /** Copies {@code segment} (a mapped weight) to {@code dst + dstOffset}; returns the bytes copied. */
    long upload(MemorySegment segment, CUdeviceptr dst, long dstOffset, Runnable afterChunk) {
        long size = segment.byteSize();
        for (long off = 0; off < size; off += UPLOAD_CHUNK) {
            long n = Math.min(UPLOAD_CHUNK, size - off);
            // A heap segment (tests' small tensors) has no address: copy it through a direct buffer.
            java.nio.ByteBuffer chunk = segment.isNative() ? segment.asSlice(off, n).asByteBuffer()
                    : java.nio.ByteBuffer.allocateDirect((int) n).put(segment.asSlice(off, n).asByteBuffer()).flip();
            long at = dstOffset + off;
            copyIn(dst.withByteOffset(at), Pointer.to(chunk), n);
            afterChunk.run();
        }
        return size;
    }

    // Copies from Java arrays are synchronous: the array may move once the call returns, so an
    // asynchronous copy from it would be undefined. Our stream is a blocking one, so these copies
    // (on the legacy default stream) are ordered after the kernels before them and before those after.

    void upload(float[] src, CUdeviceptr dst) {
        copyIn(dst, Pointer.to(src), (long) src.length * Float.BYTES);
    }

    void upload(int[] src, int length, CUdeviceptr dst) {
        copyIn(dst, Pointer.to(src), (long) length * Integer.BYTES);
    }

    void upload(byte[] src, int length, CUdeviceptr dst) {
        copyIn(dst, Pointer.to(src), length);
    }

    void upload(double[] src, CUdeviceptr dst) {
        copyIn(dst, Pointer.to(src), (long) src.length * Double.BYTES);
    }

    private void copyIn(CUdeviceptr dst, Pointer src, long bytes) {
        onStream(() -> check(JCudaDriver.cuMemcpyHtoD(dst, src, bytes), "cuMemcpyHtoD"));
    }

    /** Waits for the stream, then copies {@code count} floats from {@code src + offset floats}. */
    void download(CUdeviceptr src, long offsetFloats, float[] dst, int count) {
        copyOut(Pointer.to(dst), src.withByteOffset(offsetFloats * Float.BYTES), (long) count * Float.BYTES);
    }

    void download(CUdeviceptr src, int[] dst, int count) {
        copyOut(Pointer.to(dst), src, (long) count * Integer.BYTES);
    }

    private void copyOut(Pointer dst, CUdeviceptr src, long bytes) {
        onStream(() -> {
            sync();
            check(JCudaDriver.cuMemcpyDtoH(dst, src, bytes), "cuMemcpyDtoH");
        });
    }

    /** Sets {@code count} 32-bit words at {@code p} to {@code value}. */
    void fill32(CUdeviceptr p, int value, long count) {
        onStream(() -> check(JCudaDriver.cuMemsetD32(p, value, count), "cuMemsetD32"));
    }

    /** Streaming multiprocessors on the device: how wide a grid must be to keep all of them busy. */
    int multiprocessors() {
        int[] count = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(count, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                device), "cuDeviceGetAttribute(multiprocessors)");
        return count[0];
    }

    /**
     * Runs {@code launches} (kernels on the stream) between two events and returns the device time
     * between them in ms: the host's clock would add launch and synchronisation latency.
     */
    float timeMillis(Runnable launches) {
        bind();
        return onStream(() -> timed(launches));
    }

    private float timed(Runnable launches) {
        CUevent start = new CUevent();
        CUevent end = new CUevent();
        check(JCudaDriver.cuEventCreate(start, 0), "cuEventCreate");
        check(JCudaDriver.cuEventCreate(end, 0), "cuEventCreate");
        try {
            check(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord");
            launches.run();
            check(JCudaDriver.cuEventRecord(end, stream), "cuEventRecord");
            check(JCudaDriver.cuEventSynchronize(end), "kernels timed between events");
            float[] ms = new float[1];
            check(JCudaDriver.cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
            return ms[0];
        } finally {
            JCudaDriver.cuEventDestroy(start);
            JCudaDriver.cuEventDestroy(end);
        }
    }

    void sync() {
        onStream(() -> check(JCudaDriver.cuStreamSynchronize(stream), "kernel or copy on the stream"));
    }

    /**
     * Launches {@code kernel} on the stream. {@code args} are device pointers (null: a null pointer),
     * Integer, Float, Long or Double values, in the kernel's parameter order. Through the FFM API
     * ({@link KernelLauncher}) where it can, else through JCuda.
     */
    void launch(String kernel, int gridX, int gridY, int gridZ, int block, int sharedBytes, Object... args) {
        streamUse.readLock().lock();
        try {
            if (profiled != null) {
                launchTimed(kernel, gridX, gridY, gridZ, block, sharedBytes, args);
            } else {
                launchNow(kernel, gridX, gridY, gridZ, block, sharedBytes, args);
            }
        } finally {
            streamUse.readLock().unlock();
        }
    }

    /**
     * Launches through the FFM API: programmatically unless that is off or a kernel is being
     * timed alone (a profile's events would serialise the kernels anyway, and each kernel's time
     * should be its own). When the driver refuses a programmatic launch that it then accepts in
     * plain stream order, programmatic launches stay off for good, with the driver's reason.
     */
    private void launchNow(String kernel, int gridX, int gridY, int gridZ, int block, int sharedBytes, Object... args) {
        if (launcher == null) {
            launchThroughJCuda(kernel, gridX, gridY, gridZ, block, sharedBytes, args);
            return;
        }
        CUfunction f = function(kernel);
        int refused = CUresult.CUDA_SUCCESS;
        if (programmaticOff == null && profiled == null && !plainOnly) {
            refused = launcher.launch(f, gridX, gridY, gridZ, block, sharedBytes, stream, true, kernel, args);
            if (refused == CUresult.CUDA_SUCCESS) {
                programmaticLaunches.incrementAndGet();
                return;
            }
        }
        check(launcher.launch(f, gridX, gridY, gridZ, block, sharedBytes, stream, false, kernel, args),
                "cuLaunchKernel(" + kernel + ")");
        if (refused != CUresult.CUDA_SUCCESS) {
            programmaticOff = "the driver refused a programmatic launch of " + kernel + " ("
                    + CUresult.stringFor(refused) + ") and took it in plain stream order";
            LOG.log(System.Logger.Level.WARNING, programmaticOff + "; every kernel launches so from now on");
        }
    }

    /** {@link #launch} with JCuda's marshalling of each argument (the fallback; 9-11 us a launch on an H100, twice the FFM path). */
    void launchThroughJCuda(String kernel, int gridX, int gridY, int gridZ, int block, int sharedBytes, Object... args) {
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                // A pattern switch throws NullPointerException on null without this case; the
                // expert down-projection passes null for its absent gather index.
                case null -> Pointer.to(new long[]{0L});   // a null device pointer (8 bytes)
                case CUdeviceptr p -> Pointer.to(p);
                case Integer v -> Pointer.to(new int[]{v});
                case Float v -> Pointer.to(new float[]{v});
                case Long v -> Pointer.to(new long[]{v});
                case Double v -> Pointer.to(new double[]{v});
                default -> throw new IllegalArgumentException("kernel argument " + i + " of " + kernel + ": "
                        + args[i].getClass().getName());
            };
        }
        onStream(() -> check(JCudaDriver.cuLaunchKernel(function(kernel), gridX, gridY, gridZ, block, 1, 1, sharedBytes,
                stream, Pointer.to(params), null), "cuLaunchKernel(" + kernel + ")"));
    }

    /** Whether launches are being timed one by one ({@link #profile}): no graph should replace them. */
    boolean profiling() {
        return profiled != null;
    }

    /**
     * Runs {@code work} ({@code passes} passes) with an event recorded before and after each launch,
     * and returns each kernel's launches and device time. Events around each launch serialise
     * nothing the stream did not already serialise, but they add the gaps between kernels to no
     * kernel: the sum can be well under a pass's time, and the difference is launch overhead.
     */
    KernelProfile profile(Runnable work, int passes) {
        bind();
        if (profiled != null) {
            throw new IllegalStateException("a kernel profile is already running");
        }
        profiled = new ArrayList<>();
        List<TimedLaunch> launches;
        try {
            work.run();
            sync();
        } finally {
            launches = profiled;
            profiled = null;
        }
        Map<String, double[]> byKernel = new LinkedHashMap<>();   // launches, micros; in first-launch order
        float[] ms = new float[1];
        for (TimedLaunch l : launches) {
            check(JCudaDriver.cuEventElapsedTime(ms, l.start(), l.end()), "cuEventElapsedTime");
            double[] sum = byKernel.computeIfAbsent(l.kernel(), k -> new double[2]);
            sum[0]++;
            sum[1] += ms[0] * 1000.0;
            JCudaDriver.cuEventDestroy(l.start());
            JCudaDriver.cuEventDestroy(l.end());
        }
        List<KernelProfile.KernelTime> kernels = new ArrayList<>();
        byKernel.forEach((k, sum) -> kernels.add(new KernelProfile.KernelTime(k, (int) sum[0], sum[1])));
        return new KernelProfile(kernels, passes);
    }

    private void launchTimed(String kernel, int gridX, int gridY, int gridZ, int block, int sharedBytes, Object... args) {
        CUevent start = new CUevent();
        CUevent end = new CUevent();
        check(JCudaDriver.cuEventCreate(start, 0), "cuEventCreate");
        check(JCudaDriver.cuEventCreate(end, 0), "cuEventCreate");
        profiled.add(new TimedLaunch(kernel, start, end));
        check(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord");
        launchNow(kernel, gridX, gridY, gridZ, block, sharedBytes, args);
        check(JCudaDriver.cuEventRecord(end, stream), "cuEventRecord");
    }

    static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException(what + " failed: " + CUresult.stringFor(result));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        bind();
        JCudaDriver.cuStreamDestroy(stream);
        JCudaDriver.cuModuleUnload(module);
        closed = true;
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
    }
}
