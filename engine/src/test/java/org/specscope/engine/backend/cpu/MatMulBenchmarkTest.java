package org.specscope.engine.backend.cpu;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Collection;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The kernel benchmarks run, report a positive rate for every kernel, spill their cold working set
 * out of the cache, and refuse to time a kernel that computes the wrong product. Timings themselves
 * are not judged here: a test machine's speed is nobody's specification.
 */
class MatMulBenchmarkTest {

    private static final int ROWS = 37;
    private static final int COLS = 75;   // not a multiple of any vector length: tails are exercised
    private static final int TOKENS = 5;  // one full block of four and a remainder

    private static ParallelRunner par;

    @BeforeAll
    static void pool() {
        par = new ParallelRunner(2);
    }

    @AfterAll
    static void closePool() {
        par.close();
    }

    @Test
    void everyBenchmarkRunsAndReportsPositiveRates() throws RunnerException {
        // JMH serialises runs through a machine-wide lock; this smoke run must neither wait for a
        // real benchmark elsewhere on the machine nor fail because of one.
        System.setProperty("jmh.ignoreLock", "true");
        Options options = new OptionsBuilder()
                .include(Pattern.quote(MatMulBenchmark.class.getName()) + "\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .param("dtype", "BF16")
                .param("shape", ROWS + "x" + COLS)
                .param("tokens", String.valueOf(TOKENS))
                .param("threads", "all")
                .param("weights", "hot", "cold")
                .param("n", "100")
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        var byMethod = results.stream().collect(Collectors.groupingBy(r -> {
            String name = r.getParams().getBenchmark();
            return name.substring(name.lastIndexOf('.') + 1);
        }));
        String[] benchmarkMethods = Arrays.stream(MatMulBenchmark.class.getMethods())
                .filter(m -> m.isAnnotationPresent(Benchmark.class)).map(m -> m.getName()).toArray(String[]::new);
        assertThat(byMethod.keySet()).containsExactlyInAnyOrder(benchmarkMethods);
        assertThat(byMethod.get("matmul")).extracting(r -> r.getParams().getParam("weights"))
                .containsExactlyInAnyOrder("hot", "cold");
        for (RunResult r : results) {
            assertThat(r.getPrimaryResult().getScore()).as(r.getParams().id()).isPositive();
        }
        for (RunResult r : byMethod.get("matmul")) {
            assertThat(r.getSecondaryResults()).as(r.getParams().id()).containsKeys("weightGB", "gflop");
            assertThat(r.getSecondaryResults().get("weightGB").getScore()).isPositive();
            assertThat(r.getSecondaryResults().get("gflop").getScore()).isPositive();
        }
    }

    @Test
    void coldWeightsSpillEightTimesTheLastLevelCacheAndHotOnesAreOneMatrix() {
        long l3 = 32L << 20;
        for (long matrixBytes : new long[]{3584L * 1024 * 2, 1024L * 3584 * 4, ROWS * COLS * 2L}) {
            int cold = MatMulBenchmark.matrixCount("cold", matrixBytes);
            assertThat(cold * matrixBytes).as("%d-byte matrices", matrixBytes).isGreaterThanOrEqualTo(8 * l3);
            assertThat((cold - 1) * matrixBytes).as("no more matrices than needed").isLessThan(8 * l3);
            assertThat(MatMulBenchmark.matrixCount("hot", matrixBytes)).isEqualTo(1);
        }
        assertThatThrownBy(() -> MatMulBenchmark.matrixCount("warm", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void weightsLookLikeATrainedProjectionAndEveryDtypeHoldsTheSameValues() {
        int n = 1 << 20;
        Tensor f32 = filled(DType.F32, 1, n);
        Tensor bf16 = filled(DType.BF16, 1, n);
        Tensor f16 = filled(DType.F16, 1, n);
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            float v = f32.getFloat(i);
            sum += v;
            squares += (double) v * v;
            assertThat(bf16.getFloat(i)).isEqualTo(Float.intBitsToFloat(Float.floatToRawIntBits(v) & 0xFFFF0000));
            assertThat(f16.getFloat(i)).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(v)));
        }
        double mean = sum / n;
        assertThat(mean).isCloseTo(0, within(1e-4));
        assertThat(Math.sqrt(squares / n - mean * mean)).isCloseTo(MatMulBenchmark.WEIGHT_STD, within(2e-4));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void theSelfCheckAcceptsTheKernel(DType dtype) {
        Tensor w = filled(dtype, ROWS, COLS);
        float[] x = activations();
        float[] y = new float[TOKENS * ROWS];
        MatMul.matmul(par, w, 0, ROWS, x, TOKENS, y, ROWS, 0);

        assertThatCode(() -> MatMulBenchmark.checkAgainstReference(w, x, TOKENS, y, ROWS)).doesNotThrowAnyException();
    }

    /** Kernel bugs as they would show in y: each must stop the benchmark before it times anything. */
    static Stream<Named<Consumer<Problem>>> wrongProducts() {
        return Stream.of(
                Named.of("a dropped last column (missed tail)", p -> {
                    for (int t = 0; t < TOKENS; t++) {
                        for (int r = 0; r < ROWS; r++) {
                            p.y[t * ROWS + r] -= p.w.getFloat((long) r * COLS + COLS - 1) * p.x[t * COLS + COLS - 1];
                        }
                    }
                }),
                Named.of("rows read one too far", p -> {
                    Arrays.fill(p.y, 0);
                    MatMul.matmul(par, p.w, 1, ROWS - 1, p.x, TOKENS, p.y, ROWS, 0);
                }),
                Named.of("the last token left out", p -> {
                    Arrays.fill(p.y, 0);
                    MatMul.matmul(par, p.w, 0, ROWS, p.x, TOKENS - 1, p.y, ROWS, 0);
                }),
                Named.of("one output a NaN", p -> p.y[ROWS + 3] = Float.NaN));
    }

    @ParameterizedTest
    @MethodSource("wrongProducts")
    void theSelfCheckRejectsAWrongProduct(Consumer<Problem> bug) {
        Tensor w = filled(DType.BF16, ROWS, COLS);
        float[] x = activations();
        float[] y = new float[TOKENS * ROWS];
        MatMul.matmul(par, w, 0, ROWS, x, TOKENS, y, ROWS, 0);
        bug.accept(new Problem(w, x, y));

        assertThatThrownBy(() -> MatMulBenchmark.checkAgainstReference(w, x, TOKENS, y, ROWS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is wrong at token");
    }

    /** What a corruption may alter: y, knowing the weights and activations that produced it. */
    record Problem(Tensor w, float[] x, float[] y) {
    }

    private static Tensor filled(DType dtype, int rows, int cols) {
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * dtype.byteSize());
        MatMulBenchmark.fillNormalish(seg, dtype, 11);
        return new Tensor("w", dtype, new long[]{rows, cols}, seg);
    }

    private static float[] activations() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = new float[TOKENS * COLS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }
}
