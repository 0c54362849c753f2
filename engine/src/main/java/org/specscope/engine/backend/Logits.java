package org.specscope.engine.backend;

/**
 * Next-token logits for some rows of a batch.
 *
 * @param firstRow the batch index of row 0 (the last token's index for {@code LogitRows.LAST})
 * @param values   [rows * vocab], row-major; null when only {@code argmaxes} came back (a device
 *                 pass asked for {@code LogitRows.ALL_ARGMAX})
 * @param argmaxes [rows] each row's highest-scoring token when the backend computed it; null:
 *                 {@link #argmax} finds it in the values
 * @param parentTokenProbs with argmax-only logits, [rows]: the softmax (temperature 1) of the row of
 *                 each token's parent in the batch (its nearest visible earlier batch token: the
 *                 previous token under a causal mask), taken at the token; NaN where the parent is
 *                 not in the batch. Null with full rows.
 */
public record Logits(int firstRow, int rows, int vocab, float[] values, int[] argmaxes, float[] parentTokenProbs) {

    public Logits {
        if (values == null ? argmaxes == null || parentTokenProbs == null : values.length != rows * vocab) {
            throw new IllegalArgumentException((values == null ? "no" : values.length) + " values for " + rows + " x "
                    + vocab);
        }
        if (argmaxes != null && argmaxes.length != rows) {
            throw new IllegalArgumentException(argmaxes.length + " argmaxes for " + rows + " rows");
        }
        if (parentTokenProbs != null && parentTokenProbs.length != rows) {
            throw new IllegalArgumentException(parentTokenProbs.length + " parent-token probabilities for " + rows
                    + " rows");
        }
    }

    /** Full rows. */
    public Logits(int firstRow, int rows, int vocab, float[] values) {
        this(firstRow, rows, vocab, values, null, null);
    }

    /**
     * Only each row's highest-scoring token (ties to the lower id) and each token's probability
     * under its parent's row, as a device computed them (see {@link ForwardBatch.LogitRows#ALL_ARGMAX}).
     */
    public static Logits argmaxOnly(int firstRow, int vocab, int[] argmaxes, float[] parentTokenProbs) {
        return new Logits(firstRow, argmaxes.length, vocab, null, argmaxes.clone(), parentTokenProbs.clone());
    }

    /** Whether the rows came back (false for argmax-only logits). */
    public boolean hasRows() {
        return values != null;
    }

    /** For argmax-only logits: the probability row {@code row}'s parent row gives its token (see the record's doc). */
    public float parentTokenProbability(int row) {
        if (parentTokenProbs == null) {
            throw new IllegalStateException("full logits: take the probability from the parent's row");
        }
        return parentTokenProbs[row];
    }

    /** The values, [rows * vocab]; refused when the pass returned only each row's argmax. */
    @Override
    public float[] values() {
        if (values == null) {
            throw new IllegalStateException("these logits hold only each row's argmax (the pass asked for"
                    + " LogitRows.ALL_ARGMAX)");
        }
        return values;
    }

    /** A copy of row {@code row} (0-based within these logits). */
    public float[] row(int row) {
        float[] out = new float[vocab];
        System.arraycopy(values(), row * vocab, out, 0, vocab);
        return out;
    }

    public float get(int row, int token) {
        return values()[row * vocab + token];
    }

    /** The highest-scoring token of row {@code row}; ties go to the lower id. */
    public int argmax(int row) {
        if (argmaxes != null) {
            return argmaxes[row];
        }
        int base = row * vocab;
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (values[base + i] > values[base + best]) {
                best = i;
            }
        }
        return best;
    }

    /** The last row's logits (the next token after the batch). */
    public float[] lastRow() {
        return row(rows - 1);
    }
}
