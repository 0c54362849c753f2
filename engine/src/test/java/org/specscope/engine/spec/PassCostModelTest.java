package org.specscope.engine.spec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.model.Model;
import org.specscope.engine.model.safetensors.TensorSource;
import org.specscope.engine.moe.ExpertBudgeter;
import org.specscope.engine.moe.LayerRouting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bytes and FLOPs of a forward pass, checked against the golden checkpoints' tensors summed by
 * name (independently of how the weights are bound) and against FLOPs worked out from config.json.
 */
class PassCostModelTest {

    private static final Map<String, Model> MODELS = new HashMap<>();

    static final List<String> MOE = GoldenCheckpoints.MOE;
    static final List<String> DENSE = List.of("llama-tiny", "qwen3-tiny");

    @BeforeAll
    static void open() {
        GoldenCheckpoints.ALL.forEach(n -> MODELS.put(n, Model.open(GoldenCheckpoints.checkpoint(n))));
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(Model::close);
    }

    // ---- independent accounting, by tensor name ----

    private static long bytesOf(TensorSource src, Predicate<String> which) {
        return src.names().stream().filter(which).mapToLong(n -> src.info(n).orElseThrow().byteSize()).sum();
    }

    /** Everything layer {@code l} reads whatever the routing: all its tensors but the routed experts. */
    private static long fixedLayerBytes(TensorSource src, int l) {
        return bytesOf(src, n -> n.startsWith("model.layers." + l + ".") && !n.contains(".experts."));
    }

    private static long expertBytesByName(TensorSource src, int l, int e) {
        return bytesOf(src, n -> n.startsWith("model.layers." + l + ".") && n.contains(".experts." + e + "."));
    }

    private static boolean isMoeLayerByName(TensorSource src, int l) {
        return src.names().stream().anyMatch(n -> n.startsWith("model.layers." + l + ".") && n.contains(".experts."));
    }

    private static long headBytes(Model m) {
        TensorSource src = m.tensors();
        String head = src.names().contains("lm_head.weight") ? "lm_head.weight" : "model.embed_tokens.weight";
        return bytesOf(src, n -> n.equals("model.norm.weight") || n.equals(head));
    }

    private static long embeddingRowBytes(Model m) {
        return bytesOf(m.tensors(), n -> n.equals("model.embed_tokens.weight")) / m.config().vocabSize();
    }

    // ---- routing fixtures ----

    private static LayerRouting routing(int layer, int tokens, int experts, int topK, int[] ids) {
        return new LayerRouting(layer, tokens, experts, topK, new float[tokens * experts], new float[tokens * experts],
                ids, new float[tokens * topK]);
    }

    private static LayerRouting budgeted(int layer, int tokens, int experts, int topK, int[] natural, int[] used) {
        boolean[] kept = new boolean[experts];
        for (int id : used) {
            if (id >= 0) {
                kept[id] = true;
            }
        }
        return new LayerRouting(layer, tokens, experts, topK, new float[tokens * experts], new float[tokens * experts],
                natural, new float[tokens * topK],
                new ExpertBudgeter.Decision(new float[experts], kept, used, new float[tokens * topK]));
    }

    /** The same routing in every MoE layer: slot i (token i / k, rank i % k) uses expert ids[i]. */
    private static List<LayerRouting> everyMoeLayer(Model m, int tokens, int[] ids) {
        int experts = m.config().moe().orElseThrow().numExperts();
        int topK = m.config().moe().orElseThrow().expertsPerToken();
        List<LayerRouting> all = new ArrayList<>();
        for (int l = 0; l < m.config().numLayers(); l++) {
            if (m.config().isSparseLayer(l)) {
                all.add(routing(l, tokens, experts, topK, ids));
            }
        }
        return all;
    }

    /** tokens x topK slots naming the experts 0, 1, 2, ... in turn, wrapping: min(slots, N) distinct. */
    private static int[] roundRobin(Model m, int tokens) {
        int experts = m.config().moe().orElseThrow().numExperts();
        int topK = m.config().moe().orElseThrow().expertsPerToken();
        return IntStream.range(0, tokens * topK).map(i -> i % experts).toArray();
    }

    // ---- bytes ----

