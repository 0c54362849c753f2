package org.specscope.engine.bench;

import java.util.List;

/**
 * Repeated verifications of one tree under one budget.
 *
 * @param label               "unbudgeted", "B=32 substitute"
 * @param repeats             timed verifications
 * @param medianNanos         the median verification's wall time
 * @param bestNanos           the fastest
 * @param weightBytes         bytes of weights one verification read
 * @param expertBytes         of them, routed experts' bytes
 * @param flops               floating-point operations of one verification
 * @param meanDistinctExperts distinct experts per MoE layer
 */
public record TreeVariant(String label, int repeats, double medianNanos, long bestNanos, long weightBytes,
                          long expertBytes, long flops, double meanDistinctExperts) {

    /** Repetitions of the same tree under the same budget (the same routing, so the same bytes each time). */
    public static TreeVariant of(String label, List<TreePass> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no verifications of the tree " + label);
        }
        long[] nanos = runs.stream().mapToLong(TreePass::nanos).sorted().toArray();
        TreePass any = runs.getFirst();
        return new TreeVariant(label, runs.size(), Measurements.median(nanos), nanos[0], any.weightBytes(),
                any.expertBytes(), any.flops(), any.meanDistinctExperts());
    }

    public double medianMillis() {
        return medianNanos / 1e6;
    }

    public double gbPerSecond() {
        return weightBytes / medianNanos;
    }
}
