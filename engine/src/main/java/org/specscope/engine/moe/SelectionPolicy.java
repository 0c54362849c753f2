package org.specscope.engine.moe;

/**
 * Which experts a budgeted verification pass keeps in one MoE layer, given each expert's score
 * (its routing probability summed over the tree's tokens). MoE-Spec's two policies, plus none.
 */
public sealed interface SelectionPolicy {

    /** No budget: every expert stays available (exact verification). */
    record Unlimited() implements SelectionPolicy {
        @Override
        public int keepCount(float[] scoresDescending, int numExperts, int topK) {
            return numExperts;
        }

        @Override
        public String describe() {
            return "unbudgeted";
        }
    }

    /** MoE-Spec's "cardinality" policy: the B highest-scoring experts, B clamped to [k, N]. */
    record FixedCount(int experts) implements SelectionPolicy {
        public FixedCount {
            if (experts < 1) {
                throw new IllegalArgumentException("an expert budget must be >= 1, got " + experts);
            }
        }

        @Override
        public int keepCount(float[] scoresDescending, int numExperts, int topK) {
            return Math.clamp(experts, topK, numExperts);
        }

        @Override
        public String describe() {
            return "B=" + experts;
        }
    }

    /**
     * MoE-Spec's "probability" policy: the smallest prefix of experts (by score) whose share of
     * the total score reaches tau, clamped to [k, N]; B then differs from layer to layer.
     */
    record Coverage(double tau) implements SelectionPolicy {
        public Coverage {
            if (!(tau > 0 && tau <= 1)) {
                throw new IllegalArgumentException("coverage tau must be in (0, 1], got " + tau);
            }
        }

        @Override
        public int keepCount(float[] scoresDescending, int numExperts, int topK) {
            if (tau >= 1) {
                return numExperts;
            }
            double total = 0;
            for (float s : scoresDescending) {
                total += s;
            }
            double target = tau * total;
            double cumulative = 0;
            int n = 0;
            while (n < numExperts && cumulative < target) {
                cumulative += scoresDescending[n++];
            }
            return Math.clamp(n, topK, numExperts);
        }

        @Override
        public String describe() {
            return "tau=" + tau;
        }
    }

    SelectionPolicy UNLIMITED = new Unlimited();

    /**
     * How many experts to keep.
     *
     * @param scoresDescending every expert's score, sorted from highest to lowest
     */
    int keepCount(float[] scoresDescending, int numExperts, int topK);

    /** A short label: "B=16", "tau=0.8", "unbudgeted". */
    String describe();

    default boolean isUnlimited() {
        return this instanceof Unlimited;
    }
}
