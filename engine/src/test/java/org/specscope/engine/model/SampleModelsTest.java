package org.specscope.engine.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.generate.GenerationListener;
import org.specscope.engine.generate.GenerationResult;
import org.specscope.engine.generate.Generator;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.moe.MoeProbe;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The bundled sample models (sample-models/) run in the engine as they ran in the PyTorch
 * recipe that trained them: same token ids (our tokenizer against SentencePiece's), the same
 * top-5 logits at every prompt position and the same greedy continuation.
 */
class SampleModelsTest {

    private static final Path SAMPLES = SampleModelDirs.ROOT;
    private static final Path TARGET = SAMPLES.resolve("specscope-moe-mini");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"target", "draft"})
    void theEngineReproducesTheRecipesForwardPass(String which) {
        JsonNode golden = GoldenCheckpoints.json(TARGET.resolve("fixtures/golden-" + which + ".json"));
        Path dir = SAMPLES.resolve(golden.get("model").asString());
        try (Model model = Model.open(dir); CpuBackend backend = new CpuBackend(2); ModelRunner runner = backend.load(model)) {
            for (JsonNode c : golden.get("cases").values()) {
                String domain = c.get("domain").asString();
                int[] ids = GoldenCheckpoints.ints(c.get("input_ids"));
                assertThat(model.tokenizer().encode(c.get("prompt").asString())).as("%s %s prompt ids", which, domain)
                        .containsExactly(ids);
                Logits logits = runner.forward(ForwardBatch.sequence(ids, 0, ForwardBatch.LogitRows.ALL),
                        runner.newKvCache(ids.length));
                for (int t = 0; t < ids.length; t++) {
                    JsonNode topIds = c.get("top5_ids").get(t);
                    JsonNode topLogits = c.get("top5_logits").get(t);
                    assertThat(logits.argmax(t)).as("%s %s top-1 at %d", which, domain, t).isEqualTo(topIds.get(0).asInt());
                    for (int j = 0; j < topIds.size(); j++) {
                        double expected = topLogits.get(j).asDouble();
                        assertThat((double) logits.get(t, topIds.get(j).asInt()))
                                .as("%s %s logit of top-%d token at %d", which, domain, j + 1, t)
                                .isCloseTo(expected, within(1e-3 * Math.max(1, Math.abs(expected))));
                    }
                }
                int[] greedy = GoldenCheckpoints.ints(c.get("greedy_ids"));
                GenerationResult r = new Generator(runner, Set.of()).generate(ids, greedy.length,
                        SamplingParams.greedy(), GenerationListener.NONE, MoeProbe.NONE);
                assertThat(r.generatedIds()).as("%s %s greedy continuation", which, domain).containsExactly(greedy);
            }
        }
    }
}
