package org.specscope.engine.spec;

import org.specscope.engine.backend.Logits;
import org.specscope.engine.generate.SamplingParams;

import java.util.SplittableRandom;

/**
 * Decides how much of a draft tree the target accepts, from the target's logits for every node
 * (one verification pass). Both modes are lossless: the tokens come out distributed exactly as
 * the target alone would produce them.
 *
 * <ul>
 * <li>Greedy: walk down from the root while a child carries the target's argmax; the argmax at
 *     the last accepted node is the bonus token. Identical to autoregressive greedy decoding.
 * <li>Sampling: at each node, multi-candidate recursive rejection sampling (SpecInfer, EAGLE)
 *     over the children in draw order, against the target distribution p processed by the
 *     run's temperature, top-k and top-p; when every child is rejected the bonus token is drawn
 *     from what is left of p.
 * </ul>
 */
public final class TreeVerifier {

    private TreeVerifier() {
    }

    /**
     * @param logits one row per tree node, in node order: row n is the target's next-token
     *               logits after node n's path
     * @param random the target's random stream (unused when greedy)
     */
    public static Acceptance verify(DraftTree tree, Logits logits, SamplingParams params, SplittableRandom random) {
        if (logits.rows() != tree.size()) {
            throw new IllegalArgumentException(logits.rows() + " rows of logits for a " + tree.size() + "-node tree");
        }
        int n = tree.size();
        double[][] p = new double[n][];           // per row, filled for rows with children and the last node
        int[] targetTop = new int[n];
        float[] targetProbs = new float[n];
        targetProbs[0] = 1f;
        for (int node = 0; node < n; node++) {
            targetTop[node] = logits.argmax(node);
            if (node > 0 && !logits.hasRows()) {
                // An argmax-only pass (greedy, on a device): the device took the parent's softmax.
                targetProbs[node] = logits.parentTokenProbability(node);
            } else if (node > 0) {
                int parent = tree.parent(node);
                if (p[parent] == null) {
                    p[parent] = TokenDistributions.of(logits.row(parent), params);
                }
                targetProbs[node] = (float) p[parent][tree.token(node)];
            }
        }
        return params.isGreedy()
                ? walkGreedy(tree, targetTop, targetProbs)
                : walkSampling(tree, logits, p, params, random, targetTop, targetProbs);
    }

    private static Acceptance walkGreedy(DraftTree tree, int[] targetTop, float[] targetProbs) {
        IntPath path = new IntPath(tree.maxDepth() + 1);
        int node = 0;
        while (true) {
            path.add(node);
            int next = childCarrying(tree, node, targetTop[node]);
            if (next < 0) {
                return new Acceptance(path.toArray(), targetTop[node], targetProbs, targetTop);
            }
            node = next;
        }
    }

    /** The child of {@code node} whose token is {@code token}, or -1. */
    static int childCarrying(DraftTree tree, int node, int token) {
        for (int child : tree.children(node)) {
            if (tree.token(child) == token) {
                return child;
            }
        }
        return -1;
    }

    private static Acceptance walkSampling(DraftTree tree, Logits logits, double[][] p, SamplingParams params,
                                           SplittableRandom random, int[] targetTop, float[] targetProbs) {
        IntPath path = new IntPath(tree.maxDepth() + 1);
        int node = 0;
        while (true) {
            path.add(node);
            int[] children = tree.children(node);
            double[] target = p[node] != null ? p[node] : TokenDistributions.of(logits.row(node), params);
            int[] candidates = new int[children.length];
            for (int i = 0; i < children.length; i++) {
                candidates[i] = tree.token(children[i]);
            }
            float[] q = tree.childDistribution(node);
            NodeOutcome outcome = acceptAmong(target, candidates, q == null ? null : toDoubles(q), random);
            if (outcome.acceptedIndex() < 0) {
                return new Acceptance(path.toArray(), outcome.token(), targetProbs, targetTop);
            }
            node = children[outcome.acceptedIndex()];
        }
    }

    /**
     * What rejection sampling at one node decided.
     *
     * @param acceptedIndex the accepted candidate's index, or -1 when all were rejected
     * @param token         the token that comes out: the accepted candidate's, or the bonus
     *                      token drawn from the residual
     */
    record NodeOutcome(int acceptedIndex, int token) {
    }

    /**
     * Multi-candidate recursive rejection sampling at one node: the token that comes out is
     * distributed as {@code p}.
     *
     * @param candidates the children's tokens in draw order
     * @param q          the distribution they were drawn from without replacement, or null for
     *                   candidates chosen deterministically (each then a point mass)
     */
    static NodeOutcome acceptAmong(double[] p, int[] candidates, double[] q, SplittableRandom random) {
        double[] residual = p.clone();
        double[] qi = q == null ? null : normalised(q);
        for (int i = 0; i < candidates.length; i++) {
            int c = candidates[i];
            double proposal = qi == null ? 1.0 : qi[c];
            if (random.nextDouble() < acceptanceProbability(residual[c], proposal)) {
                return new NodeOutcome(i, c);
            }
            if (qi == null) {
                residual = withoutToken(residual, c);    // = residual(p, point mass at c)
            } else {
                residual = residual(residual, qi);
                qi = withoutToken(qi, c);                // the next child was drawn with c removed
            }
        }
        return new NodeOutcome(-1, TokenDistributions.sample(residual, random));
    }

    /** min(1, p/q): accepting a candidate drawn from q so that what is accepted follows min(p, q). */
    static double acceptanceProbability(double p, double q) {
        if (q <= 0) {
            return p > 0 ? 1 : 0;   // only float rounding draws a token q gave (almost) no mass
        }
        return Math.min(1, p / q);
    }

    /**
     * normalise(max(0, p - q)): what a rejection leaves of the target, the part of p that q's
     * proposals under-cover. If nothing is left (p and q equal up to rounding, when a
     * rejection has probability 0 in exact arithmetic) p is kept.
     */
    static double[] residual(double[] p, double[] q) {
        double[] r = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            r[i] = Math.max(0, p[i] - q[i]);
        }
        double mass = sum(r);
        return mass > 0 ? scaled(r, 1 / mass) : p.clone();
    }

    /** {@code d} with {@code token} removed, renormalised (kept as is if nothing else has mass). */
    static double[] withoutToken(double[] d, int token) {
        double[] r = d.clone();
        r[token] = 0;
        double mass = sum(r);
        return mass > 0 ? scaled(r, 1 / mass) : d.clone();
    }

    private static double[] normalised(double[] d) {
        return scaled(d.clone(), 1 / sum(d));
    }

    private static double sum(double[] d) {
        double s = 0;
        for (double v : d) {
            s += v;
        }
        return s;
    }

    private static double[] scaled(double[] d, double factor) {
        for (int i = 0; i < d.length; i++) {
            d[i] *= factor;
        }
        return d;
    }

    private static double[] toDoubles(float[] q) {
        double[] out = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = q[i];
        }
        return out;
    }

    /** The accepted path as it grows. */
    private static final class IntPath {
        private final int[] nodes;
        private int size;

        IntPath(int capacity) {
            nodes = new int[capacity];
        }

        void add(int node) {
            nodes[size++] = node;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(nodes, size);
        }
    }
}
