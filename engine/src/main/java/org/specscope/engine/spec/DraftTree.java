package org.specscope.engine.spec;

import java.util.Arrays;

/**
 * A draft tree ready for verification. Node 0 is the root: the last committed token, not yet in
 * the target's cache, whose logits give the first draft position. Nodes follow in
 * breadth-first order (parents before children, depth non-decreasing), so the tree is also the
 * verification batch.
 *
 * <p>{@code draftProbs[i]} is q(token_i | path to its parent): the probability the drafter gave
 * the node's token. {@code childDistributions[i]} is the distribution the drafter drew node i's
 * children from when it sampled them (needed for lossless sampling acceptance); null when the
 * children were chosen deterministically (greedy top-k, prompt lookup), which verification then
 * treats as point masses.
 */
public final class DraftTree {

    private final int[] tokens;
    private final int[] parents;
    private final int[] depths;
    private final float[] draftProbs;
    private final float[] logScores;
    private final float[][] childDistributions;

    /**
     * @param logScores cumulative draft log-probability of each node's path (root 0)
     */
    public DraftTree(int[] tokens, int[] parents, float[] draftProbs, float[] logScores, float[][] childDistributions) {
        int n = tokens.length;
        if (n == 0 || parents.length != n || draftProbs.length != n || logScores.length != n
                || (childDistributions != null && childDistributions.length != n)) {
            throw new IllegalArgumentException("a draft tree needs a root and one parent, probability and score per node");
        }
        if (parents[0] != -1) {
            throw new IllegalArgumentException("node 0 is the root: its parent must be -1, got " + parents[0]);
        }
        this.tokens = tokens.clone();
        this.parents = parents.clone();
        this.depths = new int[n];
        for (int i = 1; i < n; i++) {
            if (parents[i] < 0 || parents[i] >= i) {
                throw new IllegalArgumentException("node " + i + " has parent " + parents[i] + "; parents must precede children");
            }
            depths[i] = depths[parents[i]] + 1;
            if (depths[i] < depths[i - 1]) {
                throw new IllegalArgumentException("nodes must be in breadth-first order: node " + i + " at depth "
                        + depths[i] + " follows depth " + depths[i - 1]);
            }
        }
        this.draftProbs = draftProbs.clone();
        this.logScores = logScores.clone();
        this.childDistributions = childDistributions == null ? null : childDistributions.clone();
    }

    /** A tree of the root alone: a plain decoding step. */
    public static DraftTree rootOnly(int token) {
        return new DraftTree(new int[]{token}, new int[]{-1}, new float[]{1f}, new float[]{0f}, null);
    }

    /** Nodes including the root. */
    public int size() {
        return tokens.length;
    }

    /** Draft nodes, the root not counted. */
    public int draftCount() {
        return tokens.length - 1;
    }

    public int token(int node) {
        return tokens[node];
    }

    public int parent(int node) {
        return parents[node];
    }

    public int depth(int node) {
        return depths[node];
    }

    public int maxDepth() {
        return depths[depths.length - 1];
    }

    public float draftProb(int node) {
        return draftProbs[node];
    }

    public float logScore(int node) {
        return logScores[node];
    }

    /** The distribution node's children were sampled from, or null when they were chosen deterministically. */
    public float[] childDistribution(int node) {
        return childDistributions == null ? null : childDistributions[node];
    }

    /** The children of {@code node} in the order the drafter proposed them. */
    public int[] children(int node) {
        return Arrays.stream(indices()).filter(i -> parents[i] == node).toArray();
    }

    public int[] tokens() {
        return tokens.clone();
    }

    public int[] parents() {
        return parents.clone();
    }

    public int[] depths() {
        return depths.clone();
    }

    public float[] draftProbs() {
        return draftProbs.clone();
    }

    public float[] logScores() {
        return logScores.clone();
    }

    private int[] indices() {
        int[] out = new int[tokens.length];
        Arrays.setAll(out, i -> i);
        return out;
    }

    @Override
    public String toString() {
        return "DraftTree[" + tokens.length + " nodes, depth " + maxDepth() + "]";
    }
}
