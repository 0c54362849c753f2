package org.specscope.engine.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.generate.SamplingParams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TreeVerifierTest {

    private static final SamplingParams GREEDY = SamplingParams.greedy();
    private static final SamplingParams SAMPLE = new SamplingParams(1.0, 0, 1.0, 0);
    private static final int TRIALS = 200_000;

    // A target and a draft that disagree: the draft favours tokens 1 and 3, the target 0 and 4.
    private static final double[] P = {0.30, 0.05, 0.20, 0.15, 0.25, 0.05};
    private static final double[] Q = {0.10, 0.40, 0.05, 0.25, 0.05, 0.15};
    private static final int V = P.length;

    // ---- greedy ------------------------------------------------------------------------------

    //            root(7)
    //           /       \
    //      n1(2)         n2(3)
    //        |             |
    //      n3(4)         n4(1)
    private static final DraftTree HAND_MADE = new DraftTree(new int[]{7, 2, 3, 4, 1}, new int[]{-1, 0, 0, 1, 2},
            new float[]{1, .5f, .4f, .9f, .8f}, new float[]{0, -.69f, -.92f, -.8f, -1.1f}, null);

    @Test
    void greedyFollowsTheTargetsArgmaxDownTheTreeAndAddsTheArgmaxAfterTheLastAcceptedNode() {
        Logits logits = oneHotRows(8, 3, 0, 1, 0, 6);   // root wants 3 (n2), n2 wants 1 (n4), n4 wants 6
        Acceptance a = TreeVerifier.verify(HAND_MADE, logits, GREEDY, null);

        assertThat(a.path()).containsExactly(0, 2, 4);
        assertThat(a.acceptedDrafts()).isEqualTo(2);
        assertThat(a.bonusToken()).isEqualTo(6);
        assertThat(a.targetTop()).containsExactly(3, 0, 1, 0, 6);
    }

    @Test
    void greedyStopsAtTheRootWhenNoChildCarriesTheArgmax() {
        Logits logits = oneHotRows(8, 5, 4, 1, 0, 0);   // root wants 5: neither child
        Acceptance a = TreeVerifier.verify(HAND_MADE, logits, GREEDY, null);

        assertThat(a.path()).containsExactly(0);
        assertThat(a.bonusToken()).isEqualTo(5);
    }

    @Test
    void greedyStopsAtTheFirstMismatchBelowTheRoot() {
        Logits logits = oneHotRows(8, 2, 7, 1, 0, 0);   // root wants 2 (n1), n1 wants 7 but n1's child is 4
        Acceptance a = TreeVerifier.verify(HAND_MADE, logits, GREEDY, null);

        assertThat(a.path()).containsExactly(0, 1);
        assertThat(a.bonusToken()).isEqualTo(7);
    }

    @Test
    void greedyTargetProbabilitiesAreTheTemperatureOneSoftmaxAtTheParent() {
        float[] root = {0, 0, 2, 1, 0, 0, 0, 0};
        float[] n1 = {0, 0, 0, 0, 3, 0, 0, 0};
        float[] n2 = {1, 1, 1, 1, 1, 1, 1, 1};
        Logits logits = rows(root, n1, n2, n2, n2);
        Acceptance a = TreeVerifier.verify(HAND_MADE, logits, GREEDY, null);

        double rootSum = 6 + Math.exp(2) + Math.exp(1);
        assertThat(a.targetProbs()[0]).isEqualTo(1f);
        assertThat((double) a.targetProbs()[1]).isCloseTo(Math.exp(2) / rootSum, within(1e-6));
        assertThat((double) a.targetProbs()[2]).isCloseTo(Math.exp(1) / rootSum, within(1e-6));
        assertThat((double) a.targetProbs()[3]).isCloseTo(Math.exp(3) / (7 + Math.exp(3)), within(1e-6));
        assertThat((double) a.targetProbs()[4]).isCloseTo(1.0 / 8, within(1e-6));
    }

    @Test
    void theLogitsMustHaveOneRowPerNode() {
        assertThatThrownBy(() -> TreeVerifier.verify(HAND_MADE, oneHotRows(8, 1, 2), GREEDY, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 rows").hasMessageContaining("5-node");
    }

    // ---- the acceptance math -----------------------------------------------------------------

    @Test
    void aCandidateIsAcceptedWithProbabilityMinOneAndPOverQ() {
        assertThat(TreeVerifier.acceptanceProbability(0.2, 0.4)).isEqualTo(0.5);
        assertThat(TreeVerifier.acceptanceProbability(0.6, 0.3)).isEqualTo(1.0);
        assertThat(TreeVerifier.acceptanceProbability(0.0, 0.3)).isEqualTo(0.0);
        assertThat(TreeVerifier.acceptanceProbability(0.3, 1.0)).as("a point mass").isEqualTo(0.3);
    }

    @Test
    void theResidualIsTheNormalisedPartOfPThatQUnderCovers() {
        double[] r = TreeVerifier.residual(new double[]{0.5, 0.3, 0.2}, new double[]{0.2, 0.6, 0.2});
        assertThat(r).containsExactly(new double[]{1.0, 0.0, 0.0}, within(1e-12));
        double[] r2 = TreeVerifier.residual(new double[]{0.5, 0.3, 0.2}, new double[]{0.1, 0.1, 0.8});
        assertThat(r2).containsExactly(new double[]{0.4 / 0.6, 0.2 / 0.6, 0.0}, within(1e-12));
    }

    @Test
    void rejectingAPointMassZeroesItsTokenAndRenormalises() {
        double[] r = TreeVerifier.withoutToken(new double[]{0.5, 0.3, 0.2}, 0);
        assertThat(r).containsExactly(new double[]{0.0, 0.6, 0.4}, within(1e-12));
        assertThat(TreeVerifier.residual(new double[]{0.5, 0.3, 0.2}, new double[]{1, 0, 0}))
                .as("a point mass's residual is the same thing").containsExactly(r, within(1e-12));
    }

    // ---- sampling: the emitted tokens follow the target ----------------------------------------

    enum Candidates { SAMPLED_WITHOUT_REPLACEMENT, POINT_MASSES }

    @ParameterizedTest
    @EnumSource(Candidates.class)
    void theFirstEmittedTokenFollowsTheTarget(Candidates kind) {
        SplittableRandom random = new SplittableRandom(11);
        long[] counts = new long[V];
        for (int t = 0; t < TRIALS; t++) {
            DraftTree tree = oneLevelTree(kind, 3, random);
            Acceptance a = TreeVerifier.verify(tree, logRows(tree, node -> P), SAMPLE, random);
            counts[Arrays.stream(a.emittedTokens(tree)).boxed().toList().get(0)]++;
        }
        assertThat(ChiSquare.statistic(counts, P, TRIALS)).as("chi-square of %s", java.util.Arrays.toString(counts))
                .isLessThan(ChiSquare.critical(5));
    }

    @ParameterizedTest
    @EnumSource(Candidates.class)
    void theFirstTwoEmittedTokensFollowTheTargetThroughADepthTwoTree(Candidates kind) {
        double[][] p2 = secondLevel(3);
        double[][] q2 = secondLevel(17);
        SplittableRandom random = new SplittableRandom(12);
        long[] counts = new long[V * V];
        for (int t = 0; t < TRIALS; t++) {
            DraftTree tree = twoLevelTree(kind, 2, q2, random);
            Acceptance a = TreeVerifier.verify(tree, logRows(tree, node -> tree.depth(node) == 0 ? P
                    : tree.depth(node) == 1 ? p2[tree.token(node)] : Q), SAMPLE, random);
            List<Integer> out = new ArrayList<>(Arrays.stream(a.emittedTokens(tree)).boxed().toList());
            if (out.size() == 1) {
                out.add(TokenDistributions.sample(p2[out.get(0)], random));   // the next step, drafting nothing
            }
            counts[out.get(0) * V + out.get(1)]++;
        }
        double[] expected = new double[V * V];
        for (int x = 0; x < V; x++) {
            for (int y = 0; y < V; y++) {
                expected[x * V + y] = P[x] * p2[x][y];
            }
        }
        assertThat(ChiSquare.statistic(counts, expected, TRIALS)).isLessThan(ChiSquare.critical(35));
    }

    @Test
    void theTestDetectsARejectionThatForgetsToUpdateTheResidual() {
        SplittableRandom random = new SplittableRandom(13);
        long[] correct = new long[V];
        long[] biased = new long[V];
        for (int t = 0; t < TRIALS; t++) {
            int[] drafts = TokenDistributions.drawWithoutReplacement(Q, 3, random);
            correct[TreeVerifier.acceptAmong(P, drafts, Q, random).token()]++;
            biased[acceptAmongWithoutResidual(P, drafts, Q, random)]++;
        }
        assertThat(ChiSquare.statistic(correct, P, TRIALS)).isLessThan(ChiSquare.critical(5));
        assertThat(ChiSquare.statistic(biased, P, TRIALS)).isGreaterThan(10 * ChiSquare.critical(5));
    }

    /** A plausible mistake: on rejection keep sampling against p itself instead of the residual. */
    private static int acceptAmongWithoutResidual(double[] p, int[] candidates, double[] q, SplittableRandom random) {
        double[] qi = q.clone();
        for (int c : candidates) {
            if (random.nextDouble() < TreeVerifier.acceptanceProbability(p[c], qi[c])) {
                return c;
            }
            qi = TreeVerifier.withoutToken(qi, c);
        }
        return TokenDistributions.sample(p, random);
    }

    @Test
    void whenTheDraftIsTheTargetEveryDrawnCandidateIsAccepted() {
        SplittableRandom random = new SplittableRandom(14);
        double[][] p2 = secondLevel(3);
        for (int t = 0; t < 10_000; t++) {
            DraftTree tree = twoLevelTree(Candidates.SAMPLED_WITHOUT_REPLACEMENT, 2, p2, P, random);
            Acceptance a = TreeVerifier.verify(tree, logRows(tree, node -> tree.depth(node) == 0 ? P
                    : tree.depth(node) == 1 ? p2[tree.token(node)] : Q), SAMPLE, random);
            assertThat(a.acceptedDrafts()).isEqualTo(2);
            assertThat(a.path()[1]).as("the first-drawn child").isEqualTo(tree.children(0)[0]);
        }
    }

    // ---- trees and logits ----------------------------------------------------------------------

    /** The root's children: drawn without replacement from Q as the drafter draws them, or fixed tokens. */
    private static DraftTree oneLevelTree(Candidates kind, int m, SplittableRandom random) {
        int[] children = children(kind, Q, m, random);
        int n = children.length + 1;
        int[] tokens = new int[n];
        int[] parents = new int[n];
        parents[0] = -1;
        for (int i = 1; i < n; i++) {
            tokens[i] = children[i - 1];
        }
        float[][] distributions = kind == Candidates.POINT_MASSES ? null : new float[n][];
        if (distributions != null) {
            distributions[0] = floats(Q);
        }
        return new DraftTree(tokens, parents, new float[n], new float[n], distributions);
    }

    private static DraftTree twoLevelTree(Candidates kind, int m, double[][] q2, SplittableRandom random) {
        return twoLevelTree(kind, m, q2, Q, random);
    }

    /** m children of the root from {@code q1}, and m children of each of them from {@code q2[token]}. */
    private static DraftTree twoLevelTree(Candidates kind, int m, double[][] q2, double[] q1, SplittableRandom random) {
        int[] first = children(kind, q1, m, random);
        List<Integer> tokens = new ArrayList<>(List.of(0));
        List<Integer> parents = new ArrayList<>(List.of(-1));
        List<float[]> distributions = new ArrayList<>();
        distributions.add(floats(q1));
        for (int c : first) {
            tokens.add(c);
            parents.add(0);
            distributions.add(floats(q2[c]));
        }
        for (int i = 0; i < first.length; i++) {
            for (int g : children(kind, q2[first[i]], m, random)) {
                tokens.add(g);
                parents.add(i + 1);
                distributions.add(null);
            }
        }
        int n = tokens.size();
        return new DraftTree(tokens.stream().mapToInt(Integer::intValue).toArray(),
                parents.stream().mapToInt(Integer::intValue).toArray(), new float[n], new float[n],
                kind == Candidates.POINT_MASSES ? null : distributions.toArray(float[][]::new));
    }

    /** Fixed point-mass candidates deliberately include tokens the target rarely wants. */
    private static int[] children(Candidates kind, double[] q, int m, SplittableRandom random) {
        return kind == Candidates.SAMPLED_WITHOUT_REPLACEMENT
                ? TokenDistributions.drawWithoutReplacement(q, m, random)
                : TokenDistributions.mostProbable(q, m);
    }

    /** A second-level distribution per first token, all positive, varied by {@code salt}. */
    private static double[][] secondLevel(int salt) {
        double[][] d = new double[V][V];
        for (int x = 0; x < V; x++) {
            double sum = 0;
            for (int y = 0; y < V; y++) {
                d[x][y] = 1 + ((x * 7 + y * salt) % 11);
                sum += d[x][y];
            }
            for (int y = 0; y < V; y++) {
                d[x][y] /= sum;
            }
        }
        return d;
    }


    /** Logits whose temperature-1 softmax is {@code distribution.of(node)} for every node. */
    private static Logits logRows(DraftTree tree, java.util.function.IntFunction<double[]> distribution) {
        float[][] rows = new float[tree.size()][];
        for (int node = 0; node < tree.size(); node++) {
            double[] d = distribution.apply(node);
            rows[node] = new float[d.length];
            for (int v = 0; v < d.length; v++) {
                rows[node][v] = (float) Math.log(d[v]);
            }
        }
        return rows(rows);
    }

    private static Logits oneHotRows(int vocab, int... argmaxes) {
        float[][] rows = new float[argmaxes.length][vocab];
        for (int r = 0; r < argmaxes.length; r++) {
            rows[r][argmaxes[r]] = 5;
        }
        return rows(rows);
    }

    private static Logits rows(float[]... rows) {
        int vocab = rows[0].length;
        float[] values = new float[rows.length * vocab];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, values, r * vocab, vocab);
        }
        return new Logits(0, rows.length, vocab, values);
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
