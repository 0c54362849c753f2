package org.specscope.engine.moe;

/** What happens to a token whose natural top-k experts fall partly outside the kept set. */
public enum CoveragePolicy {
    /**
     * Take the token's top-k among the kept experts instead; weights come from the original full
     * softmax and are renormalised only where the family normalises top-k weights. The token
     * still uses k experts.
     */
    SUBSTITUTE,
    /**
     * Drop the experts outside the kept set (weight 0); where the family normalises, the
     * survivors are renormalised. A token may end with no expert: only the residual passes.
     */
    TRUNCATE
}
