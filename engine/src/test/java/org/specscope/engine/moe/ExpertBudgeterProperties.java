package org.specscope.engine.moe;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** MoE-Spec's budget invariants, whatever the routing, the budget and the family's weight rule. */
class ExpertBudgeterProperties {

    record Case(int experts, int topK, int tokens, float[] logits, int budget, double tau, boolean normalize,
                float[] tokenWeights) {
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.integers().between(1, 48), Arbitraries.integers().between(1, 12),
                        Arbitraries.of(true, false))
                .flatAs((experts, tokens, normalize) -> Combinators.combine(
                        Arbitraries.integers().between(1, Math.min(8, experts)),
                        Arbitraries.floats().between(-12, 12).array(float[].class).ofSize(experts * tokens),
                        Arbitraries.integers().between(1, experts + 4),
                        Arbitraries.doubles().between(0.05, 1.0),
                        Arbitraries.floats().between(0, 1).array(float[].class).ofSize(tokens).injectNull(0.5))
                        .as((topK, logits, budget, tau, weights) ->
                                new Case(experts, topK, tokens, logits, budget, tau, normalize, weights)));
    }

    record Routed(float[] probs, int[] ids, float[] weights) {
    }

    private static Routed route(Case c) {
        TopKRouter router = new TopKRouter(c.experts(), c.topK(), c.normalize());
        Routed r = new Routed(new float[c.tokens() * c.experts()], new int[c.tokens() * c.topK()],
                new float[c.tokens() * c.topK()]);
        router.route(c.logits(), c.tokens(), r.probs(), r.ids(), r.weights());
        return r;
    }

    private static ExpertBudgeter.Decision apply(Case c, Routed r, ExpertBudget budget) {
        return ExpertBudgeter.apply(budget, c.tokens(), c.experts(), c.topK(), r.probs(), r.ids(), r.weights(),
                c.tokenWeights(), c.normalize());
    }

    private static int keptCount(boolean[] kept) {
        int n = 0;
        for (boolean k : kept) {
            n += k ? 1 : 0;
        }
        return n;
    }

    @Property
    void aFixedBudgetKeepsExactlyBClampedToTopKAndN(@ForAll("cases") Case c) {
        Routed r = route(c);
        ExpertBudgeter.Decision d = apply(c, r, ExpertBudget.fixed(c.budget(), CoveragePolicy.SUBSTITUTE));
        assertThat(keptCount(d.kept())).isEqualTo(Math.clamp(c.budget(), c.topK(), c.experts()));
    }

    @Property
    void theKeptSetIsTheHighestScoringExperts(@ForAll("cases") Case c) {
        Routed r = route(c);
        ExpertBudgeter.Decision d = apply(c, r, ExpertBudget.fixed(c.budget(), CoveragePolicy.TRUNCATE));
        float lowestKept = Float.POSITIVE_INFINITY;
        float highestLeft = Float.NEGATIVE_INFINITY;
        for (int e = 0; e < c.experts(); e++) {
            if (d.kept()[e]) {
                lowestKept = Math.min(lowestKept, d.scores()[e]);
            } else {
                highestLeft = Math.max(highestLeft, d.scores()[e]);
            }
        }
        assertThat(lowestKept).isGreaterThanOrEqualTo(highestLeft);
    }

    @Property
    void coverageKeepsTheSmallestPrefixHoldingTauOfTheMass(@ForAll("cases") Case c) {
        Routed r = route(c);
        ExpertBudgeter.Decision d = apply(c, r, ExpertBudget.coverage(c.tau(), CoveragePolicy.SUBSTITUTE));
        double total = 0;
        double keptMass = 0;
        float lowestKept = Float.POSITIVE_INFINITY;
        for (int e = 0; e < c.experts(); e++) {
            total += d.scores()[e];
            if (d.kept()[e]) {
                keptMass += d.scores()[e];
                lowestKept = Math.min(lowestKept, d.scores()[e]);
            }
        }
        int kept = keptCount(d.kept());
        assertThat(kept).isBetween(c.topK(), c.experts());
        if (c.tau() < 1) {
            assertThat(keptMass).isGreaterThanOrEqualTo(c.tau() * total * (1 - 1e-5) - 1e-6);
            if (kept > c.topK()) {
                // Without its least-scoring member the set would fall short of tau: it is the smallest.
                assertThat(keptMass - lowestKept).isLessThan(c.tau() * total * (1 + 1e-5) + 1e-6);
            }
        }
    }

    @Property
    void substitutionKeepsKExpertsPerTokenAllInsideTheKeptSet(@ForAll("cases") Case c) {
        Routed r = route(c);
        ExpertBudgeter.Decision d = apply(c, r, ExpertBudget.fixed(c.budget(), CoveragePolicy.SUBSTITUTE));
        for (int t = 0; t < c.tokens(); t++) {
            Set<Integer> distinct = new HashSet<>();
            for (int j = 0; j < c.topK(); j++) {
                int e = d.usedIds()[t * c.topK() + j];
                assertThat(e).isBetween(0, c.experts() - 1);
                assertThat(d.kept()[e]).isTrue();
                distinct.add(e);
            }
            assertThat(distinct).hasSize(c.topK());
        }
    }

    @Property
    void substitutionTakesTheTokensTopKAmongTheKeptExperts(@ForAll("cases") Case c) {
        Routed r = route(c);
        ExpertBudgeter.Decision d = apply(c, r, ExpertBudget.fixed(c.budget(), CoveragePolicy.SUBSTITUTE));
        for (int t = 0; t < c.tokens(); t++) {
            float lowestUsed = Float.POSITIVE_INFINITY;
            Set<Integer> used = new HashSet<>();
            for (int j = 0; j < c.topK(); j++) {
                int e = d.usedIds()[t * c.topK() + j];
                used.add(e);
                lowestUsed = Math.min(lowestUsed, r.probs()[t * c.experts() + e]);
            }
            for (int e = 0; e < c.experts(); e++) {
                if (d.kept()[e] && !used.contains(e)) {
                    assertThat(r.probs()[t * c.experts() + e]).isLessThanOrEqualTo(lowestUsed);
                }
            }
        }
    }

    @Property
    void truncationNeverAddsAnExpert(@ForAll("cases") Case c) {
        Routed r = route(c);
        ExpertBudgeter.Decision d = apply(c, r, ExpertBudget.fixed(c.budget(), CoveragePolicy.TRUNCATE));
        for (int i = 0; i < r.ids().length; i++) {
            int used = d.usedIds()[i];
            if (used >= 0) {
                assertThat(used).isEqualTo(r.ids()[i]);
                assertThat(d.kept()[used]).isTrue();
            } else {
                assertThat(d.kept()[r.ids()[i]]).isFalse();
                assertThat(d.usedWeights()[i]).isZero();
            }
        }
    }

    @Property
    void weightsFollowTheFamilyRule(@ForAll("cases") Case c) {
        Routed r = route(c);
        for (CoveragePolicy policy : CoveragePolicy.values()) {
            ExpertBudgeter.Decision d = apply(c, r, ExpertBudget.fixed(c.budget(), policy));
            for (int t = 0; t < c.tokens(); t++) {
                double sum = 0;
                boolean any = false;
                for (int j = 0; j < c.topK(); j++) {
                    int i = t * c.topK() + j;
                    int e = d.usedIds()[i];
                    sum += d.usedWeights()[i];
                    if (e >= 0) {
                        any = true;
                        if (!c.normalize()) {
                            // Raw probabilities of the original full softmax.
                            assertThat(d.usedWeights()[i]).isEqualTo(r.probs()[t * c.experts() + e]);
                        }
                    }
                }
                if (c.normalize() && any && sum > 0) {
                    assertThat(sum).isCloseTo(1.0, within(1e-5));
                }
            }
        }
    }

    @Property
    void keepingEveryExpertChangesNothing(@ForAll("cases") Case c) {
        Routed r = route(c);
        for (CoveragePolicy policy : CoveragePolicy.values()) {
            for (ExpertBudget all : new ExpertBudget[]{ExpertBudget.fixed(c.experts(), policy),
                    ExpertBudget.coverage(1.0, policy)}) {
                ExpertBudgeter.Decision d = apply(c, r, all);
                assertThat(d.usedIds()).containsExactly(r.ids());
                assertThat(d.usedWeights()).containsExactly(r.weights());
            }
        }
    }

    @Property
    void scoresSumTheWeightedRoutingProbabilities(@ForAll("cases") Case c) {
        Routed r = route(c);
        float[] s = ExpertBudgeter.scores(r.probs(), c.tokens(), c.experts(), c.tokenWeights());
        double total = 0;
        double expected = 0;
        for (int t = 0; t < c.tokens(); t++) {
            expected += c.tokenWeights() == null ? 1 : c.tokenWeights()[t];
        }
        for (float v : s) {
            total += v;
        }
        assertThat(total).isCloseTo(expected, within(1e-4 * Math.max(1, expected)));
    }
}
