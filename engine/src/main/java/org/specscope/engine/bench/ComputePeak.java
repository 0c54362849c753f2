package org.specscope.engine.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machine's peak FP32 multiply-add throughput, the compute side of the roofline: every worker
 * runs {@link #ACCUMULATORS} independent chains of vector FMAs in registers, touching no memory,
 * and the time is that of the slowest worker. An FMA lane counts as 2 flops, as the pass costs do.
 * <p>
 * The chains count: each starts at its own index k and adds 1 per step ({@code x * 1 + 1}), so
 * after n steps every lane holds k + n exactly (below 2^24). Their sum, checked after every read,
 * keeps the FMAs from being optimised away and proves that every one of them ran.
 */
public final class ComputePeak implements AutoCloseable {

    /**
     * Independent chains per worker: on current x86 cores an FMA's result is ready some 4 cycles
     * after it issues and 2 issue per cycle, so at least 8 must be in flight; 12 leave a margin
     * and, with the two operands, still fit AVX2's 16 vector registers.
     */
    public static final int ACCUMULATORS = 12;

    /** Steps per call of {@link #fmaChains}: few enough to count exactly (below 2^24), enough to amortise a call. */
    static final int CHUNK_STEPS = 1 << 20;

    /** What one read aims to take: long beside timer and thread wake-up noise, short beside a bench round. */
    public static final long DEFAULT_READ_NANOS = 60_000_000L;

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    // Many short calls get the method compiled by C2 as a whole; a few long ones would leave it
    // running in an on-stack-replaced or interpreted loop for the first timed reads.
    private static final int WARM_UP_CALLS = 3_000;
    private static final int WARM_UP_STEPS = 256;
    /** Consecutive chunk timings that agree this closely mean compilation has settled. */
    private static final double SETTLED = 0.03;
    private static final int MAX_SETTLING_CHUNKS = 40;
    private static final long MAX_SETTLING_NANOS = 2_000_000_000L;

    private final int threads;
    private final long readNanos;
    private final ExecutorService workers;
    // Operands as runtime values (set in the constructor, not constants), so that the compiler
    // cannot fold "* 1 + 1" into an addition.
    private final float multiplier;
    private final float addend;
    private int chunksPerRead;
    private double warmUpSink;
    private boolean warm;

    /** Peak throughput on {@code threads} workers, each read taking about {@link #DEFAULT_READ_NANOS}. */
    public ComputePeak(int threads) {
        this(threads, DEFAULT_READ_NANOS);
    }

    /** Peak throughput on {@code threads} workers, each read taking about {@code readNanos}. */
    public ComputePeak(int threads, long readNanos) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (readNanos < 1) {
            throw new IllegalArgumentException("a read must take some time, got " + readNanos + " ns");
        }
        this.threads = threads;
        this.readNanos = readNanos;
        this.multiplier = 1;
        this.addend = 1;
        AtomicInteger index = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "specscope-compute-" + index.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** Bits per vector the chains use: the preferred species, as the kernels use it. */
    public static int vectorBits() {
        return SPECIES.vectorBitSize();
    }

    /**
     * Compiles the chains (their first calls run interpreted, at a fraction of a percent of the
     * compiled speed), then times one chunk at a time until two consecutive timings agree (the
     * compiled code has replaced the interpreted), sizes a read to take about the requested time
     * from the last, and runs one read untimed to size it again on all workers; {@link #read}
     * does it first if nobody has.
     */
    public void warmUp() {
        double sums = 0;
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            sums += fmaChains(multiplier, addend, WARM_UP_STEPS);
        }
        long previous = Long.MAX_VALUE;
        long nanos = Long.MAX_VALUE;
        long settling = System.nanoTime();
        for (int i = 0; i < MAX_SETTLING_CHUNKS && System.nanoTime() - settling < MAX_SETTLING_NANOS; i++) {
            long t0 = System.nanoTime();
            sums += fmaChains(multiplier, addend, CHUNK_STEPS);
            nanos = Math.max(1, System.nanoTime() - t0);
            if (Math.abs(nanos - previous) <= SETTLED * Math.min(nanos, previous)) {
                break;
            }
            previous = nanos;
        }
        warmUpSink = sums;   // stored, so that the compiler cannot drop the warm-up as dead code
        chunksPerRead = chunksFor(readNanos, nanos);
        warm = true;
        // Once more on all workers, which may run slower than one thread alone (shared cores,
        // clocks that drop with more cores busy): the read is sized to what they take.
        long t0 = System.nanoTime();
        runAll();
        long read = Math.max(1, System.nanoTime() - t0);
        chunksPerRead = chunksFor(readNanos, (double) read / chunksPerRead);
    }

    /** Chunks taking {@code chunkNanos} each that fill about {@code readNanos}; at least one. */
    private static int chunksFor(long readNanos, double chunkNanos) {
        return (int) Math.clamp(Math.round(readNanos / chunkNanos), 1, Integer.MAX_VALUE);
    }

    /** Flops one read performs over all workers (2 per FMA lane). */
    public long flopsPerRead() {
        if (!warm) {
            warmUp();
        }
        return 2L * threads * chunksPerRead * CHUNK_STEPS * ACCUMULATORS * SPECIES.length();
    }

    /** One timed read: every worker runs its chains at once; in GFLOP/s. */
    public double read() {
        if (!warm) {
            warmUp();
        }
        long t0 = System.nanoTime();
        double sum = runAll();
        long nanos = System.nanoTime() - t0;
        double expected = (double) threads * chunksPerRead * countingSum(CHUNK_STEPS, SPECIES.length());
        if (sum != expected) {
            throw new IllegalStateException("the FMA chains summed to " + sum + ", not " + expected);
        }
        return flopsPerRead() / (double) nanos;   // flops per ns = GFLOP/s
    }

    /** The warm-up, then {@code repeats} timed reads. */
    public ComputeMeasurement measure(int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        warmUp();
        double[] gflopsPerSecond = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            gflopsPerSecond[r] = read();
        }
        return ComputeMeasurement.of(threads, vectorBits(), gflopsPerSecond);
    }

    /** Every worker runs {@code chunksPerRead} chunks of chains; the sum of all their lanes. */
    private double runAll() {
        List<Callable<Double>> shares = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            shares.add(() -> {
                double sum = 0;
                for (int c = 0; c < chunksPerRead; c++) {
                    sum += fmaChains(multiplier, addend, CHUNK_STEPS);
                }
                return sum;
            });
        }
        try {
            double total = 0;
            for (Future<Double> share : workers.invokeAll(shares)) {
                total += share.get();
            }
            return total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the compute peak", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a compute worker failed", e.getCause());
        }
    }

    /**
     * {@link #ACCUMULATORS} independent chains of {@code steps} vector FMAs {@code x = x * multiplier
     * + addend}, chain k starting at k in every lane; the sum of every lane of every chain at the
     * end. With multiplier and addend 1 the lanes count, and the sum is {@link #countingSum} for
     * up to {@link #CHUNK_STEPS} steps: beyond, the chains' sum passes 2^24, where floats stop
     * being exact integers.
     */
    static double fmaChains(float multiplier, float addend, int steps) {
        FloatVector m = FloatVector.broadcast(SPECIES, multiplier);
        FloatVector b = FloatVector.broadcast(SPECIES, addend);
        // Distinct starting values, so that no two chains are provably the same computation.
        FloatVector a0 = FloatVector.broadcast(SPECIES, 0);
        FloatVector a1 = FloatVector.broadcast(SPECIES, 1);
        FloatVector a2 = FloatVector.broadcast(SPECIES, 2);
        FloatVector a3 = FloatVector.broadcast(SPECIES, 3);
        FloatVector a4 = FloatVector.broadcast(SPECIES, 4);
        FloatVector a5 = FloatVector.broadcast(SPECIES, 5);
        FloatVector a6 = FloatVector.broadcast(SPECIES, 6);
        FloatVector a7 = FloatVector.broadcast(SPECIES, 7);
        FloatVector a8 = FloatVector.broadcast(SPECIES, 8);
        FloatVector a9 = FloatVector.broadcast(SPECIES, 9);
        FloatVector a10 = FloatVector.broadcast(SPECIES, 10);
        FloatVector a11 = FloatVector.broadcast(SPECIES, 11);
        for (int i = 0; i < steps; i++) {
            a0 = a0.fma(m, b);
            a1 = a1.fma(m, b);
            a2 = a2.fma(m, b);
            a3 = a3.fma(m, b);
            a4 = a4.fma(m, b);
            a5 = a5.fma(m, b);
            a6 = a6.fma(m, b);
            a7 = a7.fma(m, b);
            a8 = a8.fma(m, b);
            a9 = a9.fma(m, b);
            a10 = a10.fma(m, b);
            a11 = a11.fma(m, b);
        }
        // Lane-wise first, exact while 12 chains' sum stays below 2^24 (a chunk's does); then
        // across lanes in double, where a float reduction would round. Putting the chains in an
        // array instead would keep the compiler from holding them in registers at all.
        FloatVector chains = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10)
                .add(a11);
        double sum = 0;
        for (float lane : chains.toArray()) {
            sum += lane;
        }
        return sum;
    }

    /** What {@link #fmaChains}(1, 1, steps) returns on {@code lanes} lanes: chain k ends at k + steps. */
    static double countingSum(int steps, int lanes) {
        return (double) lanes * (ACCUMULATORS * (double) steps + ACCUMULATORS * (ACCUMULATORS - 1) / 2.0);
    }

    /** Stops the workers. */
    @Override
    public void close() {
        workers.shutdownNow();
    }
}
