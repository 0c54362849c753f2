package org.specscope.engine.backend;

/**
 * Tokens to run in one forward pass.
 *
 * @param tokens    token ids
 * @param positions RoPE position of each token (prefix length + depth for tree nodes)
 * @param mask      visibility among the batch's own tokens
 * @param logitRows which rows' logits the caller needs: projecting to the vocabulary is the
 *                  costliest matmul of a small batch, so a prefill asks for the last row only
 */
public record ForwardBatch(int[] tokens, int[] positions, AttentionMask mask, LogitRows logitRows) {

    public enum LogitRows { ALL, LAST }

    public ForwardBatch {
        tokens = tokens.clone();
        positions = positions.clone();
        if (tokens.length == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        if (positions.length != tokens.length || mask.size() != tokens.length) {
            throw new IllegalArgumentException("batch of " + tokens.length + " tokens with " + positions.length
                    + " positions and a mask of " + mask.size());
        }
    }

    /** Consecutive tokens starting at position {@code start}, causally masked. */
    public static ForwardBatch sequence(int[] tokens, int start, LogitRows rows) {
        int[] pos = new int[tokens.length];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = start + i;
        }
        return new ForwardBatch(tokens, pos, AttentionMask.causal(tokens.length), rows);
    }

    public int size() {
        return tokens.length;
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public int[] positions() {
        return positions.clone();
    }

    public int token(int i) {
        return tokens[i];
    }

    public int position(int i) {
        return positions[i];
    }
}
