package org.specscope.engine.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pre_tokenizer} of tokenizer.json: cuts normalised text into the words the BPE
 * model merges within (merges never cross a word boundary), rewriting them on the way where
 * the scheme says so (spaces to "▁", bytes to the GPT-2 alphabet). Empty words are dropped.
 */
sealed interface PreTokenizer {

    /** Leaves text as one word (tokenizer.json's {@code "pre_tokenizer": null}). */
    PreTokenizer NONE = new Sequence(List.of());

    /** Emits the words of one piece, in order. */
    void split(TextPiece piece, Consumer<TextPiece> out);

    /** SentencePiece word marking: spaces become the replacement character. */
    record Metaspace(int replacement, PrependScheme prependScheme, boolean splitWords) implements PreTokenizer {

        /** When a replacement character is put before text that does not already start with one. */
        enum PrependScheme { ALWAYS, FIRST, NEVER }

        @Override
        public void split(TextPiece piece, Consumer<TextPiece> out) {
            String rep = Character.toString(replacement);
            String text = piece.text().replace(" ", rep);
            boolean prepend = switch (prependScheme) {
                case ALWAYS -> true;
                case FIRST -> piece.atInputStart();
                case NEVER -> false;
            };
            if (prepend && !text.startsWith(rep)) {
                text = rep + text;
            }
            TextPiece rewritten = piece.withText(text);
            if (!splitWords) {
                emitNonEmpty(rewritten, out);
                return;
            }
            List<int[]> matches = new ArrayList<>();
            for (int i = text.indexOf(rep); i >= 0; i = text.indexOf(rep, i + rep.length())) {
                matches.add(new int[] {i, i + rep.length()});
            }
            for (int[] p : SplitBehavior.MERGED_WITH_NEXT.split(text.length(), matches, false)) {
                out.accept(rewritten.slice(p[0], p[1]));
            }
        }
    }

    /** GPT-2 byte-level: optionally split with the GPT-2 regex, then spell each word's UTF-8 bytes in the byte alphabet. */
    record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {

        /** The GPT-2 split pattern; Unicode-aware like the Oniguruma original. */
        static final Pattern GPT2_PATTERN = Pattern.compile(
                "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
                Pattern.UNICODE_CHARACTER_CLASS);

        @Override
        public void split(TextPiece piece, Consumer<TextPiece> out) {
            TextPiece p = piece;
            if (addPrefixSpace && !p.text().startsWith(" ")) {
                p = p.withText(" " + p.text());
            }
            if (!useRegex) {
                emitNonEmpty(p.withText(ByteLevelAlphabet.encode(p.text())), out);
                return;
            }
            List<int[]> parts = SplitBehavior.ISOLATED.split(p.text().length(), findAll(GPT2_PATTERN, p.text()), false);
            for (int[] part : parts) {
                TextPiece word = p.slice(part[0], part[1]);
                out.accept(word.withText(ByteLevelAlphabet.encode(word.text())));
            }
        }
    }

    /** Splits on a regular expression or literal string. */
    record Split(Pattern pattern, SplitBehavior behavior, boolean invert) implements PreTokenizer {
        @Override
        public void split(TextPiece piece, Consumer<TextPiece> out) {
            String text = piece.text();
            for (int[] p : behavior.split(text.length(), findAll(pattern, text), invert)) {
                out.accept(piece.slice(p[0], p[1]));
            }
        }
    }

    /** Separates digits from other text: each digit alone, or runs of digits together. */
    record Digits(boolean individualDigits) implements PreTokenizer {
        @Override
        public void split(TextPiece piece, Consumer<TextPiece> out) {
            String text = piece.text();
            List<int[]> matches = new ArrayList<>();
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                int next = i + Character.charCount(cp);
                if (UnicodeClasses.isNumeric(cp)) {
                    matches.add(new int[] {i, next});
                }
                i = next;
            }
            SplitBehavior behavior = individualDigits ? SplitBehavior.ISOLATED : SplitBehavior.CONTIGUOUS;
            for (int[] p : behavior.split(text.length(), matches, false)) {
                out.accept(piece.slice(p[0], p[1]));
            }
        }
    }

    /** Applies each pre-tokenizer to every word the previous one produced. */
    record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
        public Sequence {
            steps = List.copyOf(steps);
        }

        @Override
        public void split(TextPiece piece, Consumer<TextPiece> out) {
            List<TextPiece> current = List.of(piece);
            for (PreTokenizer step : steps) {
                List<TextPiece> next = new ArrayList<>();
                for (TextPiece p : current) {
                    step.split(p, next::add);
                }
                current = next;
            }
            for (TextPiece p : current) {
                emitNonEmpty(p, out);
            }
        }
    }

    private static void emitNonEmpty(TextPiece piece, Consumer<TextPiece> out) {
        if (!piece.text().isEmpty()) {
            out.accept(piece);
        }
    }

    /** All matches of a pattern as {@code [start, end)} spans, empty ones included. */
    static List<int[]> findAll(Pattern pattern, String text) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        return spans;
    }
}
