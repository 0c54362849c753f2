package org.specscope.engine.model.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 helpers with the exact semantics the Rust tokenizers rely on: strict validation (a
 * byte-fallback run either decodes cleanly or not at all), a byte-at-a-time lossy decoder that
 * replaces each maximal invalid subpart with one U+FFFD (as {@code String::from_utf8_lossy}
 * and WHATWG do) and holds back an incomplete sequence instead of emitting half a character,
 * and lone-surrogate-safe encoding.
 */
final class Utf8 {

    static final int REPLACEMENT = 0xFFFD;

    private Utf8() {
    }

    /** The UTF-8 bytes of a string in which every unpaired surrogate was already replaced. */
    static byte[] encode(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The text with each unpaired surrogate replaced by U+FFFD: text a Rust string could hold. */
    static String withoutLoneSurrogates(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    return replaceLoneSurrogates(text);
                }
                i++;
            }
        }
        return text;
    }

    private static String replaceLoneSurrogates(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                sb.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append((char) REPLACEMENT);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Whether {@code bytes[0..length)} is well-formed UTF-8. */
    static boolean isValid(byte[] bytes, int length) {
        LossyDecoder decoder = new LossyDecoder();
        StringBuilder sink = new StringBuilder();
        for (int i = 0; i < length; i++) {
            decoder.push(bytes[i] & 0xFF, sink);
        }
        decoder.finish(sink);
        return !decoder.replacedAny;
    }

    /**
     * Decodes a byte stream one byte at a time. Complete characters are appended as soon as
     * their last byte arrives; an incomplete tail waits for more bytes or for {@link #finish}.
     */
    static final class LossyDecoder {
        private int needed;
        private int codePoint;
        private int lower = 0x80;
        private int upper = 0xBF;
        private boolean replacedAny;

        void push(int b, StringBuilder out) {
            if (needed == 0) {
                start(b, out);
                return;
            }
            if (b >= lower && b <= upper) {
                codePoint = (codePoint << 6) | (b & 0x3F);
                lower = 0x80;
                upper = 0xBF;
                if (--needed == 0) {
                    out.appendCodePoint(codePoint);
                }
            } else {
                // The sequence so far is a maximal invalid subpart: one replacement, then the
                // offending byte starts afresh.
                replace(out);
                needed = 0;
                start(b, out);
            }
        }

        private void start(int b, StringBuilder out) {
            lower = 0x80;
            upper = 0xBF;
            if (b < 0x80) {
                out.append((char) b);
            } else if (b >= 0xC2 && b <= 0xDF) {
                needed = 1;
                codePoint = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                needed = 2;
                codePoint = b & 0x0F;
                if (b == 0xE0) {
                    lower = 0xA0;
                } else if (b == 0xED) {
                    upper = 0x9F;
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                needed = 3;
                codePoint = b & 0x07;
                if (b == 0xF0) {
                    lower = 0x90;
                } else if (b == 0xF4) {
                    upper = 0x8F;
                }
            } else {
                replace(out);
            }
        }

        /** Ends the stream: an incomplete trailing sequence becomes one U+FFFD. */
        void finish(StringBuilder out) {
            if (needed > 0) {
                replace(out);
                needed = 0;
            }
        }

        private void replace(StringBuilder out) {
            out.append((char) REPLACEMENT);
            replacedAny = true;
        }
    }
}
