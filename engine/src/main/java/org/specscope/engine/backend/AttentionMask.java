package org.specscope.engine.backend;

import java.util.Arrays;

/**
 * Which tokens of a batch a batch token may attend to. Every batch token always sees the whole
 * cached prefix; within the batch, a causal mask lets token i see tokens 0..i, and a tree mask
 * lets a draft-tree node see only its ancestors and itself.
 */
public final class AttentionMask {

    private final int size;
    private final boolean[] visible;   // [query * size + key]
    private final boolean causal;

    private AttentionMask(int size, boolean[] visible, boolean causal) {
        this.size = size;
        this.visible = visible;
        this.causal = causal;
    }

    /** Token i sees batch tokens 0..i. */
    public static AttentionMask causal(int size) {
        return new AttentionMask(size, null, true);
    }

    /**
     * A tree: {@code parents[i]} is the batch index of node i's parent, or -1 for a node whose
     * parent is the last cached token. Parents must come before their children.
     */
    public static AttentionMask tree(int[] parents) {
        int n = parents.length;
        boolean[] v = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            int p = parents[i];
            if (p >= i || p < -1) {
                throw new IllegalArgumentException("node " + i + " has parent " + p + "; parents must precede children");
            }
            v[i * n + i] = true;
            if (p >= 0) {
                System.arraycopy(v, p * n, v, i * n, p + 1);
                v[i * n + i] = true;
            }
        }
        return new AttentionMask(n, v, false);
    }

    public int size() {
        return size;
    }

    public boolean isCausal() {
        return causal;
    }

    /** Whether batch token {@code query} may attend to batch token {@code key}. */
    public boolean isVisible(int query, int key) {
        return causal ? key <= query : visible[query * size + key];
    }

    @Override
    public String toString() {
        return causal ? "causal(" + size + ")" : "tree(" + size + ", " + Arrays.hashCode(visible) + ")";
    }
}
