package org.specscope.engine.spec;

/**
 * The shape of a draft tree, EAGLE-2 style: grown {@code depth} levels, each expanded node
 * proposing its {@code topK} best children and the {@code topK} best candidates of a level
 * expanded further, then the {@code totalNodes} best nodes overall kept (by cumulative draft
 * log-probability). A chain of K tokens is depth K, top-k 1; depth 0 drafts nothing.
 *
 * @param totalNodes draft nodes kept, the root (the last committed token) not counted
 */
public record TreeShape(int depth, int topK, int totalNodes) {

    public static final TreeShape NONE = new TreeShape(0, 1, 0);

    /** EAGLE-2's defaults: depth 7, top-k 10, 60 nodes. */
    public static final TreeShape EAGLE_DEFAULT = new TreeShape(7, 10, 60);

    public TreeShape {
        if (depth < 0 || topK < 1 || totalNodes < depth) {
            throw new IllegalArgumentException("a draft tree needs depth >= 0, top-k >= 1 and at least depth nodes; got depth "
                    + depth + ", top-k " + topK + ", " + totalNodes + " nodes");
        }
        if (depth == 0 && totalNodes != 0) {
            throw new IllegalArgumentException("a depth-0 tree drafts no nodes, got " + totalNodes);
        }
        long candidates = depth == 0 ? 0 : topK + (long) (depth - 1) * topK * topK;
        if (totalNodes > candidates) {
            throw new IllegalArgumentException("depth " + depth + " with top-k " + topK + " proposes at most " + candidates
                    + " nodes; asked to keep " + totalNodes);
        }
    }

    /** K tokens in a line. */
    public static TreeShape chain(int k) {
        return new TreeShape(k, 1, k);
    }

    public boolean isChain() {
        return topK == 1;
    }

    public boolean drafts() {
        return depth > 0;
    }

    /**
     * This shape with depth {@code k} (a draft length chosen by a controller): top-k kept, the
     * node budget scaled with the depth and kept within what the depth can propose.
     */
    public TreeShape withDepth(int k) {
        if (k == depth) {
            return this;
        }
        if (k == 0) {
            return NONE;
        }
        if (isChain()) {
            return chain(k);
        }
        long candidates = topK + (long) (k - 1) * topK * topK;
        int total = depth == 0 ? k * topK : (int) Math.round((double) totalNodes * k / depth);
        return new TreeShape(k, topK, (int) Math.max(k, Math.min(candidates, total)));
    }

    /** "chain 4", "tree 7x10/60", "none". */
    public String describe() {
        return depth == 0 ? "none" : isChain() ? "chain " + depth : "tree " + depth + "x" + topK + "/" + totalNodes;
    }
}
