package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the CUDA emulator catches that a GPU would get wrong, shown on the project's own kernels:
 * <ul>
 *   <li>a missing block barrier changes a kernel's output: blocks run their threads in two
 *       orders, first to last and last to first, and each order hides races that the other
 *       shows;</li>
 *   <li>a vector load from an address that is not 16-byte aligned, or a tensor-core tile whose
 *       pointer is not 32-byte aligned, stops the process naming the kernel, where a GPU faults
 *       (checked in a child process, since the emulator stops it).</li>
 * </ul>
 * Only on the emulator (the build's second test run); skipped elsewhere.
 */
class EmulatorChecksTest {

    static final int THREADS = 256;   // CudaModelRunner's BLOCK, which combine_experts runs with
    static final int TOP_K = 4;
    static final int HIDDEN = 264;    // more elements than threads: thread 255 has one
    // Pair ids above any other test's, so that what a block's shared memory holds from an earlier
    // launch (another token's pairs) can never be the right answer by chance.
    static final int FIRST_PAIR = 10_000;

    @RegisterExtension
    static final CudaContextExtension DEVICE = new CudaContextExtension();

    private int launches;

    @BeforeEach
    void onTheEmulator() {
        assumeTrue(CudaTestDevice.emulated(CudaTestDevice.usable()), "these are the emulator's own checks");
    }

    /**
     * combine_experts' thread 0 puts the token's pairs in order in shared memory, and a barrier
     * holds the other threads until it has. Without that barrier, last-to-first order still runs
     * thread 0 first after the previous barrier, and the output is right; first-to-last runs
     * thread 255 first, which reads the order before it is written. Alternating the two (the
     * emulator's default), two launches in a row cannot both be right.
     */
    @Test
    void aMissingBarrierChangesTheOutputInOneOfTheTwoThreadOrders() throws Throwable {
        try (DeviceBuffers buffers = new DeviceBuffers(DEVICE.context())) {
            assertThat(combineIsRight(buffers)).as("with its barriers, launch 1").isTrue();
            assertThat(combineIsRight(buffers)).as("with its barriers, launch 2").isTrue();

            MethodHandle skipBarrier = CudaTestDevice.emulatorHook("specscope_emulator_skip_barrier",
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            try (Arena arena = Arena.ofConfined()) {
                skipBarrier.invokeExact(arena.allocateFrom("combine_experts"), 2);
                setThreadOrders(2);
                assertThat(combineIsRight(buffers)).as("last to first hides the missing barrier").isTrue();
                setThreadOrders(1);
                assertThat(combineIsRight(buffers)).as("first to last shows it").isFalse();
                setThreadOrders(0);
                boolean first = combineIsRight(buffers);
                boolean second = combineIsRight(buffers);
                assertThat(first && second).as("two launches in alternating orders both right").isFalse();
            } finally {
                setThreadOrders(0);
                skipBarrier.invokeExact(MemorySegment.NULL, 0);
            }
        }
    }

    @ParameterizedTest(name = "{0} with its weights {1} bytes in: {2}")
    @CsvSource({
            "matmul_t1_bf16, 0, launches",
            "matmul_t1_bf16, 2, misaligned address",     // 16-byte vector loads of 2-byte weights
            "matmul_mma_bf16, 0, launches",
            "matmul_mma_bf16, 16, misaligned"})          // 16-byte aligned, but a tile needs 32
    void aMisalignedLoadStopsTheProcessNamingTheKernel(String kernel, int offset, String outcome)
            throws IOException, InterruptedException {
        Child child = runChild(MisalignedLaunch.class.getName(), kernel, Integer.toString(offset));
        if (outcome.equals("launches")) {
            assertThat(child.exitCode()).as(child.output()).isZero();
            assertThat(child.output()).contains("launched");
        } else {
            assertThat(child.exitCode()).as(child.output()).isNotZero();
            assertThat(child.output()).contains(outcome).contains(kernel).doesNotContain("launched");
        }
    }

    /**
     * One token's expert mix with TOP_K pairs, fresh ids every launch, against the sum in pair
     * order computed here with the kernel's float operations.
     */
    private boolean combineIsRight(DeviceBuffers buffers) {
        CudaContext cu = DEVICE.context();
        int first = FIRST_PAIR + TOP_K * launches++;
        int rows = first + TOP_K;
        SplittableRandom random = new SplittableRandom(first);
        float[] expertOut = new float[rows * HIDDEN];
        float[] pairWeight = new float[rows];
        for (int p = first; p < rows; p++) {
            pairWeight[p] = 0.5f + (float) random.nextDouble();
            for (int i = 0; i < HIDDEN; i++) {
                expertOut[p * HIDDEN + i] = (float) random.nextGaussian();
            }
        }
        int[] slots = {first + 2, first, first + 3, first + 1};   // pair order is ascending ids
        float[] expected = new float[HIDDEN];
        for (int i = 0; i < HIDDEN; i++) {
            float s = 0f;
            for (int p = first; p < rows; p++) {
                s += pairWeight[p] * expertOut[p * HIDDEN + i];
            }
            expected[i] = s;
        }
        CUdeviceptr out = buffers.floats(HIDDEN);
        cu.launch("combine_experts", 1, 1, 1, THREADS, 0, buffers.of(expertOut), buffers.of(pairWeight),
                buffers.of(slots), out, TOP_K, HIDDEN);
        return Arrays.equals(buffers.read(out, HIDDEN), expected);
    }

    private static void setThreadOrders(int orders) throws Throwable {
        MethodHandle set = CudaTestDevice.emulatorHook("specscope_emulator_thread_orders",
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        set.invokeExact(orders);
    }

    private record Child(int exitCode, String output) {
    }

    /** Runs mainClass in a JVM like this one (its flags, class path and environment, no agents). */
    private static Child runChild(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-javaagent") && !a.startsWith("-agentlib"))
                .forEach(command::add);
        command.add("-Dspecscope.cuda.required=emulator");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child process ended").isTrue();
        return new Child(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
