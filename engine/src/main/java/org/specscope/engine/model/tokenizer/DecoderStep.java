package org.specscope.engine.model.tokenizer;

import org.specscope.engine.model.tokenizer.DecodeStage.Chunk;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One step of tokenizer.json's {@code decoder} (a {@code Sequence} is flattened into its
 * steps). Each is immutable configuration that starts a fresh {@link DecodeStage} per decode
 * or stream; the stages reproduce the Rust decoders' output exactly, token by token.
 */
sealed interface DecoderStep {

    DecodeStage newStage();

    /** Replaces a pattern in each token ("▁" to " " for SentencePiece). */
    record Replace(Pattern pattern, String content) implements DecoderStep {
        @Override
        public DecodeStage newStage() {
            String replacement = Matcher.quoteReplacement(content);
            return new DecodeStage.WholeTokens() {
                @Override
                void token(String token, Consumer<Chunk> next) {
                    next.accept(Chunk.whole(pattern.matcher(token).replaceAll(replacement)));
                }

                @Override
                public void finish(Consumer<Chunk> next) {
                }
            };
        }
    }

    /**
     * Turns each run of consecutive {@code <0xNN>} tokens into the text its bytes spell; a run
     * that is not valid UTF-8 becomes one U+FFFD per byte. A run is only decided when it ends,
     * so its text appears once the next ordinary token (or the end) arrives.
     */
    record ByteFallback() implements DecoderStep {
        @Override
        public DecodeStage newStage() {
            return new DecodeStage.WholeTokens() {
                private byte[] run = new byte[8];
                private int runLength;

                @Override
                void token(String token, Consumer<Chunk> next) {
                    int b = byteOf(token);
                    if (b >= 0) {
                        if (runLength == run.length) {
                            run = java.util.Arrays.copyOf(run, run.length * 2);
                        }
                        run[runLength++] = (byte) b;
                        return;
                    }
                    endRun(next);
                    next.accept(Chunk.whole(token));
                }

                @Override
                public void finish(Consumer<Chunk> next) {
                    endRun(next);
                }

                private void endRun(Consumer<Chunk> next) {
                    if (runLength == 0) {
                        return;
                    }
                    if (Utf8.isValid(run, runLength)) {
                        next.accept(Chunk.whole(new String(run, 0, runLength, java.nio.charset.StandardCharsets.UTF_8)));
                    } else {
                        for (int i = 0; i < runLength; i++) {
                            next.accept(Chunk.whole(Character.toString(Utf8.REPLACEMENT)));
                        }
                    }
                    runLength = 0;
                }
            };
        }

