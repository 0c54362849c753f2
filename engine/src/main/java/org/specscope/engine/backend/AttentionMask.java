package org.specscope.engine.backend;

import java.util.Arrays;

/**
 * Which tokens a batch token may attend to. Every batch token sees the committed prefix in the
 * cache; within the batch, a causal mask lets token i see tokens 0..i, and a tree mask lets a
 * draft-tree node see only its ancestors and itself. A tree grown over several passes (a draft
 * model expanding one depth per pass) leaves its earlier nodes in the cache: those
 * {@link #cachedNodes()} last cache slots are tree nodes too, visible only to their descendants.
 */
public final class AttentionMask {

    private final int size;
    private final int cachedNodes;
    private final boolean[] visible;   // [query * (cachedNodes + size) + key]
    private final boolean causal;

    private AttentionMask(int size, int cachedNodes, boolean[] visible, boolean causal) {
        this.size = size;
        this.cachedNodes = cachedNodes;
        this.visible = visible;
        this.causal = causal;
    }

    /** Token i sees batch tokens 0..i. */
    public static AttentionMask causal(int size) {
        return new AttentionMask(size, 0, null, true);
    }

    /**
     * A tree: {@code parents[i]} is the batch index of node i's parent, or -1 for a node whose
     * parent is the last committed token. Parents must come before their children.
     */
    public static AttentionMask tree(int[] parents) {
        return treeContinuation(parents, 0);
    }

    /**
     * The next nodes of a tree whose first {@code cachedNodes} nodes already sit in the last
     * cache slots. {@code parents} covers the whole tree in cache-then-batch order (indices into
     * it, -1 for a child of the last committed token); the mask's rows are the last
     * {@code parents.length - cachedNodes} nodes.
     */
    public static AttentionMask treeContinuation(int[] parents, int cachedNodes) {
        int all = parents.length;
        if (cachedNodes < 0 || cachedNodes >= all) {
            throw new IllegalArgumentException(cachedNodes + " cached nodes of a " + all + "-node tree leave no batch");
        }
        boolean[] ancestry = new boolean[all * all];
        for (int i = 0; i < all; i++) {
            int p = parents[i];
            if (p >= i || p < -1) {
                throw new IllegalArgumentException("node " + i + " has parent " + p + "; parents must precede children");
            }
            if (p >= 0) {
                System.arraycopy(ancestry, p * all, ancestry, i * all, p + 1);
            }
            ancestry[i * all + i] = true;
        }
        int n = all - cachedNodes;
        return new AttentionMask(n, cachedNodes, Arrays.copyOfRange(ancestry, cachedNodes * all, all * all), false);
    }

    /** Batch tokens (rows). */
    public int size() {
        return size;
    }

    /** Tree nodes already in the last cache slots that this mask also governs (0 for most passes). */
    public int cachedNodes() {
        return cachedNodes;
    }

    public boolean isCausal() {
        return causal;
    }

    /**
     * Whether batch token {@code query} may attend to {@code key}, counted from the first cached
     * tree node: keys 0..cachedNodes-1 are cached nodes, the rest are batch tokens.
     */
    public boolean isVisible(int query, int key) {
        return causal ? key <= query : visible[query * (cachedNodes + size) + key];
    }

    @Override
    public String toString() {
        return causal ? "causal(" + size + ")"
                : "tree(" + size + (cachedNodes > 0 ? " after " + cachedNodes + " cached" : "") + ", "
                + Arrays.hashCode(visible) + ")";
    }
}
