package org.specscope.engine.moe;

/**
 * How much each tree token's routing probabilities count in the expert scores of a budgeted
 * verification pass.
 */
public enum ScoreWeighting {
    /** Every token counts once (MoE-Spec's published method). */
    UNIFORM,
    /**
     * A token counts 0.7^depth times its draft path probability, so that deep, unlikely nodes
     * (which are rarely accepted) sway the kept set less. The variant in MoE-Spec's code.
     */
    DEPTH_WEIGHTED;

    /** The per-depth decay of {@link #DEPTH_WEIGHTED}. */
    public static final double DEPTH_DECAY = 0.7;

    /** The weight of a node at {@code depth} whose draft path probability is {@code pathProb}. */
    public float weight(int depth, double pathProb) {
        return this == UNIFORM ? 1f : (float) (Math.pow(DEPTH_DECAY, depth) * pathProb);
    }
}