        /** The byte a {@code <0xNN>} token stands for, or -1 for any other token. */
        static int byteOf(String token) {
            if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') {
                return -1;
            }
            int hi = Character.digit(token.charAt(3), 16);
            int lo = Character.digit(token.charAt(4), 16);
            boolean ascii = token.charAt(3) < 128 && token.charAt(4) < 128;
            return hi < 0 || lo < 0 || !ascii ? -1 : hi * 16 + lo;
        }
    }

    /** Joins all tokens into one. */
    record Fuse() implements DecoderStep {
        @Override
        public DecodeStage newStage() {
            return new DecodeStage() {
                private boolean started;

                @Override
                public void accept(Chunk chunk, Consumer<Chunk> next) {
                    next.accept(new Chunk(chunk.text(), !started, false));
                    started = true;
                }

                @Override
                public void finish(Consumer<Chunk> next) {
                    next.accept(new Chunk("", !started, true));
                    started = true;
                }
            };
        }
    }

    /** Removes up to {@code start} leading and {@code stop} trailing {@code content} characters from each token. */
    record Strip(int content, int start, int stop) implements DecoderStep {
        @Override
        public DecodeStage newStage() {
            return new DecodeStage() {
                private int leftToStrip;
                private boolean stripping;
                private final StringBuilder trailing = new StringBuilder();
                private int trailingCount;

                @Override
                public void accept(Chunk chunk, Consumer<Chunk> next) {
                    if (chunk.tokenStart()) {
                        leftToStrip = start;
                        stripping = true;
                        trailing.setLength(0);
                        trailingCount = 0;
                    }
                    StringBuilder out = new StringBuilder(chunk.text().length());
                    chunk.text().codePoints().forEach(cp -> {
                        if (stripping) {
                            if (leftToStrip > 0 && cp == content) {
                                leftToStrip--;
                                return;
                            }
                            stripping = false;
                        }
                        if (stop > 0 && cp == content) {
                            // Might be trailing: hold back the last `stop` of a run of content characters.
                            trailing.appendCodePoint(cp);
                            if (++trailingCount > stop) {
                                int first = trailing.codePointAt(0);
                                trailing.delete(0, Character.charCount(first));
                                trailingCount--;
                                out.appendCodePoint(first);
                            }
                        } else {
                            out.append(trailing);
                            trailing.setLength(0);
                            trailingCount = 0;
                            out.appendCodePoint(cp);
                        }
                    });
                    if (chunk.tokenEnd()) {
                        trailing.setLength(0);
                        trailingCount = 0;
                    }
                    next.accept(new Chunk(out.toString(), chunk.tokenStart(), chunk.tokenEnd()));
                }

                @Override
                public void finish(Consumer<Chunk> next) {
                }
            };
        }
    }

    /**
     * SentencePiece's Metaspace decoder: the replacement character becomes a space, except in
     * the first token, where (unless the prepend scheme is "never") every one is dropped, as
     * the Rust decoder does.
     */
    record Metaspace(int replacement, boolean stripFirstToken) implements DecoderStep {
        @Override
        public DecodeStage newStage() {
            return new DecodeStage() {
                private int tokenIndex = -1;

                @Override
                public void accept(Chunk chunk, Consumer<Chunk> next) {
                    if (chunk.tokenStart()) {
                        tokenIndex++;
                    }
                    boolean drop = tokenIndex == 0 && stripFirstToken;
                    StringBuilder out = new StringBuilder(chunk.text().length());
                    chunk.text().codePoints().forEach(cp -> {
                        if (cp != replacement) {
                            out.appendCodePoint(cp);
                        } else if (!drop) {
                            out.append(' ');
                        }
                    });
                    next.accept(new Chunk(out.toString(), chunk.tokenStart(), chunk.tokenEnd()));
                }

                @Override
                public void finish(Consumer<Chunk> next) {
                }
            };
        }
    }

    /**
     * GPT-2 byte-level: every token's characters map back to bytes (a token with a character
     * outside the byte alphabet contributes its own UTF-8 bytes), and all bytes together are
     * decoded as one lossy UTF-8 text, emitted as far as complete characters reach.
     */
    record ByteLevel() implements DecoderStep {
        @Override
        public DecodeStage newStage() {
            return new DecodeStage.WholeTokens() {
                private final Utf8.LossyDecoder utf8 = new Utf8.LossyDecoder();
                private boolean started;

                @Override
                void token(String token, Consumer<Chunk> next) {
                    StringBuilder out = new StringBuilder();
                    if (token.codePoints().allMatch(cp -> ByteLevelAlphabet.byteOf(cp) >= 0)) {
                        token.codePoints().forEach(cp -> utf8.push(ByteLevelAlphabet.byteOf(cp), out));
                    } else {
                        for (byte b : Utf8.encode(token)) {
                            utf8.push(b & 0xFF, out);
                        }
                    }
                    if (!out.isEmpty()) {
                        next.accept(new Chunk(out.toString(), !started, false));
                        started = true;
                    }
                }

                @Override
                public void finish(Consumer<Chunk> next) {
                    StringBuilder out = new StringBuilder();
                    utf8.finish(out);
                    next.accept(new Chunk(out.toString(), !started, true));
                    started = true;
                }
            };
        }
    }

    /** What the Rust tokenizers do without a decoder: tokens joined by single spaces. */
    record JoinWithSpaces() implements DecoderStep {
        @Override
        public DecodeStage newStage() {
            return new DecodeStage() {
                private boolean seenToken;

                @Override
                public void accept(Chunk chunk, Consumer<Chunk> next) {
                    String text = chunk.text();
                    if (chunk.tokenStart()) {
                        if (seenToken) {
                            text = " " + text;
                        }
                        seenToken = true;
                    }
                    next.accept(new Chunk(text, chunk.tokenStart(), chunk.tokenEnd()));
                }

                @Override
                public void finish(Consumer<Chunk> next) {
                }
            };
        }
    }
}
