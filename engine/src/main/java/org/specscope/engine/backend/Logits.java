package org.specscope.engine.backend;

/**
 * Next-token logits for some rows of a batch.
 *
 * @param firstRow the batch index of row 0 (the last token's index for {@code LogitRows.LAST})
 * @param values   [rows * vocab], row-major
 */
public record Logits(int firstRow, int rows, int vocab, float[] values) {

    public Logits {
        if (values.length != rows * vocab) {
            throw new IllegalArgumentException(values.length + " values for " + rows + " x " + vocab);
        }
    }

    /** A copy of row {@code row} (0-based within these logits). */
    public float[] row(int row) {
        float[] out = new float[vocab];
        System.arraycopy(values, row * vocab, out, 0, vocab);
        return out;
    }

    public float get(int row, int token) {
        return values[row * vocab + token];
    }

    /** The highest-scoring token of row {@code row}; ties go to the lower id. */
    public int argmax(int row) {
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
