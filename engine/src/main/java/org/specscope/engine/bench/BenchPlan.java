package org.specscope.engine.bench;

import java.util.List;
import java.util.TreeSet;

/**
 * What one bench run measures.
 *
 * @param decodeTokens   decode steps per timed round
 * @param warmupSteps    untimed decode steps first (every pass size also runs once untimed)
 * @param passSizes      verification pass sizes in tokens, ascending, always with 1 (the baseline)
 * @param repeats        timed rounds: each decodes, runs every pass, reads the bandwidth buffer once
 *                       and reads the compute peak once
 * @param bandwidthBytes the bandwidth buffer's size
 * @param threads        workers reading it and running the compute peak's FMA chains (the backend's)
 */
public record BenchPlan(int decodeTokens, int warmupSteps, List<Integer> passSizes, int repeats, long bandwidthBytes,
                        int threads) {

    public BenchPlan {
        TreeSet<Integer> sizes = new TreeSet<>(List.of(1));
        for (int size : passSizes) {
            if (size < 1) {
                throw new IllegalArgumentException("--batch sizes must be at least 1 token, got " + size);
            }
            sizes.add(size);
        }
        passSizes = List.copyOf(sizes);
        if (decodeTokens < 1) {
            throw new IllegalArgumentException("--tokens must be at least 1, got " + decodeTokens);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("--warmup must be at least 0, got " + warmupSteps);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be at least 1, got " + repeats);
        }
        if (bandwidthBytes < MemoryBandwidth.MIN_BYTES) {
            throw new IllegalArgumentException("--bandwidth-bytes must be at least " + MemoryBandwidth.MIN_BYTES
                    + ", got " + bandwidthBytes);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
    }

    /** Cache slots a run needs beyond its context. */
    public int slotsNeeded() {
        return Math.max(Math.max(decodeTokens, warmupSteps), passSizes.getLast());
    }
}
