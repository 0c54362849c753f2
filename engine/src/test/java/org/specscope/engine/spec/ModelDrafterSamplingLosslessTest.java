package org.specscope.engine.spec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.specscope.engine.generate.Sampler;
import org.specscope.engine.generate.SamplingParams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sampled draft trees, pruned to a node budget by the drafter, verified by rejection sampling:
 * the tokens that come out must follow the target exactly. Bigram models on six tokens make the
 * target's distribution of the next two tokens known; a chi-square test compares.
 *
 * <p>This is the test that pruning a sampled tree by what its draws turned out to be would fail:
 * the budget must choose children by slot, not by the token a draw produced.
 */
class ModelDrafterSamplingLosslessTest {

    private static final int V = 6;
    private static final int TRIALS = 150_000;

    // Target and draft disagree on purpose; rows are "the next token after row's token".
    private static final double[][] TARGET = distributions(5, 3);
    private static final double[][] DRAFT = distributions(2, 7);

    @ParameterizedTest(name = "{0} at T={1} top-k {2}")
    @CsvSource({
            "3, 3, 4, 1.0, 0, 35",    // 12 candidates, 4 kept: most drawn children are pruned
            "3, 2, 3, 1.0, 0, 35",    // a deeper, narrower tree
            "2, 3, 4, 0.7, 4, 15"})   // temperature and top-k: draft and target both processed
    void theFirstTwoEmittedTokensFollowTheTarget(int depth, int topK, int nodes, double temperature, int samplingTopK,
                                                int degreesOfFreedom) {
        SamplingParams params = new SamplingParams(temperature, samplingTopK, 1.0, 0);
        TreeShape shape = new TreeShape(depth, topK, nodes);
        BigramRunner draft = new BigramRunner(BigramRunner.logitsOf(DRAFT));
        BigramRunner target = new BigramRunner(BigramRunner.logitsOf(TARGET));
        ModelDrafter drafter = new ModelDrafter("bigram", draft, 0, 0, V, ModelDrafter.cacheCapacity(4, shape));
        int[] context = {2, 0};
        SplittableRandom random = new SplittableRandom(21);
        long[] counts = new long[V * V];
        java.util.Set<List<Integer>> shapes = new java.util.HashSet<>();
        for (int t = 0; t < TRIALS; t++) {
            DraftTree tree = drafter.draft(context, shape, params, random);
            shapes.add(java.util.Arrays.stream(tree.parents()).boxed().toList());
            Acceptance a = TreeVerifier.verify(tree, targetLogits(target, tree), params, random);
            List<Integer> out = new ArrayList<>(Arrays.stream(a.emittedTokens(tree)).boxed().toList());
            if (out.size() == 1) {
                out.add(TokenDistributions.sample(Sampler.probabilities(target.row(out.get(0)), params), random));   // the next step, drafting nothing
            }
            counts[out.get(0) * V + out.get(1)]++;
        }
        double[] expected = new double[V * V];
        double[] first = Sampler.probabilities(target.row(0), params);
        for (int x = 0; x < V; x++) {
            double[] second = Sampler.probabilities(target.row(x), params);
            for (int y = 0; y < V; y++) {
                expected[x * V + y] = first[x] * second[y];
            }
        }
        assertThat(shapes).as("the budget shapes the tree by what was drawn").hasSizeGreaterThan(1);
        assertThat(ChiSquare.degreesOfFreedom(expected)).isEqualTo(degreesOfFreedom);
        assertThat(ChiSquare.statistic(counts, expected, TRIALS)).isLessThan(ChiSquare.critical(degreesOfFreedom));
    }

    private static org.specscope.engine.backend.Logits targetLogits(BigramRunner target, DraftTree tree) {
        float[] values = new float[tree.size() * V];
        for (int node = 0; node < tree.size(); node++) {
            System.arraycopy(target.row(tree.token(node)), 0, values, node * V, V);
        }
        return new org.specscope.engine.backend.Logits(0, tree.size(), V, values);
    }


    /** A positive distribution per token, varied by the two salts. */
    private static double[][] distributions(int a, int b) {
        double[][] d = new double[V][V];
        for (int x = 0; x < V; x++) {
            double sum = 0;
            for (int y = 0; y < V; y++) {
                d[x][y] = 1 + ((x * a + y * b) % 7) * ((y + x) % 3 + 1);
                sum += d[x][y];
            }
            for (int y = 0; y < V; y++) {
                d[x][y] /= sum;
            }
        }
        return d;
    }
}
