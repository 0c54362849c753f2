package org.specscope.engine.bench;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machine's memory read bandwidth, measured as STREAM measures it but reading only (decoding
 * reads weights and writes almost nothing): every worker sums its share of an off-heap buffer
 * several times larger than the last-level cache with the Vector API, and the time is that of
 * the slowest worker. The buffer holds 32-bit words 0, 1, 2, ... so that the sum, which keeps the
 * reads from being optimised away, also proves that every word was read.
 */
public final class MemoryBandwidth implements AutoCloseable {

    /** Smallest default buffer: large beside any cache this project meets, small beside its memory. */
    public static final long DEFAULT_MIN_BYTES = 1L << 30;

    /** The default buffer is at least this many last-level caches, so that caching cannot help. */
    public static final int CACHE_MULTIPLE = 8;

    /** The smallest buffer accepted (tests use small ones; a measurement wants the default). */
    public static final long MIN_BYTES = 4096;

    private static final VectorSpecies<Integer> WORDS = IntVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long WARM_UP_SLICE_BYTES = 16 * 1024;
    private static final int WARM_UP_CALLS = 20_000;

    private final Arena arena;
    private final MemorySegment buffer;
    private final int threads;
    private final ExecutorService workers;
    private int warmUpSink;
    private int checksum;
    private boolean warm;

    /**
     * Allocates {@code bytes} (rounded down to whole 32-bit words) off the Java heap and writes
     * every word, so that the pages exist before anything is timed.
     */
    public MemoryBandwidth(long bytes, int threads) {
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException("a bandwidth buffer needs at least " + MIN_BYTES + " bytes, got " + bytes);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.arena = Arena.ofShared();
        this.buffer = arena.allocate(bytes / Integer.BYTES * Integer.BYTES, 64);
        long words = buffer.byteSize() / Integer.BYTES;
        for (long i = 0; i < words; i++) {
            buffer.setAtIndex(ValueLayout.JAVA_INT, i, (int) i);
        }
        AtomicInteger index = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "specscope-bandwidth-" + index.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** The default buffer: {@link #DEFAULT_MIN_BYTES}, or {@link #CACHE_MULTIPLE} last-level caches if that is more. */
    public static long defaultBytes(OptionalLong lastLevelCacheBytes) {
        return Math.max(DEFAULT_MIN_BYTES, CACHE_MULTIPLE * lastLevelCacheBytes.orElse(0));
    }

    public long bufferBytes() {
        return buffer.byteSize();
    }

    /**
     * Compiles the read loop on a cache-resident slice and reads the whole buffer once, untimed;
     * {@link #read} does it first if nobody has.
     */
    public void warmUp() {
        // Many short calls get the loop fully compiled; a few long ones leave it half compiled
        // for the first timed reads.
        long slice = Math.min(buffer.byteSize(), WARM_UP_SLICE_BYTES);
        int sums = 0;
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            sums += sum(buffer, 0, slice);
        }
        warmUpSink = sums;   // stored, so that the compiler cannot drop the warm-up as dead code
        checksum = readAll();
        warm = true;
    }

    /** One timed read of the whole buffer by all workers, in GB/s (10^9 bytes). */
    public double read() {
        if (!warm) {
            warmUp();
        }
        long t0 = System.nanoTime();
        int sum = readAll();
        long nanos = System.nanoTime() - t0;
        if (sum != checksum) {
            throw new IllegalStateException("the bandwidth buffer read back differently: " + sum + " then " + checksum);
        }
        return buffer.byteSize() / (double) nanos;   // bytes per ns = GB/s
    }

    /** The warm-up, then {@code repeats} timed reads. */
    public BandwidthMeasurement measure(int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        warmUp();
        double[] gbPerSecond = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            gbPerSecond[r] = read();
        }
        return BandwidthMeasurement.of(buffer.byteSize(), threads, gbPerSecond, checksum);
    }

    /** The sum of the buffer's words modulo 2^32, as the warm-up read it. */
    public int checksum() {
        if (!warm) {
            warmUp();
        }
        return checksum;
    }

    /** Every worker reads its contiguous share; the sum of all words, modulo 2^32. */
    int readAll() {
        long words = buffer.byteSize() / Integer.BYTES;
        List<Callable<Integer>> shares = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            long from = words * t / threads * Integer.BYTES;
            long to = words * (t + 1) / threads * Integer.BYTES;
            shares.add(() -> sum(buffer, from, to));
        }
        try {
            int total = 0;
            for (Future<Integer> share : workers.invokeAll(shares)) {
                total += share.get();
            }
            return total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring memory bandwidth", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a bandwidth worker failed", e.getCause());
        }
    }

    /**
     * The sum modulo 2^32 of the 32-bit words in bytes [from, to) of {@code segment}: four
     * independent vector accumulators keep several loads in flight, as the CPU needs to reach
     * full bandwidth.
     */
    static int sum(MemorySegment segment, long from, long to) {
        long step = WORDS.vectorByteSize();
        IntVector a0 = IntVector.zero(WORDS);
        IntVector a1 = a0;
        IntVector a2 = a0;
        IntVector a3 = a0;
        long o = from;
        for (; o + 4 * step <= to; o += 4 * step) {
            a0 = a0.add(IntVector.fromMemorySegment(WORDS, segment, o, ORDER));
            a1 = a1.add(IntVector.fromMemorySegment(WORDS, segment, o + step, ORDER));
            a2 = a2.add(IntVector.fromMemorySegment(WORDS, segment, o + 2 * step, ORDER));
            a3 = a3.add(IntVector.fromMemorySegment(WORDS, segment, o + 3 * step, ORDER));
        }
        for (; o + step <= to; o += step) {
            a0 = a0.add(IntVector.fromMemorySegment(WORDS, segment, o, ORDER));
        }
        int total = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
        for (; o < to; o += Integer.BYTES) {
            total += segment.get(WORD, o);
        }
        return total;
    }

    /** Frees the buffer (its memory leaves the process's resident set). */
    @Override
    public void close() {
        workers.shutdownNow();
        arena.close();
    }
}
