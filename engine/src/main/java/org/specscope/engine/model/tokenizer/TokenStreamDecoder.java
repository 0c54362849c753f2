package org.specscope.engine.model.tokenizer;

/**
 * Decodes generated tokens as they arrive. {@link #push} returns the text that the new token
 * completed, which may be empty: a multi-byte character is only released once all its bytes
 * are in, a run of byte-fallback tokens once it ends, a character a decoder might still strip
 * once that is settled. The pieces returned by every {@code push} followed by {@link #flush}
 * concatenate to exactly {@code tokenizer.decode(ids, skipSpecialTokens)}: full decoding is
 * implemented as this same stream.
 *
 * <p>Not thread-safe; one instance per sequence.
 */
public final class TokenStreamDecoder {

    private final Vocabulary vocabulary;
    private final boolean skipSpecialTokens;
    private final DecodePipeline.Run run;
    private boolean flushed;

    TokenStreamDecoder(Vocabulary vocabulary, DecodePipeline pipeline, boolean skipSpecialTokens) {
        this.vocabulary = vocabulary;
        this.skipSpecialTokens = skipSpecialTokens;
        this.run = pipeline.start();
    }

    /**
     * Feeds one token id; returns the text that became complete. Ids with no token, and special
     * tokens when skipped, contribute nothing.
     *
     * @throws IllegalStateException after {@link #flush()}
     */
    public String push(int id) {
        if (flushed) {
            throw new IllegalStateException("the stream was already flushed");
        }
        String token = vocabulary.decodeText(id);
        if (token == null || (skipSpecialTokens && vocabulary.isSpecial(id))) {
            return "";
        }
        run.push(token);
        return run.take();
    }

    /** Ends the stream and returns whatever was still held back (an incomplete character becomes U+FFFD). */
    public String flush() {
        if (flushed) {
            return "";
        }
        flushed = true;
        run.finish();
        return run.take();
    }

    public boolean skipsSpecialTokens() {
        return skipSpecialTokens;
    }
}
