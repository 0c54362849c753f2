package org.specscope.engine.backend.cpu;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.specscope.engine.TestBackend;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.generate.GenerationListener;
import org.specscope.engine.generate.GenerationResult;
import org.specscope.engine.generate.Generator;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.LayerRouting;
import org.specscope.engine.moe.MoeProbe;
import org.specscope.engine.tensor.Npy;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The CPU forward pass computes what Hugging Face computes, checked against an independent
 * float64 NumPy implementation on one small random-weight checkpoint per family.
 */
class GoldenForwardTest {

    /** Logits within this fraction of the row's largest magnitude (float32 against float64). */
    private static final double LOGIT_TOLERANCE = 1e-4;

    private static final CpuBackend backend = TestBackend.CPU;


    private static Logits prefill(ModelRunner runner, int[] ids, MoeProbe probe) {
        KvCache cache = runner.newKvCache(ids.length);
        return runner.forward(ForwardBatch.sequence(ids, 0, ForwardBatch.LogitRows.ALL), cache, probe);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#ALL")
    void logitsAtEveryPositionMatchTheFloat64Reference(String name) throws IOException {
        Npy.Array expected = Npy.read(GoldenCheckpoints.golden(name).resolve("logits.npy"));
        int[] ids = GoldenCheckpoints.inputIds(name);
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            Logits logits = prefill(runner, ids, MoeProbe.NONE);
            assertThat(logits.rows()).isEqualTo((int) expected.shape()[0]);
            assertThat(logits.vocab()).isEqualTo((int) expected.shape()[1]);
            for (int t = 0; t < logits.rows(); t++) {
                double scale = 0;
                int expectedTop = 0;
                for (int v = 0; v < logits.vocab(); v++) {
                    scale = Math.max(scale, Math.abs(expected.get(t, v)));
                    if (expected.get(t, v) > expected.get(t, expectedTop)) {
                        expectedTop = v;
                    }
                }
                assertThat(logits.argmax(t)).as("%s top-1 at position %d", name, t).isEqualTo(expectedTop);
                for (int v = 0; v < logits.vocab(); v++) {
                    assertThat((double) logits.get(t, v)).as("%s logit [%d, %d]", name, t, v)
                            .isCloseTo(expected.get(t, v), within(LOGIT_TOLERANCE * Math.max(1, scale)));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#MOE")
    void everyMoeLayerRoutesLikeTheReference(String name) {
        JsonNode expected = GoldenCheckpoints.json(GoldenCheckpoints.golden(name).resolve("routing.json"));
        int[] ids = GoldenCheckpoints.inputIds(name);
        List<LayerRouting> seen = new ArrayList<>();
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            prefill(runner, ids, seen::add);
        }
        assertThat(seen).extracting(LayerRouting::layer)
                .containsExactlyElementsOf(expected.propertyNames().stream().map(Integer::parseInt).toList());
        for (LayerRouting r : seen) {
            JsonNode layer = expected.get(String.valueOf(r.layer()));
            JsonNode positions = layer.get("positions");
            assertThat(r.tokens()).isEqualTo(ids.length);
            for (int t = 0; t < r.tokens(); t++) {
                JsonNode p = positions.get(t);
                assertThat(r.expertIds(t)).as("%s layer %d token %d experts", name, r.layer(), t)
                        .containsExactly(GoldenCheckpoints.ints(p.get("ids")));
                for (int j = 0; j < r.topK(); j++) {
                    assertThat((double) r.weight(t, j)).as("%s layer %d token %d weight %d", name, r.layer(), t, j)
                            .isCloseTo(p.get("weights").get(j).asDouble(), within(1e-5));
                }
            }
            JsonNode probs = layer.get("probs");
            for (int e = 0; e < r.numExperts(); e++) {
                assertThat((double) r.prob(0, e)).as("%s layer %d full softmax, expert %d", name, r.layer(), e)
                        .isCloseTo(probs.get(e).asDouble(), within(1e-5));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#ALL")
    void greedyGenerationOverTheKvCacheContinuesLikeTheReference(String name) {
        JsonNode greedy = GoldenCheckpoints.json(GoldenCheckpoints.golden(name).resolve("greedy.json"));
        int[] prompt = GoldenCheckpoints.ints(greedy.get("prompt_ids"));
        int[] expected = GoldenCheckpoints.ints(greedy.get("generated"));
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            // No EOS here: the reference generated a fixed number of tokens.
            GenerationResult r = new Generator(runner, Set.of()).generate(prompt, expected.length,
                    SamplingParams.greedy(), GenerationListener.NONE, MoeProbe.NONE);
            assertThat(r.generatedIds()).containsExactly(expected);
            assertThat(r.stopReason()).isEqualTo(GenerationResult.StopReason.MAX_TOKENS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#ALL")
    void decodingTokenByTokenOverTheCacheEqualsOneBatchedPass(String name) {
        int[] ids = GoldenCheckpoints.inputIds(name);
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            Logits batched = prefill(runner, ids, MoeProbe.NONE);
            KvCache cache = runner.newKvCache(ids.length);
            int split = ids.length / 2;
            runner.forward(ForwardBatch.sequence(java.util.Arrays.copyOf(ids, split), 0, ForwardBatch.LogitRows.LAST), cache);
            for (int t = split; t < ids.length; t++) {
                Logits one = runner.forward(ForwardBatch.sequence(new int[]{ids[t]}, t, ForwardBatch.LogitRows.LAST), cache);
                for (int v = 0; v < one.vocab(); v++) {
                    assertThat(one.get(0, v)).as("%s position %d token %d", name, t, v)
                            .isCloseTo(batched.get(t, v), within(1e-4f * Math.max(1, Math.abs(batched.get(t, v)))));
                }
            }
            assertThat(cache.length()).isEqualTo(ids.length);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#ALL")
    void aChainTreeMaskGivesTheSameLogitsAsTheCausalMask(String name) {
        int[] ids = GoldenCheckpoints.inputIds(name);
        int[] parents = new int[ids.length];
        int[] positions = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            parents[i] = i - 1;
            positions[i] = i;
        }
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            Logits causal = prefill(runner, ids, MoeProbe.NONE);
            Logits tree = runner.forward(new ForwardBatch(ids, positions, AttentionMask.tree(parents),
                    ForwardBatch.LogitRows.ALL), runner.newKvCache(ids.length));
            for (int i = 0; i < causal.values().length; i++) {
                float e = causal.values()[i];
                assertThat(tree.values()[i]).as("%s logit %d", name, i).isCloseTo(e, within(1e-5f * Math.max(1, Math.abs(e))));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#ALL")
    void treeNodesAfterACachedPrefixSeeOnlyThePrefixAndTheirAncestors(String name) {
        int[] ids = GoldenCheckpoints.inputIds(name);
        int prefix = 6;
        int[] prompt = java.util.Arrays.copyOf(ids, prefix);
        //   prefix ... -> a (ids[6]) -> c (ids[8])
        //             \-> b (ids[7]), a sibling of a at the same position
        int a = ids[6];
        int b = ids[7];
        int c = ids[8];
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            KvCache cache = runner.newKvCache(prefix + 3);
            runner.forward(ForwardBatch.sequence(prompt, 0, ForwardBatch.LogitRows.LAST), cache);
            Logits tree = runner.forward(new ForwardBatch(new int[]{a, b, c}, new int[]{prefix, prefix, prefix + 1},
                    AttentionMask.tree(new int[]{-1, -1, 0}), ForwardBatch.LogitRows.ALL), cache);
            assertThat(cache.length()).isEqualTo(prefix + 3);

            assertSameRow(name, tree, 0, lastLogits(runner, concat(prompt, a)));
            assertSameRow(name, tree, 1, lastLogits(runner, concat(prompt, b)));
            assertSameRow(name, tree, 2, lastLogits(runner, concat(prompt, a, c)));
        }
    }

    private static float[] lastLogits(ModelRunner runner, int[] sequence) {
        return runner.forward(ForwardBatch.sequence(sequence, 0, ForwardBatch.LogitRows.LAST),
                runner.newKvCache(sequence.length)).lastRow();
    }

    private static int[] concat(int[] head, int... tail) {
        int[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    private static void assertSameRow(String name, Logits tree, int node, float[] expected) {
        for (int v = 0; v < expected.length; v++) {
            assertThat(tree.get(node, v)).as("%s tree node %d token %d", name, node, v)
                    .isCloseTo(expected[v], within(1e-4f * Math.max(1, Math.abs(expected[v]))));
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#MOE")
    void aProbeThatDoesNotListenIsNeverCalled(String name) {
        int[] ids = GoldenCheckpoints.inputIds(name);
        int[] calls = {0};
        MoeProbe silent = new MoeProbe() {
            @Override
            public boolean isListening() {
                return false;
            }

            @Override
            public void onRouting(LayerRouting routing) {
                calls[0]++;
            }
        };
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            prefill(runner, ids, silent);
        }
        assertThat(calls[0]).isZero();
    }

}
