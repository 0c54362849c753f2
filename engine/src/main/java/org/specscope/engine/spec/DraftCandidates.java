package org.specscope.engine.spec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Every node a drafter proposed while growing a tree (EAGLE-2's candidates), and the step that
 * turns them into a {@link DraftTree}: keep the best nodes within the budget, number them
 * breadth-first.
 *
 * <p>Each candidate carries a rank, the score the budget compares. For deterministic children
 * it is the cumulative log-probability. Children are added in proposal order and a drafter must
 * give siblings non-increasing ranks (a node's children best first, each child no better than
 * its parent): then the kept set is closed under parents and, among siblings, a prefix of the
 * proposal order, which sampled children need (see {@link ModelDrafter}).
 */
final class DraftCandidates {

    private final IntList tokens = new IntList();
    private final IntList parents = new IntList();
    private final IntList depths = new IntList();
    private final List<Float> draftProbs = new ArrayList<>();
    private final List<Float> logScores = new ArrayList<>();
    private final List<Double> ranks = new ArrayList<>();
    private final List<float[]> childDistributions = new ArrayList<>();
    private final List<IntList> children = new ArrayList<>();

    /** Candidate 0: the root, the last committed token. */
    DraftCandidates(int rootToken) {
        append(rootToken, -1, 0, 1f, 0f, 0.0);
    }

    /**
     * Proposes {@code token} as the next child of {@code parent}.
     *
     * @param rank the score the budget keeps nodes by; at most the parent's and at most the
     *             previous sibling's
     * @return the candidate's index
     */
    int add(int parent, int token, float draftProb, double rank) {
        float logScore = logScores.get(parent) + (float) Math.log(draftProb);
        return append(token, parent, depths.get(parent) + 1, draftProb, logScore, rank);
    }

    private int append(int token, int parent, int depth, float draftProb, float logScore, double rank) {
        int id = tokens.size();
        tokens.add(token);
        parents.add(parent);
        depths.add(depth);
        draftProbs.add(draftProb);
        logScores.add(logScore);
        ranks.add(rank);
        childDistributions.add(null);
        children.add(new IntList());
        if (parent >= 0) {
            children.get(parent).add(id);
        }
        return id;
    }

    /** Records the distribution {@code node}'s children were drawn from (sampled children only). */
    void setChildDistribution(int node, float[] q) {
        childDistributions.set(node, q);
    }

    int size() {
        return tokens.size();
    }

    int token(int node) {
        return tokens.get(node);
    }

    int parent(int node) {
        return parents.get(node);
    }

    int depth(int node) {
        return depths.get(node);
    }

    double rank(int node) {
        return ranks.get(node);
    }

    /** Best first: higher rank, then shallower, then the earlier proposal (so parents precede children, siblings in order). */
    Comparator<Integer> bestFirst() {
        return Comparator.<Integer>comparingDouble(this::rank).reversed().thenComparingInt(this::depth)
                .thenComparingInt(i -> i);
    }

    /**
     * The root and the best {@code budget} other candidates, as a breadth-first tree. Chosen
     * best-first among the candidates whose parent and previous sibling are already kept: with
     * ranks non-increasing down the tree and along siblings this is simply the top of the
     * ranking, and the closure holds even where ranks tie or a drafter's ranks do not fall.
     */
    DraftTree keepBest(int budget) {
        boolean[] kept = new boolean[size()];
        kept[0] = true;
        PriorityQueue<Integer> eligible = new PriorityQueue<>(bestFirst());
        offerFirstChild(0, eligible);
        for (int keptCount = 0; keptCount < budget && !eligible.isEmpty(); keptCount++) {
            int node = eligible.poll();
            kept[node] = true;
            offerFirstChild(node, eligible);
            IntList siblings = children.get(parents.get(node));
            int next = siblings.indexOf(node) + 1;
            if (next < siblings.size()) {
                eligible.add(siblings.get(next));
            }
        }
        return breadthFirst(kept);
    }

    private void offerFirstChild(int node, PriorityQueue<Integer> eligible) {
        if (children.get(node).size() > 0) {
            eligible.add(children.get(node).get(0));
        }
    }

    /** Renumbers the kept candidates: parents before children, siblings in proposal order. */
    private DraftTree breadthFirst(boolean[] kept) {
        IntList order = new IntList();
        int[] newIndex = new int[size()];
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(0));
        while (!queue.isEmpty()) {
            int node = queue.poll();
            newIndex[node] = order.size();
            order.add(node);
            IntList kids = children.get(node);
            for (int i = 0; i < kids.size(); i++) {
                if (kept[kids.get(i)]) {
                    queue.add(kids.get(i));
                }
            }
        }
        int n = order.size();
        int[] treeTokens = new int[n];
        int[] treeParents = new int[n];
        float[] treeProbs = new float[n];
        float[] treeScores = new float[n];
        float[][] distributions = new float[n][];
        boolean anyDistribution = false;
        for (int i = 0; i < n; i++) {
            int node = order.get(i);
            treeTokens[i] = tokens.get(node);
            treeParents[i] = node == 0 ? -1 : newIndex[parents.get(node)];
            treeProbs[i] = draftProbs.get(node);
            treeScores[i] = logScores.get(node);
            boolean hasKeptChild = Arrays.stream(children.get(node).toArray()).anyMatch(c -> kept[c]);
            if (hasKeptChild && childDistributions.get(node) != null) {
                distributions[i] = childDistributions.get(node);
                anyDistribution = true;
            }
        }
        return new DraftTree(treeTokens, treeParents, treeProbs, treeScores, anyDistribution ? distributions : null);
    }

    /** A growable int array (candidate lists stay small: tens to hundreds of nodes). */
    static final class IntList {
        private int[] values = new int[8];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int get(int i) {
            return values[i];
        }

        int size() {
            return size;
        }

        int indexOf(int v) {
            for (int i = 0; i < size; i++) {
                if (values[i] == v) {
                    return i;
                }
            }
            return -1;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
