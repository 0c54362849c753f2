package org.specscope.engine.backend.cpu;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Micro-benchmarks of the CPU kernels, through the entry points the backend calls:
 * {@link MatMul#matmul}, {@link MatMul#dot} and {@link MatMul#axpy}. Run with
 * {@code ./specscope jmh [JMH ARGS]}.
 *
 * <p>Reading {@code matmul}: the score is calls per second (Throughput, per second). Two counters
 * ride along, each a per-second rate, so the output reads directly as
 * <ul>
 *   <li>{@code matmul:weightGB} - weight gigabytes (10^9 bytes) streamed per second: every call reads
 *       the whole {@code rows x cols} matrix once in its stored dtype, whatever the batch, because
 *       the kernel widens each weight row once and applies it to every token. Activations
 *       ({@code tokens x cols} floats, cache-resident) are not counted. This is the number to set
 *       against the machine's memory bandwidth for the {@code cold} matvec.</li>
 *   <li>{@code matmul:gflop} - 2 x rows x cols x tokens floating-point operations per call, per second:
 *       the number that matters once the batch is large enough to be compute-bound.</li>
 * </ul>
 * (Under {@code -tu ms} both become per millisecond, like the score.)
 *
 * <p>{@code weights=hot} reuses one matrix, which stays in the last-level cache; {@code weights=cold}
 * rotates over distinct matrices filling {@link #COLD_SET_BYTES}, so every call streams its weights
 * from DRAM, as decoding an MoE model does when each token routes to different experts.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The forked JVMs need the same flags as every JVM of ours (the Vector API is an incubator module).
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatMulBenchmark {

    /** Eight times this machine kind's 32 MiB L3: no cache keeps a working set this large. */
    static final long COLD_SET_BYTES = 256L << 20;

    /** Standard deviation of the weights: N(0, 0.02^2) is how trained projections (and synth) look. */
    static final double WEIGHT_STD = 0.02;

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One expert projection, its activations and the worker pool: everything a matmul call touches. */
    @State(Scope.Thread)
    public static class Operands {

        @Param({"BF16", "F16", "F32"})
        public DType dtype;

        /** {@code rows x cols} of W [out, in]: an expert's up projection (1024 -> 3584) and its down projection. */
        @Param({"3584x1024", "1024x3584"})
        public String shape;

        /** Activation rows per call: 1 is decoding (matvec), more is a verification batch or prefill. */
        @Param({"1", "4", "16", "64", "128"})
        public int tokens;

        /** Worker threads of the ParallelRunner: 1, or {@code all} available processors. */
        @Param({"1", "all"})
        public String threads;

        /** {@code hot}: one matrix, cache-resident; {@code cold}: rotate over {@link #COLD_SET_BYTES} of them. */
        @Param({"hot", "cold"})
        public String weights;

        int rows;
        int cols;
        Tensor[] matrices;
        float[] x;
        float[] y;
        ParallelRunner par;
        double gigabytesPerCall;
        double gigaflopPerCall;
        private Arena arena;
        private int next;

        @Setup(Level.Trial)
        public void setUp() {
            String[] rc = shape.split("x");
            rows = Integer.parseInt(rc[0].strip());
            cols = Integer.parseInt(rc[1].strip());
            long matrixBytes = (long) rows * cols * dtype.byteSize();
            int count = matrixCount(weights, matrixBytes);
            arena = Arena.ofShared();
            MemorySegment all = arena.allocate(count * matrixBytes, 64);
            fillNormalish(all, dtype, 42);
            matrices = new Tensor[count];
            for (int i = 0; i < count; i++) {
                matrices[i] = new Tensor("w" + i, dtype, new long[]{rows, cols}, all.asSlice(i * matrixBytes, matrixBytes));
            }
            x = new float[tokens * cols];
            SplittableRandom rnd = new SplittableRandom(7);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble(-1, 1);
            }
            y = new float[tokens * rows];
            par = new ParallelRunner("all".equals(threads) ? Runtime.getRuntime().availableProcessors()
                    : Integer.parseInt(threads));
            gigabytesPerCall = matrixBytes / 1e9;
            gigaflopPerCall = 2.0 * rows * cols * tokens / 1e9;

            // A wrong kernel must not be timed: check the very configuration (pool included) once.
            MatMul.matmul(par, matrices[0], 0, rows, x, tokens, y, rows, 0);
            checkAgainstReference(matrices[0], x, tokens, y, rows);
        }

        /** The matrix for the next call: always the same when hot, round-robin when cold. */
        Tensor nextMatrix() {
            Tensor w = matrices[next];
            next = next + 1 == matrices.length ? 0 : next + 1;
            return w;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            par.close();
            arena.close();
        }
    }

    /** Per-second rates JMH prints beside the score (see the class comment). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Traffic {
        public double weightGB;
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            weightGB = 0;
            gflop = 0;
        }
    }

    /** Two vectors the length of an attention head or of a hidden state. */
    @State(Scope.Thread)
    public static class Vectors {

        /** 128: head_dim (q.k scores, value accumulation); 4096: a hidden size. */
        @Param({"128", "4096"})
        public int n;

        float[] a;
        float[] b;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom rnd = new SplittableRandom(3);
            a = new float[n];
            b = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) rnd.nextDouble(-1, 1);
                b[i] = (float) rnd.nextDouble(-1, 1);
            }
            double expected = 0;
            double scale = 0;
            for (int i = 0; i < n; i++) {
                expected += (double) a[i] * b[i];
                scale += Math.abs((double) a[i] * b[i]);
            }
            float got = MatMul.dot(a, 0, b, 0, n);
            if (!(Math.abs(got - expected) <= dotTolerance(n, scale))) {
                throw new IllegalStateException("dot of " + n + ": got " + got + ", expected " + expected);
            }
        }
    }

    @Benchmark
    public float[] matmul(Operands op, Traffic traffic) {
        MatMul.matmul(op.par, op.nextMatrix(), 0, op.rows, op.x, op.tokens, op.y, op.rows, 0);
        traffic.weightGB += op.gigabytesPerCall;
        traffic.gflop += op.gigaflopPerCall;
        return op.y;
    }

    @Benchmark
    public float dot(Vectors v) {
        return MatMul.dot(v.a, 0, v.b, 0, v.n);
    }

    @Benchmark
    public float[] axpy(Vectors v) {
        // b drifts by 1e-3 a per call: linear growth, far from overflow or subnormals in any run.
        MatMul.axpy(1e-3f, v.a, 0, v.b, 0, v.n);
        return v.b;
    }

    /** Matrices in the working set: one when hot; when cold, the fewest that fill {@link #COLD_SET_BYTES}. */
    static int matrixCount(String weights, long matrixBytes) {
        return switch (weights) {
            case "hot" -> 1;
            case "cold" -> Math.toIntExact((COLD_SET_BYTES + matrixBytes - 1) / matrixBytes);
            default -> throw new IllegalArgumentException("weights must be hot or cold, not " + weights);
        };
    }

    /**
     * Fills {@code seg} with N(0, {@link #WEIGHT_STD}^2)-ish values stored as {@code dtype}. The
     * sum of four uniform 16-bit draws (Irwin-Hall) is close enough to a normal for a benchmark and
     * costs one random long per weight, which matters when filling hundreds of megabytes.
     */
    static void fillNormalish(MemorySegment seg, DType dtype, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long n = seg.byteSize() / dtype.byteSize();
        // Four U[0, 2^16) draws: mean 2 * 65535, variance 4 * (2^32 - 1) / 12.
        double scale = WEIGHT_STD / Math.sqrt(4 * (Math.pow(2, 32) - 1) / 12);
        for (long i = 0; i < n; i++) {
            long r = rnd.nextLong();
            long sum = (r & 0xFFFF) + (r >>> 16 & 0xFFFF) + (r >>> 32 & 0xFFFF) + (r >>> 48);
            float v = (float) ((sum - 2 * 65535) * scale);
            switch (dtype) {
                case F32 -> seg.set(F32_LE, i * 4, v);
                // bf16 is the upper half of the float (truncated, not rounded: only the distribution matters here).
                case BF16 -> seg.set(I16_LE, i * 2, (short) (Float.floatToRawIntBits(v) >>> 16));
                case F16 -> seg.set(I16_LE, i * 2, Float.floatToFloat16(v));
            }
        }
    }

    /**
     * Throws unless {@code y[t * yStride + r]} is row r of W times token t of x for every token and
     * row, against a double-precision scalar sum that shares no code with the kernel. The tolerance
     * is the textbook bound for a float32 dot product in any summation order, so a faster kernel
     * that reorders its sums still passes while a wrong row, column, token or tail does not.
     */
    static void checkAgainstReference(Tensor w, float[] x, int tokens, float[] y, int yStride) {
        int rows = (int) w.dim(0);
        int cols = (int) w.dim(1);
        double[] row = new double[cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                row[i] = w.getFloat((long) r * cols + i);
            }
            for (int t = 0; t < tokens; t++) {
                double expected = 0;
                double scale = 0;
                for (int i = 0; i < cols; i++) {
                    double p = row[i] * x[t * cols + i];
                    expected += p;
                    scale += Math.abs(p);
                }
                float got = y[t * yStride + r];
                if (!(Math.abs(got - expected) <= dotTolerance(cols, scale))) {
                    throw new IllegalStateException("matmul of " + w.dtype() + " " + rows + "x" + cols + " is wrong at token "
                            + t + ", row " + r + ": got " + got + ", expected " + expected);
                }
            }
        }
    }

    /** gamma_n * sum |a_i b_i| with unit roundoff 2^-24 (plus a hair for the final rounding to float). */
    private static double dotTolerance(int n, double absSum) {
        double u = 0x1p-24;
        return (n + 1) * u / (1 - (n + 1) * u) * absSum + Double.MIN_NORMAL;
    }
}
