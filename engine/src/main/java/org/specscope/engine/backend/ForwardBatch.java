package org.specscope.engine.backend;

import org.specscope.engine.moe.ExpertBudget;

/**
 * Tokens to run in one forward pass.
 *
 * @param tokens    token ids
 * @param positions RoPE position of each token (prefix length + depth for tree nodes)
 * @param mask      visibility among the batch's own tokens
 * @param logitRows which rows' logits the caller needs: projecting to the vocabulary is the
 *                  costliest matmul of a small batch, so a prefill asks for the last row only
 * @param budget       MoE-Spec's expert budget for this pass (verification passes only);
 *                     {@link ExpertBudget#UNLIMITED} runs every token's natural experts
 * @param scoreWeights how much each token's routing probabilities count in the budget's expert
 *                     scores (the depth-weighted variant); null counts every token once
 */
public record ForwardBatch(int[] tokens, int[] positions, AttentionMask mask, LogitRows logitRows,
                           ExpertBudget budget, float[] scoreWeights) {

    /**
     * Which rows' logits a pass returns. {@code ALL_ARGMAX}: every row, but the caller reads only
     * each row's highest-scoring token and the probability each token's parent row gives it
     * (greedy verification and its trace), so a device backend may return just those instead of
     * copying rows x vocabulary floats back ({@link Logits#argmaxOnly}); the CPU returns the rows.
     */
    public enum LogitRows { ALL, LAST, ALL_ARGMAX }

    /** An unbudgeted pass. */
    public ForwardBatch(int[] tokens, int[] positions, AttentionMask mask, LogitRows logitRows) {
        this(tokens, positions, mask, logitRows, ExpertBudget.UNLIMITED, null);
    }

    public ForwardBatch {
        tokens = tokens.clone();
        positions = positions.clone();
        scoreWeights = scoreWeights == null ? null : scoreWeights.clone();
        if (budget == null) {
            throw new IllegalArgumentException("a batch needs an expert budget (ExpertBudget.UNLIMITED for none)");
        }
        if (scoreWeights != null && scoreWeights.length != tokens.length) {
            throw new IllegalArgumentException(scoreWeights.length + " score weights for " + tokens.length + " tokens");
        }
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

    /** The same tokens under an expert budget. */
    public ForwardBatch withBudget(ExpertBudget newBudget, float[] newScoreWeights) {
        return new ForwardBatch(tokens, positions, mask, logitRows, newBudget, newScoreWeights);
    }

    /** A copy of the score weights, or null when every token counts once. */
    @Override
    public float[] scoreWeights() {
        return scoreWeights == null ? null : scoreWeights.clone();
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

    /** Throws when a token id is outside a vocabulary of {@code vocabSize} (the runner's model's). */
    public void checkVocabulary(int vocabSize) {
        for (int id : tokens) {
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + vocabSize);
            }
        }
    }

    public int token(int i) {
        return tokens[i];
    }

    public int position(int i) {
        return positions[i];
    }
}
