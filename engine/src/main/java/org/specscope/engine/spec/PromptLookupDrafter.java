package org.specscope.engine.spec;

import org.specscope.engine.generate.SamplingParams;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Prompt lookup decoding: no model, only the context. The context's last n tokens (n from
 * {@code maxNgram} down to {@code minNgram}, the longest that occurs earlier) are looked up; the
 * tokens that followed each earlier occurrence are candidate continuations. Merged into a trie,
 * they form the tree: a node's children are ranked by how many occurrences pass through them,
 * then by the most recent occurrence, and a child's draft probability is the share of its
 * parent's occurrences that continue with it. Candidates are chosen deterministically, so the
 * tree records no child distributions (verification treats them as point masses).
 */
public final class PromptLookupDrafter implements Drafter {

    private final int minNgram;
    private final int maxNgram;

    /** n-grams of 1 to 3 tokens. */
    public PromptLookupDrafter() {
        this(1, 3);
    }

    public PromptLookupDrafter(int minNgram, int maxNgram) {
        if (minNgram < 1 || maxNgram < minNgram) {
            throw new IllegalArgumentException("n-gram sizes must satisfy 1 <= min <= max; got " + minNgram + ".."
                    + maxNgram);
        }
        this.minNgram = minNgram;
        this.maxNgram = maxNgram;
    }

    @Override
    public String name() {
        return "prompt lookup (n-gram " + minNgram + ".." + maxNgram + ")";
    }

    @Override
    public DraftTree draft(int[] context, TreeShape shape, SamplingParams sampling, SplittableRandom random) {
        if (context.length == 0) {
            throw new IllegalArgumentException("an empty context: a draft continues at least one committed token");
        }
        int root = context[context.length - 1];
        if (!shape.drafts()) {
            return DraftTree.rootOnly(root);
        }
        Trie trie = new Trie();
        for (int start : occurrences(context)) {
            int end = Math.min(context.length, start + shape.depth());
            trie.insert(context, start, end);
        }
        DraftCandidates candidates = new DraftCandidates(root);
        addChildren(trie.root, trie.root.matches, 0, candidates, shape.topK());
        return candidates.keepBest(shape.totalNodes());
    }

    /**
     * Where continuations start: the position after each earlier occurrence of the context's
     * last n tokens, for the longest n (max..min) that occurs at all, most recent first.
     */
    List<Integer> occurrences(int[] context) {
        int len = context.length;
        for (int n = Math.min(maxNgram, len - 1); n >= minNgram; n--) {
            List<Integer> starts = new ArrayList<>();
            // An occurrence ending before the last token leaves at least one token to propose.
            for (int s = len - n - 1; s >= 0; s--) {
                if (matches(context, s, len - n, n)) {
                    starts.add(s + n);
                }
            }
            if (!starts.isEmpty()) {
                return starts;
            }
        }
        return List.of();
    }

    private static boolean matches(int[] context, int a, int b, int n) {
        for (int i = 0; i < n; i++) {
            if (context[a + i] != context[b + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Proposes the topK best children of a trie node under candidate {@code parent}, recursively.
     * A node's rank is the log of the share of all occurrences through it (the product of the
     * shares down its path, computed in one step so that equal shares tie exactly).
     */
    private static void addChildren(TrieNode node, int occurrences, int parent, DraftCandidates candidates, int topK) {
        List<TrieNode> ranked = node.children.stream()
                .sorted(Comparator.comparingInt((TrieNode c) -> c.matches).reversed()
                        .thenComparing(Comparator.comparingInt((TrieNode c) -> c.latestStart).reversed()))
                .limit(topK)
                .toList();
        for (TrieNode child : ranked) {
            float share = (float) child.matches / node.matches;
            int id = candidates.add(parent, child.token, share, Math.log((double) child.matches / occurrences));
            addChildren(child, occurrences, id, candidates, topK);
        }
    }

    /** Continuations merged by common prefix, each node counting the occurrences through it. */
    private static final class Trie {
        final TrieNode root = new TrieNode(-1);

        void insert(int[] context, int start, int end) {
            TrieNode node = root;
            node.record(start);
            for (int i = start; i < end; i++) {
                node = node.child(context[i]);
                node.record(start);
            }
        }
    }

    private static final class TrieNode {
        final int token;
        final List<TrieNode> children = new ArrayList<>();
        int matches;
        int latestStart = -1;

        TrieNode(int token) {
            this.token = token;
        }

        void record(int start) {
            matches++;
            latestStart = Math.max(latestStart, start);
        }

        TrieNode child(int childToken) {
            for (TrieNode c : children) {
                if (c.token == childToken) {
                    return c;
                }
            }
            TrieNode c = new TrieNode(childToken);
            children.add(c);
            return c;
        }
    }
}
