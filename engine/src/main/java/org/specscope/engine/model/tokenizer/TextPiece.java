package org.specscope.engine.model.tokenizer;

/**
 * A stretch of text on its way to the BPE model, and whether it begins at the very start of
 * the encoded input: the Metaspace pre-tokenizer's "first" scheme marks only that piece.
 */
record TextPiece(String text, boolean atInputStart) {

    /** The part {@code [start, end)}; it begins at the input start only where this one did. */
    TextPiece slice(int start, int end) {
        return new TextPiece(text.substring(start, end), atInputStart && start == 0);
    }

    /** The same position with other text (a normalised or prefixed form). */
    TextPiece withText(String newText) {
        return new TextPiece(newText, atInputStart);
    }
}
