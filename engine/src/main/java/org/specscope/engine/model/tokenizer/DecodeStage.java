package org.specscope.engine.model.tokenizer;

import java.util.function.Consumer;

/**
 * One running decoder step. Steps are chained and fed token text as it arrives; each passes
 * on what it can already decide and keeps back only what still depends on tokens to come
 * (an unfinished byte run, the last bytes of an incomplete UTF-8 character, trailing text a
 * strip may still remove). Running decoding this way is what makes streamed pieces add up to
 * exactly the full decode.
 */
interface DecodeStage {

    /**
     * Part of a token's text. A token may arrive in several chunks: the first is flagged
     * {@code tokenStart}, the last {@code tokenEnd} (one chunk may be both).
     */
    record Chunk(String text, boolean tokenStart, boolean tokenEnd) {
        static Chunk whole(String token) {
            return new Chunk(token, true, true);
        }
    }

    void accept(Chunk chunk, Consumer<Chunk> next);

    /** The input has ended: pass on everything still held, closing any open token. */
    void finish(Consumer<Chunk> next);

    /**
     * A step that needs whole tokens: it gathers a token's chunks and handles the token once
     * complete. Fine where tokens arrive whole, which is the case for the first steps.
     */
    abstract class WholeTokens implements DecodeStage {
        private final StringBuilder pending = new StringBuilder();

        @Override
        public final void accept(Chunk chunk, Consumer<Chunk> next) {
            if (chunk.tokenStart() && chunk.tokenEnd()) {
                token(chunk.text(), next);
                return;
            }
            if (chunk.tokenStart()) {
                pending.setLength(0);
            }
            pending.append(chunk.text());
            if (chunk.tokenEnd()) {
                token(pending.toString(), next);
                pending.setLength(0);
            }
        }

        abstract void token(String token, Consumer<Chunk> next);
    }
}
