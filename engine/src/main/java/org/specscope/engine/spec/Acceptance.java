package org.specscope.engine.spec;

/**
 * What verification accepted in one draft tree.
 *
 * @param path        accepted nodes from the root (node 0 always first)
 * @param bonusToken  the token the target adds after the last accepted node
 * @param targetProbs per node, the target's probability of the node's token at its parent (root 1)
 * @param targetTop   per node, the target's most probable next token after it
 */
public record Acceptance(int[] path, int bonusToken, float[] targetProbs, int[] targetTop) {

    public Acceptance {
        path = path.clone();
        targetProbs = targetProbs.clone();
        targetTop = targetTop.clone();
        if (path.length == 0 || path[0] != 0) {
            throw new IllegalArgumentException("an accepted path starts at the root");
        }
    }

    @Override
    public int[] path() {
        return path.clone();
    }

    @Override
    public float[] targetProbs() {
        return targetProbs.clone();
    }

    @Override
    public int[] targetTop() {
        return targetTop.clone();
    }

    /** The tokens this verification adds to the output: the accepted drafts, then the bonus token. */
    public int[] emittedTokens(DraftTree tree) {
        int[] out = new int[path.length];
        for (int i = 1; i < path.length; i++) {
            out[i - 1] = tree.token(path[i]);
        }
        out[path.length - 1] = bonusToken;
        return out;
    }

    /** Draft tokens accepted (the root not counted). */
    public int acceptedDrafts() {
        return path.length - 1;
    }
}
