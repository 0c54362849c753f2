package org.specscope.engine.model.tokenizer;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code normalizer} of tokenizer.json: a text-to-text rewrite applied to each stretch of
 * input between added tokens, before pre-tokenisation. Only the kinds BPE checkpoints use are
 * modelled; the loader rejects the rest.
 */
sealed interface Normalizer {

    /** A normaliser that changes nothing (tokenizer.json's {@code "normalizer": null}). */
    Normalizer IDENTITY = new Sequence(List.of());

    String normalize(String text);

    /** Puts a prefix before non-empty text (SentencePiece's leading "▁"). */
    record Prepend(String prefix) implements Normalizer {
        @Override
        public String normalize(String text) {
            return text.isEmpty() ? text : prefix + text;
        }
    }

    /** Replaces every non-overlapping match, leftmost first. */
    record Replace(Pattern pattern, String content) implements Normalizer {
        @Override
        public String normalize(String text) {
            return pattern.matcher(text).replaceAll(Matcher.quoteReplacement(content));
        }
    }

    /** One of the four Unicode normal forms. */
    record UnicodeForm(java.text.Normalizer.Form form) implements Normalizer {
        @Override
        public String normalize(String text) {
            return java.text.Normalizer.normalize(text, form);
        }
    }

    /** Unicode lower-casing, independent of the default locale. */
    record Lowercase() implements Normalizer {
        @Override
        public String normalize(String text) {
            return text.toLowerCase(Locale.ROOT);
        }
    }

    /** Trims Unicode white space from either end. */
    record Strip(boolean left, boolean right) implements Normalizer {
        @Override
        public String normalize(String text) {
            int start = 0;
            int end = text.length();
            while (left && start < end && UnicodeClasses.isWhiteSpace(text.codePointAt(start))) {
                start += Character.charCount(text.codePointAt(start));
            }
            while (right && end > start && UnicodeClasses.isWhiteSpace(text.codePointBefore(end))) {
                end -= Character.charCount(text.codePointBefore(end));
            }
            return text.substring(start, end);
        }
    }

    /** Applies each normaliser in turn. */
    record Sequence(List<Normalizer> steps) implements Normalizer {
        public Sequence {
            steps = List.copyOf(steps);
        }

        @Override
        public String normalize(String text) {
            String result = text;
            for (Normalizer step : steps) {
                result = step.normalize(result);
            }
            return result;
        }
    }
}
