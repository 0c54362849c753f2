package org.specscope.engine.bench;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.TestBackend;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.LayerRouting;
import org.specscope.engine.spec.PassCostModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the benchmark times and counts, on the golden checkpoints: the passes it runs, the bytes it
 * charges them, and a KV cache left exactly as it was. Nothing here depends on how fast they ran.
 */
class PassBenchmarkTest {

    private static final List<String> MOE = GoldenCheckpoints.MOE;
    private static final int[] TEXT = IntStream.range(0, 40).map(i -> 3 + 7 * i % 500).toArray();
    private static final int CONTEXT = 12;
    private static final Map<String, Model> MODELS = new HashMap<>();
    private static final Map<String, ModelRunner> RUNNERS = new HashMap<>();

    @BeforeAll
    static void open() {
        for (String name : GoldenCheckpoints.ALL) {
            Model m = Model.open(GoldenCheckpoints.checkpoint(name));
            MODELS.put(name, m);
            RUNNERS.put(name, TestBackend.CPU.load(m));
        }
    }

    @AfterAll
    static void close() {
        RUNNERS.values().forEach(ModelRunner::close);
        MODELS.values().forEach(Model::close);
    }

    private static PassBenchmark bench(String name, KvCache cache) {
        return PassBenchmark.afterContext(RUNNERS.get(name), PassCostModel.of(MODELS.get(name)), cache, TEXT, CONTEXT);
    }

    private static KvCache cache(String name) {
        return RUNNERS.get(name).newKvCache(CONTEXT + 20);
    }

    /** Every MoE layer of the model routes each of {@code tokens} tokens to experts 0..k-1. */
    private static List<LayerRouting> sameExpertsEveryLayer(Model m, int tokens) {
        int experts = m.config().moe().orElseThrow().numExperts();
        int topK = m.config().moe().orElseThrow().expertsPerToken();
        int[] ids = IntStream.range(0, tokens * topK).map(i -> i % topK).toArray();
        List<LayerRouting> all = new ArrayList<>();
        for (int l = 0; l < m.config().numLayers(); l++) {
            if (m.config().isSparseLayer(l)) {
                all.add(new LayerRouting(l, tokens, experts, topK, new float[tokens * experts],
                        new float[tokens * experts], ids, new float[tokens * topK]));
            }
        }
        return all;
    }

    private static List<LayerRouting> routingOf(String name, ForwardBatch batch, KvCache cache) {
        List<LayerRouting> routing = new ArrayList<>();
        int before = cache.length();
        RUNNERS.get(name).forward(batch, cache, routing::add);
        cache.truncate(before);
        return routing;
    }

    @ParameterizedTest
    @FieldSource("MOE")
    void aDecodeStepIsChargedTheWeightsOfOneTokenOnItsTopKExperts(String name) {
        Model m = MODELS.get(name);
        TimedPasses d = bench(name, cache(name)).decode(3);
        long oneToken = PassCostModel.of(m).cost(1, 1, CONTEXT + 1, sameExpertsEveryLayer(m, 1)).weightBytes();
        assertThat(d.weightBytes()).isEqualTo(3 * oneToken);
        assertThat(d.meanDistinctExperts()).isEqualTo(m.config().moe().orElseThrow().expertsPerToken());
        assertThat(d.nanos()).isPositive();
    }

    @ParameterizedTest
    @FieldSource("MOE")
    void theSameExpertsBatchRoutesEveryTokenToTheSameExpertsInEveryLayer(String name) {
        KvCache cache = cache(name);
        PassBenchmark bench = bench(name, cache);
        ForwardBatch batch = bench.verificationBatch(16, BatchRouting.SAME_EXPERTS);
        List<LayerRouting> routing = routingOf(name, batch, cache);
        assertThat(routing).isNotEmpty();
        for (LayerRouting r : routing) {
            for (int t = 1; t < r.tokens(); t++) {
                assertThat(r.usedExpertIds(t)).as("layer %d token %d", r.layer(), t).containsExactly(r.usedExpertIds(0));
            }
            assertThat(r.distinctUsedExperts()).isEqualTo(r.topK());
        }
    }

    @ParameterizedTest
    @FieldSource("MOE")
    void aSameExpertsPassIsChargedOneTokensExpertsForAllItsTokens(String name) {
        Model m = MODELS.get(name);
        TimedPasses p = bench(name, cache(name)).pass(16, BatchRouting.SAME_EXPERTS);
        long expected = PassCostModel.of(m).cost(16, 16, CONTEXT + 1, sameExpertsEveryLayer(m, 16)).weightBytes();
        assertThat(p.weightBytes()).isEqualTo(expected);
        assertThat(p.meanDistinctExperts()).isEqualTo(m.config().moe().orElseThrow().expertsPerToken());
        assertThat(p.nanos()).isPositive();
    }

