package org.specscope.engine.spec;

import org.specscope.engine.generate.SamplingParams;

import java.util.SplittableRandom;

/**
 * Proposes draft trees. The context passed in is every committed token so far; its last token
 * is the pending root (committed but not yet run by the target), which the tree's node 0 holds.
 */
public interface Drafter extends AutoCloseable {

    /** "draft model specscope-moe-mini-draft", "prompt lookup (n-gram 1..3)". */
    String name();

    /**
     * A tree of at most {@code shape} after {@code context}. With greedy sampling the children
     * of a node are its most probable next tokens; otherwise they are drawn without replacement
     * from the drafter's distribution (processed by the same temperature, top-k and top-p) and
     * the tree records those distributions, so verification stays lossless.
     */
    DraftTree draft(int[] context, TreeShape shape, SamplingParams sampling, SplittableRandom random);

    /**
     * Keeps the drafter's state in step with {@code context} without drafting (speculation off
     * for an iteration), so that it can resume without a long catch-up. A no-op for drafters
     * without state.
     */
    default void observe(int[] context) {
    }

    /** Bytes and FLOPs the last {@link #draft} or {@link #observe} call cost (for cost-model clocks). */
    default PassCost lastCost() {
        return PassCost.ZERO;
    }

    @Override
    default void close() {
    }
}
