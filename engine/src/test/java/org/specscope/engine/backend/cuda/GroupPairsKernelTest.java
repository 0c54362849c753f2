package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * group_pairs sorts a pass's (token, slot) pairs by expert, keeping pair order within an expert
 * (as the CPU adds them up), leaves -1 for the slots a budget dropped, and lists the grouped
 * products' work, one item per tile of an expert's pairs: checked against the grouping written
 * out plainly here, for a decode step, a 64-node tree with dropped slots, skewed routing (one
 * expert with most pairs, so many lanes of a chunk share an expert), and a prefill of more pairs
 * than the kernel stages at once. Skipped without a CUDA device; the build's second test run
 * drives it against the CUDA emulator.
 */
class GroupPairsKernelTest {

    static final int THREADS = 256;   // CudaModelRunner's GROUP_THREADS

    @RegisterExtension
    static final CudaContextExtension DEVICE = new CudaContextExtension();

    private static CudaContext cu() {
        return DEVICE.context();
    }

    @ParameterizedTest(name = "{0} tokens x top-{1} over {2} experts, tile {3}, {4} dropped, skew {5}")
    @CsvSource({
            "1, 8, 64, 1, 0, false",
            "64, 8, 64, 16, 0.3, false",
            "64, 8, 64, 16, 0.0, true",
            "40, 6, 60, 16, 0.5, true",
            "700, 8, 64, 16, 0.1, false",   // 5600 pairs: three chunks of 2048
            "300, 2, 8, 16, 0.0, true"})
    void groupsByExpertInPairOrder(int tokens, int k, int n, int tile, double dropped, boolean skewed) {
        SplittableRandom random = new SplittableRandom(tokens * 131L + k * 7L + n);
        int pairs = tokens * k;
        int[] ids = new int[pairs];
        float[] weights = new float[pairs];
        for (int i = 0; i < pairs; i++) {
            ids[i] = random.nextDouble() < dropped ? -1
                    : skewed && random.nextDouble() < 0.6 ? 3 : random.nextInt(n);
            weights[i] = (float) random.nextDouble();
        }
        Grouping expected = Grouping.of(ids, weights, k, n, tile);

        try (DeviceBuffers buffers = new DeviceBuffers(cu())) {
            CUdeviceptr expertStart = buffers.floats(n + 1);
            CUdeviceptr pairToken = buffers.floats(pairs);
            CUdeviceptr pairWeight = buffers.floats(pairs);
            CUdeviceptr slotPair = buffers.floats(pairs);
            CUdeviceptr work = buffers.floats(2L * (Math.ceilDiv(pairs, tile) + Math.min(n, pairs)));
            CUdeviceptr workCount = buffers.floats(1);
            cu().launch("group_pairs", 1, 1, 1, THREADS, 0, buffers.of(ids), buffers.of(weights), pairs, k, n, tile,
                    expertStart, pairToken, pairWeight, slotPair, work, workCount);

            int placed = expected.pairToken().length;
            assertThat(ints(expertStart, n + 1)).containsExactly(expected.expertStart());
            assertThat(ints(pairToken, placed)).containsExactly(expected.pairToken());
            assertThat(buffers.read(pairWeight, placed)).containsExactly(expected.pairWeight());
            assertThat(ints(slotPair, pairs)).containsExactly(expected.slotPair());
            int[] count = ints(workCount, 1);
            assertThat(count).containsExactly(expected.work().length / 2);
            assertThat(ints(work, expected.work().length)).containsExactly(expected.work());
        }
    }

    private static int[] ints(CUdeviceptr p, int count) {
        int[] out = new int[count];
        cu().download(p, out, count);
        return out;
    }

    /** The grouping, written as plainly as it can be. */
    private record Grouping(int[] expertStart, int[] pairToken, float[] pairWeight, int[] slotPair, int[] work) {
        static Grouping of(int[] ids, float[] weights, int k, int n, int tile) {
            int[] start = new int[n + 1];
            int[] slot = new int[ids.length];
            List<Integer> tokens = new ArrayList<>();
            List<Float> pairWeights = new ArrayList<>();
            List<Integer> work = new ArrayList<>();
            Arrays.fill(slot, -1);
            for (int e = 0; e < n; e++) {
                start[e] = tokens.size();
                for (int i = 0; i < ids.length; i++) {
                    if (ids[i] == e) {
                        if ((tokens.size() - start[e]) % tile == 0) {
                            work.add(e);
                            work.add(tokens.size());
                        }
                        slot[i] = tokens.size();
                        tokens.add(i / k);
                        pairWeights.add(weights[i]);
                    }
                }
            }
            start[n] = tokens.size();
            float[] w = new float[pairWeights.size()];
            for (int p = 0; p < w.length; p++) {
                w[p] = pairWeights.get(p);
            }
            return new Grouping(start, tokens.stream().mapToInt(Integer::intValue).toArray(), w, slot,
                    work.stream().mapToInt(Integer::intValue).toArray());
        }
    }
}
