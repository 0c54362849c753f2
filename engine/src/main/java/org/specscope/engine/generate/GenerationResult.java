package org.specscope.engine.generate;

/**
 * What one generation produced.
 *
 * @param promptIds    the prompt as the model saw it (with BOS when the tokenizer adds one)
 * @param generatedIds the tokens generated, an end-of-sequence token included when one ended it
 * @param prefillNanos time of the prompt's forward pass
 * @param decodeNanos  time of every later forward pass together
 */
public record GenerationResult(int[] promptIds, int[] generatedIds, StopReason stopReason, long prefillNanos,
                               long decodeNanos) {

    public enum StopReason { END_OF_SEQUENCE, MAX_TOKENS, CONTEXT_FULL, CANCELLED }

    public GenerationResult {
        promptIds = promptIds.clone();
        generatedIds = generatedIds.clone();
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    @Override
    public int[] generatedIds() {
        return generatedIds.clone();
    }

    /** Decode speed over the tokens after the first (the first comes from the prefill). */
    public double decodeTokensPerSecond() {
        int decoded = generatedIds.length - 1;
        return decoded <= 0 || decodeNanos == 0 ? 0 : decoded * 1e9 / decodeNanos;
    }
}
