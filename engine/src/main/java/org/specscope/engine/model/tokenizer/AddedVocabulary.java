package org.specscope.engine.model.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens in text so they bypass normalisation and BPE. Matching is leftmost,
 * longest first, like the Rust tokenizers' Aho-Corasick search, and honours each token's
 * single-word and strip flags. Tokens flagged {@code normalized} are looked for in the
 * normalised text, by their normalised spelling.
 */
final class AddedVocabulary {

    private final Map<Integer, AddedToken> byId;
    private final Trie raw;
    private final Trie normalizedForms;

    AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
        this.byId = new HashMap<>();
        this.raw = new Trie();
        this.normalizedForms = new Trie();
        for (AddedToken t : tokens) {
            if (t.content().isEmpty()) {
                continue;
            }
            byId.put(t.id(), t);
            if (t.normalized()) {
                normalizedForms.add(normalizer.normalize(t.content()), t.id());
            } else {
                raw.add(t.content(), t.id());
            }
        }
    }

    /** One part of the input: either an added token or text between them. */
    record Segment(TextPiece text, int addedId) {
        boolean isAdded() {
            return addedId >= 0;
        }
    }

    /** Splits raw input on the tokens that match unnormalised text. */
    List<Segment> splitRaw(TextPiece piece) {
        return split(piece, raw);
    }

    /** Splits normalised text on the tokens that match normalised text. */
    List<Segment> splitNormalized(TextPiece piece) {
        return split(piece, normalizedForms);
    }

    private List<Segment> split(TextPiece piece, Trie trie) {
        String text = piece.text();
        List<Segment> out = new ArrayList<>();
        if (trie.isEmpty()) {
            out.add(new Segment(piece, -1));
            return out;
        }
        int consumed = 0;
        int from = 0;
        while (from < text.length()) {
            int[] match = trie.leftmostLongest(text, from);
            if (match == null) {
                break;
            }
            int start = match[0];
            int stop = match[1];
            AddedToken token = byId.get(match[2]);
            from = stop;
            if (token.singleWord() && !standsAlone(text, start, stop)) {
                continue;
            }
            if (token.leftStrip()) {
                int s = start;
                while (s > consumed && UnicodeClasses.isWhiteSpace(text.codePointBefore(s))) {
                    s -= Character.charCount(text.codePointBefore(s));
                }
                start = s;
            }
            if (token.rightStrip()) {
                while (stop < text.length() && UnicodeClasses.isWhiteSpace(text.codePointAt(stop))) {
                    stop += Character.charCount(text.codePointAt(stop));
                }
                from = stop;
            }
            if (consumed < start) {
                out.add(new Segment(piece.slice(consumed, start), -1));
            }
            out.add(new Segment(piece.slice(start, stop), token.id()));
            consumed = stop;
        }
        if (consumed < text.length() || out.isEmpty()) {
            out.add(new Segment(piece.slice(consumed, text.length()), -1));
        }
        return out;
    }

    private static boolean standsAlone(String text, int start, int stop) {
        boolean wordBefore = start > 0 && UnicodeClasses.isWordChar(text.codePointBefore(start));
        boolean wordAfter = stop < text.length() && UnicodeClasses.isWordChar(text.codePointAt(stop));
        return !wordBefore && !wordAfter;
    }

    /** A character trie over token spellings. */
    private static final class Trie {
        private final Node root = new Node();
        private boolean empty = true;

        void add(String word, int id) {
            Node node = root;
            for (int i = 0; i < word.length(); i++) {
                node = node.children.computeIfAbsent(word.charAt(i), c -> new Node());
            }
            node.id = id;
            empty = false;
        }

        boolean isEmpty() {
            return empty;
        }

        /** {start, end, id} of the leftmost match at or after {@code from}, longest there; null when none. */
        int[] leftmostLongest(String text, int from) {
            for (int i = from; i < text.length(); i++) {
                Node node = root;
                int bestEnd = -1;
                int bestId = -1;
                for (int j = i; j < text.length(); j++) {
                    node = node.children.get(text.charAt(j));
                    if (node == null) {
                        break;
                    }
                    if (node.id >= 0) {
                        bestEnd = j + 1;
                        bestId = node.id;
                    }
                }
                if (bestEnd >= 0) {
                    return new int[] {i, bestEnd, bestId};
                }
            }
            return null;
        }

        private static final class Node {
            final Map<Character, Node> children = new HashMap<>(4);
            int id = -1;
        }
    }
}
