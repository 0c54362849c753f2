package org.specscope.engine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.generate.GenerationListener;
import org.specscope.engine.generate.GenerationResult;
import org.specscope.engine.generate.Generator;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.MoeProbe;
import org.specscope.engine.tensor.Npy;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The command-line contract other tools rely on, run in-process. */
class SpecScopeCliTest {

    @TempDir
    Path tmp;

    private static String model(String name) {
        return GoldenCheckpoints.checkpoint(name).toString();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#ALL")
    void generateJsonPrintsThePromptIdsTheGeneratedIdsAndTheirText(String name) {
        CliRun r = CliRun.of("generate", "--model", model(name), "--prompt", "def main():", "--max-tokens", "6",
                "--temperature", "0", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = JsonMapper.builder().build().readTree(r.out());
        int[] promptIds = GoldenCheckpoints.ints(json.get("prompt_ids"));
        int[] ids = GoldenCheckpoints.ints(json.get("ids"));
        try (Model m = Model.open(GoldenCheckpoints.checkpoint(name)); CpuBackend b = new CpuBackend(1);
             ModelRunner runner = b.load(m)) {
            assertThat(promptIds).containsExactly(m.tokenizer().encode("def main():"));
            int[] prefix = m.tokenizer().prefixSpecialIds();
            assertThat(java.util.Arrays.copyOf(promptIds, prefix.length)).as("BOS first where the tokenizer adds it")
                    .containsExactly(prefix);
            GenerationResult expected = new Generator(runner, m.eosTokenIds()).generate(promptIds, 6,
                    SamplingParams.greedy(), GenerationListener.NONE, MoeProbe.NONE);
            assertThat(ids).containsExactly(expected.generatedIds());
            assertThat(json.get("text").asString()).isEqualTo(m.tokenizer().decode(ids, true));
        }
        assertThat(json.get("stop_reason").asString()).isIn("max_tokens", "end_of_sequence");
    }

    @Test
    void generateWithoutJsonStreamsTheSameText() {
        String[] common = {"--model", model("qwen3-moe-tiny"), "--prompt", "Hello", "--max-tokens", "8"};
        CliRun json = CliRun.of(concat(new String[]{"generate", "--json"}, common));
        CliRun text = CliRun.of(concat(new String[]{"generate"}, common));
        assertThat(text.exitCode()).isZero();
        String expected = JsonMapper.builder().build().readTree(json.out()).get("text").asString();
        assertThat(text.out()).isEqualTo(expected + System.lineSeparator());
    }

    @Test
    void aSeedMakesSamplingRepeatable() {
        String[] args = {"generate", "--model", model("olmoe-tiny"), "--prompt", "abc", "--max-tokens", "10",
                "--temperature", "1.0", "--top-p", "0.9", "--seed", "11", "--json"};
        JsonMapper json = JsonMapper.builder().build();
        JsonNode first = json.readTree(CliRun.of(args).out());
        JsonNode second = json.readTree(CliRun.of(args).out());
        assertThat(second.get("ids")).isEqualTo(first.get("ids"));
        assertThat(second.get("text")).isEqualTo(first.get("text"));
    }

    @Test
    void logitsWritesEveryPromptPositionAsFloat32Npy() throws IOException {
        Path out = tmp.resolve("logits.npy");
        CliRun r = CliRun.of("logits", "--model", model("mixtral-tiny"), "--prompt", "The cat sat", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Npy.Array a = Npy.read(out);
        try (Model m = Model.open(GoldenCheckpoints.checkpoint("mixtral-tiny")); CpuBackend b = new CpuBackend(1);
             ModelRunner runner = b.load(m)) {
            int[] ids = m.tokenizer().encode("The cat sat");
            assertThat(a.shape()).containsExactly(ids.length, m.config().vocabSize());
            Logits expected = runner.forward(ForwardBatch.sequence(ids, 0, ForwardBatch.LogitRows.ALL),
                    runner.newKvCache(ids.length));
            // The Vector API leaves the order of a lane reduction open, so interpreted and
            // JIT-compiled passes may differ in the last bit: compare to a float32 ulp or two.
            for (int i = 0; i < expected.values().length; i++) {
                float e = expected.values()[i];
                assertThat((float) a.data()[i]).isCloseTo(e, within(1e-5f * Math.max(1, Math.abs(e))));
            }
        }
        assertThat(Files.readAllBytes(out)[8] & 0xff).as("npy v1 header length ends the preamble on 64 bytes")
                .satisfies(len -> assertThat((10 + len) % 64).isZero());
    }

    @Test
    void infoDescribesArchitectureExpertsDtypesAndMemory() {
        CliRun r = CliRun.of("info", "--model", model("qwen2-moe-tiny"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Qwen2MoeForCausalLM", "8 per MoE layer, top-2", "shared expert", "F16",
                "KV cache", "qkv bias", "CPU");
    }

    @Test
    void aMissingModelDirectoryIsOneClearLineAndExitStatusTwo() {
        CliRun r = CliRun.of("info", "--model", tmp.resolve("no-such-model").toString());
        assertThat(r.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(r.err()).startsWith("error: ").contains("no-such-model").doesNotContain("Exception");
    }

    @Test
    void aCorruptModelIsReportedWithTheFileNotAStackTrace() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("broken"));
        for (String f : new String[]{"config.json", "tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(GoldenCheckpoints.checkpoint("llama-tiny").resolve(f), dir.resolve(f));
        }
        Files.write(dir.resolve("model.safetensors"), new byte[]{1, 2, 3});
        CliRun r = CliRun.of("generate", "--model", dir.toString(), "--prompt", "x");
        assertThat(r.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("model.safetensors").doesNotContain("\tat ");
    }

    @Test
    void withoutModelAndWithoutBundledSamplesTheMessageSaysToPassModel() {
        String previous = System.getProperty(ModelOptions.HOME_PROPERTY);
        System.setProperty(ModelOptions.HOME_PROPERTY, tmp.toString());
        try {
            CliRun r = CliRun.of("info");
            assertThat(r.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
            assertThat(r.err()).contains("--model").contains("sample-models");
        } finally {
            if (previous == null) {
                System.clearProperty(ModelOptions.HOME_PROPERTY);
            } else {
                System.setProperty(ModelOptions.HOME_PROPERTY, previous);
            }
        }
    }

    @Test
    void theBundledSampleModelIsTheFirstTargetModelNotADraft() throws IOException {
        Path samples = Files.createDirectories(tmp.resolve("sample-models"));
        for (String d : new String[]{"b-moe", "a-moe-draft", "c-moe"}) {
            Files.createDirectories(samples.resolve(d));
            Files.writeString(samples.resolve(d).resolve("config.json"), "{}");
        }
        Files.createDirectories(samples.resolve("a-notes"));
        assertThat(ModelOptions.bundledModel(samples)).contains(samples.resolve("b-moe"));
    }

    @Test
    void badOptionValuesAreRejectedWithTheirName() {
        CliRun r = CliRun.of("generate", "--model", model("qwen3-tiny"), "--prompt", "x", "--top-p", "1.5");
        assertThat(r.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("top-p");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