    @ParameterizedTest
    @FieldSource("MOE")
    void anMoePassReadsEveryLayerOnceEachDistinctExpertUsedItsTokensRowsAndTheHead(String name) {
        Model m = MODELS.get(name);
        TensorSource src = m.tensors();
        int tokens = 3;
        int[] ids = roundRobin(m, tokens);
        PassCost cost = PassCostModel.of(m).cost(tokens, 1, 10, everyMoeLayer(m, tokens, ids));

        long expected = tokens * embeddingRowBytes(m) + headBytes(m);
        for (int l = 0; l < m.config().numLayers(); l++) {
            expected += fixedLayerBytes(src, l);
            if (isMoeLayerByName(src, l)) {
                for (int e : IntStream.of(ids).distinct().toArray()) {
                    expected += expertBytesByName(src, l, e);
                }
            }
        }
        assertThat(cost.weightBytes()).isEqualTo(expected);
        assertThat(cost.passes()).isEqualTo(1);
    }

    @ParameterizedTest
    @FieldSource("DENSE")
    void aDenseModelsPassReadsAllItsLayersWithoutRouting(String name) {
        Model m = MODELS.get(name);
        assertThat(m.config().moe()).isEmpty();
        PassCost cost = PassCostModel.of(m).denseCost(5, 1, 40);
        long layers = IntStream.range(0, m.config().numLayers()).mapToLong(l -> fixedLayerBytes(m.tensors(), l)).sum();
        assertThat(cost.weightBytes()).isEqualTo(layers + 5 * embeddingRowBytes(m) + headBytes(m));
    }

    @Test
    void withoutLogitsTheHeadIsNotRead() {
        Model m = MODELS.get("llama-tiny");
        PassCostModel model = PassCostModel.of(m);
        PassCost withHead = model.denseCost(4, 1, 8);
        PassCost without = model.denseCost(4, 0, 8);
        assertThat(withHead.weightBytes() - without.weightBytes())
                .as("tied embeddings: the whole table again, and the final norm").isEqualTo(headBytes(m));
        assertThat(without.flops()).isLessThan(withHead.flops());
    }