    @ParameterizedTest
    @FieldSource("MOE")
    void aNaturalPassIsAChainOfTheNextTextTokensChargedTheExpertsItsRoutingUsed(String name) {
        KvCache cache = cache(name);
        PassBenchmark bench = bench(name, cache);
        ForwardBatch batch = bench.verificationBatch(8, BatchRouting.NATURAL);
        assertThat(batch.tokens()).containsExactly(IntStream.range(CONTEXT, CONTEXT + 8).map(i -> TEXT[i]).toArray());
        assertThat(batch.positions()).containsExactly(IntStream.range(CONTEXT, CONTEXT + 8).toArray());
        assertThat(batch.mask().isCausal()).isTrue();
        assertThat(batch.logitRows()).isEqualTo(ForwardBatch.LogitRows.ALL);
        List<LayerRouting> routing = routingOf(name, batch, cache);

        TimedPasses p = bench.pass(8, BatchRouting.NATURAL);
        assertThat(p.weightBytes()).isEqualTo(PassCostModel.of(MODELS.get(name)).cost(8, 8, CONTEXT + 8, routing)
                .weightBytes());
        assertThat(p.meanDistinctExperts())
                .isEqualTo(routing.stream().mapToInt(LayerRouting::distinctUsedExperts).average().orElseThrow());
    }

    @Test
    void aDenseModelIsChargedAllItsWeightsAndNoExperts() {
        Model m = MODELS.get("llama-tiny");
        PassBenchmark bench = bench("llama-tiny", cache("llama-tiny"));
        PassCostModel cost = PassCostModel.of(m);
        assertThat(bench.decode(2).weightBytes()).isEqualTo(2 * cost.denseCost(1, 1, CONTEXT + 1).weightBytes());
        TimedPasses p = bench.pass(4, BatchRouting.NATURAL);
        assertThat(p.weightBytes()).isEqualTo(cost.denseCost(4, 4, CONTEXT + 4).weightBytes());
        assertThat(p.meanDistinctExperts()).isZero();
    }

    @ParameterizedTest
    @FieldSource("MOE")
    void everyMeasurementLeavesTheCachedContextAsItFoundIt(String name) {
        ModelRunner runner = RUNNERS.get(name);
        KvCache cache = cache(name);
        PassBenchmark bench = bench(name, cache);
        bench.warmUp(2, List.of(1, 16));
        bench.decode(3);
        bench.pass(16, BatchRouting.NATURAL);
        bench.pass(16, BatchRouting.SAME_EXPERTS);
        assertThat(cache.length()).isEqualTo(CONTEXT).isEqualTo(bench.contextLength());

        KvCache fresh = runner.newKvCache(CONTEXT + 20);
        runner.forward(ForwardBatch.sequence(java.util.Arrays.copyOf(TEXT, CONTEXT), 0, ForwardBatch.LogitRows.LAST), fresh);
        ForwardBatch next = ForwardBatch.sequence(new int[]{TEXT[CONTEXT]}, CONTEXT, ForwardBatch.LogitRows.LAST);
        assertThat(runner.forward(next, cache).values()).as("the next token after the benchmark")
                .containsExactly(runner.forward(next, fresh).values());
    }

    @Test
    void aShortTextIsRepeatedToFillTheContextAndTheChains() {
        int[] text = {5, 9, 11};
        KvCache cache = cache("mixtral-tiny");
        PassBenchmark bench = PassBenchmark.afterContext(RUNNERS.get("mixtral-tiny"),
                PassCostModel.of(MODELS.get("mixtral-tiny")), cache, text, 4);
        assertThat(cache.length()).isEqualTo(4);
        assertThat(bench.verificationBatch(4, BatchRouting.NATURAL).tokens()).containsExactly(9, 11, 5, 9);
        assertThat(bench.verificationBatch(3, BatchRouting.SAME_EXPERTS).tokens()).containsExactly(9, 9, 9);
        assertThat(bench.verificationBatch(3, BatchRouting.SAME_EXPERTS).positions()).containsExactly(4, 4, 4);
    }

    @Test
    void refusesPassesTheCacheCannotHoldAndEmptyInputs() {
        KvCache cache = RUNNERS.get("olmoe-tiny").newKvCache(CONTEXT + 4);
        PassBenchmark bench = bench("olmoe-tiny", cache);
        assertThatThrownBy(() -> bench.pass(5, BatchRouting.NATURAL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 tokens after a 12-token context exceed the 16-token KV cache");
        assertThatThrownBy(() -> bench.decode(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bench.decode(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bench.verificationBatch(0, BatchRouting.NATURAL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.length()).isEqualTo(CONTEXT);
        assertThatThrownBy(() -> PassBenchmark.afterContext(RUNNERS.get("olmoe-tiny"),
                PassCostModel.of(MODELS.get("olmoe-tiny")), RUNNERS.get("olmoe-tiny").newKvCache(8), new int[0], 4))
                .hasMessageContaining("no tokens");
    }
}
