package org.specscope.engine.moe;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Routing invariants that hold for every family, whatever the router logits. */
class TopKRouterProperties {

    record Case(int experts, int topK, int tokens, float[] logits) {
    }

    @Provide
    Arbitrary<Case> routingCases() {
        return Combinators.combine(Arbitraries.integers().between(1, 64), Arbitraries.integers().between(1, 6))
                .flatAs((experts, tokens) -> Arbitraries.integers().between(1, experts).flatMap(topK ->
                        Arbitraries.floats().between(-30, 30).array(float[].class).ofSize(experts * tokens)
                                .map(logits -> new Case(experts, topK, tokens, logits))));
    }

    private static Routed route(Case c, boolean normalize) {
        TopKRouter router = new TopKRouter(c.experts(), c.topK(), normalize);
        Routed r = new Routed(new float[c.tokens() * c.experts()], new int[c.tokens() * c.topK()],
                new float[c.tokens() * c.topK()]);
        router.route(c.logits(), c.tokens(), r.probs(), r.ids(), r.weights());
        return r;
    }

    record Routed(float[] probs, int[] ids, float[] weights) {
    }

    @Property
    void theFullSoftmaxOverAllExpertsSumsToOne(@ForAll("routingCases") Case c) {
        Routed r = route(c, false);
        for (int t = 0; t < c.tokens(); t++) {
            double sum = 0;
            for (int e = 0; e < c.experts(); e++) {
                assertThat(r.probs()[t * c.experts() + e]).isBetween(0f, 1f);
                sum += r.probs()[t * c.experts() + e];
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
        }
    }

    @Property
    void chosenExpertsAreDistinct(@ForAll("routingCases") Case c) {
        Routed r = route(c, true);
        for (int t = 0; t < c.tokens(); t++) {
            int[] chosen = Arrays.copyOfRange(r.ids(), t * c.topK(), (t + 1) * c.topK());
            assertThat(chosen).doesNotHaveDuplicates();
            assertThat(Arrays.stream(chosen).allMatch(id -> id >= 0 && id < c.experts())).isTrue();
        }
    }

    @Property
    void topKMatchesAFullSortByProbabilityThenId(@ForAll("routingCases") Case c) {
        Routed r = route(c, false);
        for (int t = 0; t < c.tokens(); t++) {
            int off = t * c.experts();
            int[] sorted = IntStream.range(0, c.experts()).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(e -> -r.probs()[off + e]).thenComparing(e -> e))
                    .mapToInt(Integer::intValue).limit(c.topK()).toArray();
            assertThat(Arrays.copyOfRange(r.ids(), t * c.topK(), (t + 1) * c.topK())).containsExactly(sorted);
        }
    }

    @Property
    void normalisedWeightsSumToOneAndKeepTheirRatios(@ForAll("routingCases") Case c) {
        Routed r = route(c, true);
        for (int t = 0; t < c.tokens(); t++) {
            double sum = 0;
            double mass = 0;
            for (int j = 0; j < c.topK(); j++) {
                sum += r.weights()[t * c.topK() + j];
                mass += r.probs()[t * c.experts() + r.ids()[t * c.topK() + j]];
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
            for (int j = 0; j < c.topK(); j++) {
                float p = r.probs()[t * c.experts() + r.ids()[t * c.topK() + j]];
                assertThat((double) r.weights()[t * c.topK() + j]).isCloseTo(p / mass, within(1e-5));
            }
        }
    }

    @Property
    void unnormalisedWeightsAreTheRawProbabilities(@ForAll("routingCases") Case c) {
        Routed r = route(c, false);
        for (int t = 0; t < c.tokens(); t++) {
            for (int j = 0; j < c.topK(); j++) {
                int id = r.ids()[t * c.topK() + j];
                assertThat(r.weights()[t * c.topK() + j]).isEqualTo(r.probs()[t * c.experts() + id]);
            }
        }
    }

    @Property
    void weightsComeInDescendingOrder(@ForAll("routingCases") Case c) {
        Routed r = route(c, true);
        for (int t = 0; t < c.tokens(); t++) {
            for (int j = 1; j < c.topK(); j++) {
                assertThat(r.weights()[t * c.topK() + j]).isLessThanOrEqualTo(r.weights()[t * c.topK() + j - 1]);
            }
        }
    }
}