    @Test
    void expertBytesIsOneExpertOfThatLayerAndZeroForDenseLayers() {
        Model m = MODELS.get("qwen3-moe-tiny");
        PassCostModel model = PassCostModel.of(m);
        assertThat(model.expertBytes(0)).isEqualTo(expertBytesByName(m.tensors(), 0, 5))
                .as("bf16 gate, up, down of 32 x 64").isEqualTo(3 * 32 * 64 * 2);
        assertThat(model.expertBytes(1)).as("mlp_only_layers [1]").isZero();
        assertThatThrownBy(() -> model.expertBytes(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 3 is outside 0..2");
    }

    @ParameterizedTest
    @FieldSource("MOE")
    void eachDistinctExpertUsedAddsOneExpertsBytes(String name) {
        Model m = MODELS.get(name);
        PassCostModel model = PassCostModel.of(m);
        int experts = m.config().moe().orElseThrow().numExperts();
        int topK = m.config().moe().orElseThrow().expertsPerToken();
        long perExpertAllLayers = IntStream.range(0, m.config().numLayers()).mapToLong(model::expertBytes).sum();
        int tokens = experts;   // enough slots to name every expert
        long previous = -1;
        for (int distinct = 1; distinct <= experts; distinct++) {
            int d = distinct;
            int[] ids = IntStream.range(0, tokens * topK).map(i -> i % d).toArray();
            long bytes = model.cost(tokens, 1, 16, everyMoeLayer(m, tokens, ids)).weightBytes();
            if (previous >= 0) {
                assertThat(bytes - previous).isEqualTo(perExpertAllLayers);
            }
            previous = bytes;
        }
    }

    @Test
    void aBudgetThatKeepsFewerExpertsReadsProportionallyFewerExpertBytes() {
        Model m = MODELS.get("mixtral-tiny");           // 8 experts, top-2, both layers MoE
        PassCostModel model = PassCostModel.of(m);
        int tokens = 4;
        int[] natural = {0, 1, 2, 3, 4, 5, 6, 7};        // 8 distinct experts
        int[] substituted = {0, 1, 1, 0, 0, 1, 1, 0};    // budget B = 2: all tokens re-routed onto experts 0, 1
        List<LayerRouting> unbudgeted = List.of(routing(0, tokens, 8, 2, natural), routing(1, tokens, 8, 2, natural));
        List<LayerRouting> withBudget = List.of(budgeted(0, tokens, 8, 2, natural, substituted),
                budgeted(1, tokens, 8, 2, natural, substituted));

        PassCost full = model.cost(tokens, tokens, 16, unbudgeted);
        PassCost cut = model.cost(tokens, tokens, 16, withBudget);
        long nonExpert = full.weightBytes() - 8 * (model.expertBytes(0) + model.expertBytes(1));
        assertThat(cut.weightBytes() - nonExpert).isEqualTo(2 * (model.expertBytes(0) + model.expertBytes(1)));
        assertThat((double) (cut.weightBytes() - nonExpert) / (full.weightBytes() - nonExpert)).isEqualTo(2.0 / 8);
        assertThat(cut.flops()).as("substitution keeps every token's k experts: same compute").isEqualTo(full.flops());
    }

    // ---- FLOPs ----

    @Test
    void flopsCountEveryMultiplyAddTwiceWithAttentionCappedByTheSlidingWindow() {
        Model m = MODELS.get("mixtral-tiny");
        // config.json: hidden 64, 4 heads of 16, 2 kv heads, 8 experts top-2 of width 64, 2 layers, vocab 512,
        // sliding_window 5.
        long attentionProjections = 64 * 64 + 32 * 64 + 32 * 64 + 64 * 64;
        long router = 8 * 64;
        long expert = 3 * 64 * 64;
        int tokens = 3;
        int context = 20;   // beyond the window of 5
        int[] ids = {0, 1, 2, 3, 4, 5};
        PassCost cost = PassCostModel.of(m).cost(tokens, 2, context, List.of(
                routing(0, tokens, 8, 2, ids), routing(1, tokens, 8, 2, ids)));

        long perLayer = 2L * tokens * (attentionProjections + router) + 4L * tokens * 5 * 64
                + 2L * (tokens * 2) * expert;
        long head = 2L * 2 * 512 * 64;
        assertThat(cost.flops()).isEqualTo(2 * perLayer + head);
    }

    @Test
    void expertSlotsDroppedByTruncationCostNoCompute() {
        Model m = MODELS.get("mixtral-tiny");
        PassCostModel model = PassCostModel.of(m);
        int[] natural = {0, 1, 2, 3};
        int[] truncated = {0, -1, -1, 3};                // two slots dropped
        PassCost full = model.cost(2, 1, 4, List.of(routing(0, 2, 8, 2, natural), routing(1, 2, 8, 2, natural)));
        PassCost cut = model.cost(2, 1, 4, List.of(budgeted(0, 2, 8, 2, natural, truncated),
                budgeted(1, 2, 8, 2, natural, truncated)));
        long expertFlops = 2L * 3 * 64 * 64;
        assertThat(full.flops() - cut.flops()).isEqualTo(2 /* layers */ * 2 /* slots */ * expertFlops);
        assertThat(full.weightBytes() - cut.weightBytes()).isEqualTo(2 * (model.expertBytes(0) + model.expertBytes(1)));
    }

    @Test
    void attentionFlopsGrowWithTheContext() {
        Model m = MODELS.get("qwen3-tiny");             // 2 layers, 4 heads of 32: query width 128, no window
        PassCostModel model = PassCostModel.of(m);
        long grown = model.denseCost(4, 1, 100).flops() - model.denseCost(4, 1, 60).flops();
        assertThat(grown).isEqualTo(2 * 4L * 4 * 40 * 128);
    }

    // ---- refusals ----

    @Test
    void refusesAnMoePassWithoutRoutingForEveryMoeLayer() {
        Model m = MODELS.get("qwen2-moe-tiny");         // decoder_sparse_step 2: only layer 1 is MoE
        PassCostModel model = PassCostModel.of(m);
        assertThatThrownBy(() -> model.cost(2, 1, 4, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no routing for MoE layer 1");
        assertThatThrownBy(() -> model.denseCost(2, 1, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 1 is an MoE layer");

        Model olmoe = MODELS.get("olmoe-tiny");         // layers 0 and 1 both MoE
        int[] ids = new int[2 * 4];
        assertThatThrownBy(() -> PassCostModel.of(olmoe).cost(2, 1, 4, List.of(routing(0, 2, 16, 4, ids))))
                .hasMessageContaining("no routing for MoE layer 1").hasMessageContaining("[0]");
    }

    @Test
    void refusesRoutingThatDoesNotFitThePass() {
        Model m = MODELS.get("qwen2-moe-tiny");
        PassCostModel model = PassCostModel.of(m);
        int[] two = {0, 1, 2, 3};
        assertThatThrownBy(() -> model.cost(2, 1, 4, List.of(routing(0, 2, 8, 2, two), routing(1, 2, 8, 2, two))))
                .hasMessageContaining("layer 0, which is dense");
        assertThatThrownBy(() -> model.cost(2, 1, 4, List.of(routing(1, 2, 8, 2, two), routing(1, 2, 8, 2, two))))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> model.cost(3, 1, 4, List.of(routing(1, 2, 8, 2, two))))
                .hasMessageContaining("covers 2 tokens but the pass has 3");
        assertThatThrownBy(() -> model.cost(2, 3, 4, List.of(routing(1, 2, 8, 2, two))))
                .hasMessageContaining("logitRows <= tokens");
    }
}
