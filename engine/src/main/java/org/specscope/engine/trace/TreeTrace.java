package org.specscope.engine.trace;

import java.util.List;

/**
 * One step's draft tree as verified: node 0 is the root (the last committed token), the rest
 * are draft nodes in breadth-first order.
 *
 * @param tokens       token id of each node
 * @param texts        each node's token as text
 * @param parents      parent node of each node (-1 for the root)
 * @param draftProbs   q: the drafter's probability of each node's token given its parent's path (root 1)
 * @param targetProbs  p: the target's probability of each node's token at its parent (root 1); the
 *                     softmax of the raw logits under greedy decoding, the sampling distribution otherwise
 * @param targetTop    the target's most probable next token after each node
 * @param acceptedPath nodes of the accepted path from the root (the root always)
 * @param bonusToken   the token the target added after the accepted path
 * @param bonusText    its text
 */
public record TreeTrace(IntSeq tokens, List<String> texts, IntSeq parents, FloatSeq draftProbs, FloatSeq targetProbs,
                        IntSeq targetTop, IntSeq acceptedPath, int bonusToken, String bonusText) {

    public TreeTrace {
        texts = List.copyOf(texts);
        int n = tokens.size();
        if (n == 0 || texts.size() != n || parents.size() != n || draftProbs.size() != n || targetProbs.size() != n
                || targetTop.size() != n) {
            throw new IllegalArgumentException("a tree trace needs one token, text, parent, q, p and target top per node; "
                    + "got " + n + " tokens, " + texts.size() + " texts, " + parents.size() + " parents");
        }
        if (acceptedPath.isEmpty() || acceptedPath.get(0) != 0) {
            throw new IllegalArgumentException("the accepted path starts at the root, got " + acceptedPath);
        }
    }

    public int size() {
        return tokens.size();
    }

    /** Draft nodes verified, the root not counted (as {@code TreeShape.totalNodes} counts them). */
    public int draftNodes() {
        return tokens.size() - 1;
    }

    /** Draft tokens accepted (the root not counted). */
    public int acceptedDrafts() {
        return acceptedPath.size() - 1;
    }

    public int depth(int node) {
        int d = 0;
        for (int p = parents.get(node); p >= 0; p = parents.get(p)) {
            d++;
        }
        return d;
    }

    public boolean isAccepted(int node) {
        return acceptedPath.contains(node);
    }
}
