package org.specscope.engine.spec;

import org.junit.jupiter.api.Test;
import org.specscope.engine.generate.SamplingParams;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PromptLookupDrafterTest {

    private static final SamplingParams GREEDY = SamplingParams.greedy();
    private static final SplittableRandom UNUSED = new SplittableRandom(0);

    private final PromptLookupDrafter drafter = new PromptLookupDrafter();

    // [1 2] occurs four times before the end, followed by 10 3 | 10 3 | 20 4 | 10 5.
    private static final int[] FORKING = {1, 2, 10, 3, 1, 2, 10, 3, 1, 2, 20, 4, 1, 2, 10, 5, 1, 2};

    @Test
    void repeatedTextDraftsTheRepetition() {
        int[] context = {5, 6, 7, 8, 9, 1, 2, 5, 6, 7};
        DraftTree chain = drafter.draft(context, TreeShape.chain(4), GREEDY, UNUSED);
        assertThat(chain.tokens()).containsExactly(7, 8, 9, 1, 2);
        assertThat(chain.draftProbs()).containsOnly(1f);
        assertThat(chain.childDistribution(0)).as("deterministic candidates").isNull();
    }

    @Test
    void aContinuationStopsAtTheEndOfTheContext() {
        int[] context = {4, 4, 4};   // "4 4" occurs at 0; only one token follows it
        assertThat(drafter.draft(context, TreeShape.chain(5), GREEDY, UNUSED).tokens()).containsExactly(4, 4);
    }

    @Test
    void aChainFollowsTheMostFrequentContinuation() {
        DraftTree chain = drafter.draft(FORKING, TreeShape.chain(2), GREEDY, UNUSED);
        assertThat(chain.tokens()).containsExactly(2, 10, 3);
        assertThat((double) chain.draftProb(1)).isCloseTo(3 / 4.0, within(1e-6));
        assertThat((double) chain.draftProb(2)).isCloseTo(2 / 3.0, within(1e-6));
    }

    @Test
    void aTreeBranchesWhereEarlierOccurrencesDisagree() {
        DraftTree tree = drafter.draft(FORKING, new TreeShape(2, 2, 4), GREEDY, UNUSED);
        //  root(2) -> 10 (3 of 4) -> 3 (2 of 3), 5 (1 of 3)
        //          -> 20 (1 of 4)                  [20 -> 4 ties with 10 -> 5 and loses to the earlier proposal]
        assertThat(tree.tokens()).containsExactly(2, 10, 20, 3, 5);
        assertThat(tree.parents()).containsExactly(-1, 0, 0, 1, 1);
        assertThat(tree.draftProbs()).containsExactly(new float[]{1, 3 / 4f, 1 / 4f, 2 / 3f, 1 / 3f}, within(1e-6f));
        assertThat((double) tree.logScore(4)).isCloseTo(Math.log(1 / 4.0), within(1e-6));

        DraftTree whole = drafter.draft(FORKING, new TreeShape(2, 2, 5), GREEDY, UNUSED);
        assertThat(whole.tokens()).containsExactly(2, 10, 20, 3, 5, 4);
        assertThat(whole.parents()).containsExactly(-1, 0, 0, 1, 1, 2);
    }

    @Test
    void equallyFrequentContinuationsRankTheMostRecentFirst() {
        int[] context = {1, 2, 10, 7, 1, 2, 20, 8, 1, 2};
        assertThat(drafter.draft(context, TreeShape.chain(1), GREEDY, UNUSED).tokens()).containsExactly(2, 20);
        assertThat(drafter.draft(context, new TreeShape(1, 2, 2), GREEDY, UNUSED).tokens()).containsExactly(2, 20, 10);
    }

    @Test
    void onlyTheLongestMatchingNgramIsUsed() {
        // "9 1 2" matched once (then 7); the single token "2" also occurs before 5, but loses to the longer match.
        int[] context = {9, 1, 2, 7, 8, 2, 5, 9, 1, 2};
        assertThat(drafter.draft(context, new TreeShape(1, 2, 1), GREEDY, UNUSED).tokens()).containsExactly(2, 7);
        assertThat(drafter.occurrences(context)).containsExactly(3);
    }

    @Test
    void noMatchLeavesTheRootAlone() {
        assertThat(drafter.draft(new int[]{1, 2, 3, 4}, TreeShape.EAGLE_DEFAULT, GREEDY, UNUSED).size()).isEqualTo(1);
        assertThat(drafter.draft(new int[]{7}, TreeShape.chain(3), GREEDY, UNUSED).tokens()).containsExactly(7);

        int[] unigramOnly = {5, 1, 2, 3, 1};
        assertThat(drafter.draft(unigramOnly, TreeShape.chain(3), GREEDY, UNUSED).tokens()).containsExactly(1, 2, 3, 1);
        PromptLookupDrafter bigramsUp = new PromptLookupDrafter(2, 3);
        assertThat(bigramsUp.draft(unigramOnly, TreeShape.chain(3), GREEDY, UNUSED).size()).isEqualTo(1);
        assertThat(bigramsUp.name()).isEqualTo("prompt lookup (n-gram 2..3)");
        assertThat(drafter.draft(FORKING, TreeShape.NONE, GREEDY, UNUSED).size()).as("a depth-0 shape").isEqualTo(1);
    }

    @Test
    void aRichContextFillsTheNodeBudgetBreadthFirst() {
        SplittableRandom random = new SplittableRandom(9);
        int[] context = random.ints(400, 0, 4).toArray();   // four symbols: unigram matches everywhere
        PromptLookupDrafter unigrams = new PromptLookupDrafter(1, 1);
        TreeShape shape = TreeShape.EAGLE_DEFAULT;
        DraftTree tree = unigrams.draft(context, shape, GREEDY, UNUSED);

        assertThat(tree.draftCount()).isEqualTo(shape.totalNodes());
        assertThat(tree.maxDepth()).isLessThanOrEqualTo(shape.depth());
        for (int node = 0; node < tree.size(); node++) {
            int[] children = tree.children(node);
            assertThat(children.length).isLessThanOrEqualTo(shape.topK());
            double shares = Arrays.stream(children).mapToDouble(tree::draftProb).sum();
            assertThat(shares).as("children's shares of node %d", node).isLessThanOrEqualTo(1 + 1e-6);
            for (int i = 1; i < children.length; i++) {
                assertThat(tree.draftProb(children[i])).isLessThanOrEqualTo(tree.draftProb(children[i - 1]));
            }
            if (node > 1 && tree.depth(node) == tree.depth(node - 1)) {
                assertThat(tree.parent(node)).isGreaterThanOrEqualTo(tree.parent(node - 1));
            }
        }
    }
}
