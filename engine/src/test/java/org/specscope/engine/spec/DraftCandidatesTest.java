package org.specscope.engine.spec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DraftCandidatesTest {

    @Test
    void theBestCandidatesAreKeptAndNumberedBreadthFirst() {
        //   root -> A(-1) -> C(-1.5), D(-3)
        //        -> B(-2) -> E(-2.5)
        DraftCandidates c = new DraftCandidates(100);
        int a = c.add(0, 10, 0.37f, -1);
        int b = c.add(0, 11, 0.14f, -2);
        c.add(a, 12, 0.6f, -1.5);
        c.add(a, 13, 0.1f, -3);
        c.add(b, 14, 0.6f, -2.5);

        DraftTree tree = c.keepBest(3);

        assertThat(tree.tokens()).containsExactly(100, 10, 11, 12);
        assertThat(tree.parents()).containsExactly(-1, 0, 0, 1);
        assertThat(tree.draftProbs()).containsExactly(1f, 0.37f, 0.14f, 0.6f);
        assertThat(tree.logScore(3)).isEqualTo((float) Math.log(0.37f) + (float) Math.log(0.6f));
    }

    @Test
    void aBudgetLargerThanTheCandidatesKeepsThemAll() {
        DraftCandidates c = new DraftCandidates(1);
        c.add(c.add(0, 2, 0.5f, -0.7), 3, 0.5f, -1.4);
        assertThat(c.keepBest(10).size()).isEqualTo(3);
        assertThat(c.keepBest(0).size()).as("a zero budget leaves the root").isEqualTo(1);
    }

    @Test
    void keptChildrenAreAPrefixOfTheProposalOrderEvenWhenALaterSiblingRanksHigher() {
        // A drafter that breaks the rank contract must still not get a gap among siblings.
        DraftCandidates c = new DraftCandidates(1);
        c.add(0, 2, 0.1f, -5);
        c.add(0, 3, 0.8f, -0.2);
        DraftTree tree = c.keepBest(1);
        assertThat(tree.tokens()).containsExactly(1, 2);
    }

    @Test
    void aChildIsNeverKeptWithoutItsParent() {
        DraftCandidates c = new DraftCandidates(1);
        c.add(0, 2, 0.4f, -1);
        int a = c.add(0, 3, 0.05f, -3);
        c.add(a, 4, 0.9f, -0.1);   // ranks above its parent: a broken contract
        assertThat(c.keepBest(1).tokens()).containsExactly(1, 2);
        assertThat(c.keepBest(2).tokens()).containsExactly(1, 2, 3);
        assertThat(c.keepBest(3).tokens()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void onlyNodesWithKeptChildrenCarryTheirChildDistribution() {
        float[] q = {0.5f, 0.5f};
        DraftCandidates c = new DraftCandidates(1);
        c.setChildDistribution(0, q);
        int a = c.add(0, 0, 0.5f, -0.7);
        c.setChildDistribution(a, q);
        c.add(a, 1, 0.5f, -1.4);
        assertThat(c.keepBest(1).childDistribution(0)).isSameAs(q);
        assertThat(c.keepBest(1).childDistribution(1)).as("a leaf after pruning").isNull();
        assertThat(c.keepBest(2).childDistribution(1)).isSameAs(q);

        DraftCandidates greedy = new DraftCandidates(1);
        greedy.add(0, 0, 0.5f, -0.7);
        assertThat(greedy.keepBest(1).childDistribution(0)).as("deterministic children: point masses").isNull();
    }
}
