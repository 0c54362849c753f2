package org.specscope.engine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.SampleModelDirs;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench} on the bundled sample model with tiny settings: the report's shape, not its speed. */
class BenchCommandTest {

    private static final String SAMPLE = SampleModelDirs.TARGET.toString();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[] TINY = {"--model", SAMPLE, "--tokens", "2", "--batch", "2,16", "--repeats", "1",
            "--warmup", "0", "--context", "8", "--bandwidth-bytes", "1048576", "--threads", "2"};

    private static CliRun bench(String... more) {
        String[] args = new String[1 + TINY.length + more.length];
        args[0] = "bench";
        System.arraycopy(TINY, 0, args, 1, TINY.length);
        System.arraycopy(more, 0, args, 1 + TINY.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void jsonHasTheDecodeTheVerificationPassesTheBandwidthTheComputePeakTheMemoryAndTheTargets() {
        CliRun r = bench("--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        for (String field : List.of("model", "architecture", "backend", "threads", "vector_bits", "weight_bytes",
                "context_tokens", "decode", "verification", "bandwidth", "compute_peak", "memory", "targets")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.get("threads").asInt()).isEqualTo(2);
        JsonNode decode = json.get("decode");
        assertThat(decode.get("tokens").asInt()).isEqualTo(2);
        for (String field : List.of("tokens_per_s", "weight_bytes_per_token", "gb_per_s", "bandwidth_ratio",
                "roofline_ms_per_token", "roofline_fraction")) {
            assertThat(decode.get(field).asDouble()).as(field).isPositive();
        }
        assertThat(decode.get("distinct_experts_per_layer").asDouble()).as("top-4").isEqualTo(4.0);

        JsonNode passes = json.get("verification");
        assertThat(passes.size()).as("1 (always), 2 and 16 tokens, natural and same experts").isEqualTo(6);
        for (JsonNode p : passes) {
            assertThat(p.get("routing").asString()).isIn("natural", "same_experts");
            assertThat(p.get("tokens").asInt()).isIn(1, 2, 16);
            for (String field : List.of("median_ms", "ratio_to_one_token", "weight_bytes_per_pass", "gb_per_s",
                    "bandwidth_ratio", "roofline_ms", "roofline_fraction")) {
                assertThat(p.get(field).asDouble()).as(field).isPositive();
            }
            assertThat(p.get("bound").asString()).isIn("memory", "compute");
            if (p.get("routing").asString().equals("same_experts")) {
                assertThat(p.get("distinct_experts_per_layer").asDouble()).isEqualTo(4.0);
            }
        }

        JsonNode bandwidth = json.get("bandwidth");
        assertThat(bandwidth.get("buffer_bytes").asLong()).isEqualTo(1 << 20);
        assertThat(bandwidth.get("best_gb_per_s").asDouble()).isPositive();
        JsonNode compute = json.get("compute_peak");
        assertThat(compute.get("threads").asInt()).isEqualTo(2);
        assertThat(compute.get("repeats").asInt()).isEqualTo(1);
        assertThat(compute.get("vector_bits").asInt()).isEqualTo(json.get("vector_bits").asInt());
        for (String field : List.of("best_gflops_per_s", "median_gflops_per_s", "machine_balance_flops_per_byte")) {
            assertThat(compute.get(field).asDouble()).as(field).isPositive();
        }
        JsonNode targets = json.get("targets");
        assertThat(targets.get("decode_bandwidth_ratio").asDouble()).isPositive();
        assertThat(targets.get("verification_16_over_1").asDouble()).isPositive();
        assertThat(targets.get("verification_16_over_1_roofline_floor").asDouble()).isPositive();
        assertThat(targets.has("peak_rss_over_weights")).isTrue();
    }

    @Test
    void textNamesEveryMeasurementAndTheTargets() {
        CliRun r = bench();
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("decode at batch 1", "tokens/s", "MB of weights read per token",
                "of the measured bandwidth", "same experts", "natural", "memory bandwidth", "resident memory",
                "decode at batch 1 / measured bandwidth", "verification 16 tokens / 1 token (same experts)",
                "peak resident memory / weights", "compute peak", "GFLOP/s (rooflines use the best)",
                "machine balance", "roofline ms", "of roofline", "bound", "ms/token (",
                "roofline floor of that ratio on this machine", "16 tokens: ", "1 token: ");
        assertThat(r.err()).contains("bench: warm-up", "bench: round 1/1");
    }

    @Test
    void withoutSixteenTokensTheVerificationTargetSaysItWasNotMeasured() {
        CliRun r = CliRun.of("bench", "--model", SAMPLE, "--tokens", "1", "--batch", "2", "--repeats", "1",
                "--warmup", "0", "--context", "4", "--bandwidth-bytes", "65536");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("not measured (add 16 to --batch)").doesNotContain("roofline floor");
    }

    @Test
    void aKernelProfileOnTheCpuSaysThereAreNoKernels() {
        CliRun r = CliRun.of("bench", "--model", SAMPLE, "--backend", "cpu", "--tokens", "1", "--batch", "1",
                "--repeats", "1", "--warmup", "0", "--context", "4", "--bandwidth-bytes", "65536", "--kernel-profile");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("kernel profile: none (the cpu backend runs no device kernels)");
    }

    @Test
    void badInputIsRefusedWithOneClearLine() {
        assertBadInput(CliRun.of("bench", "--model", SAMPLE, "--batch", "1,0"), "--batch sizes must be at least 1");
        assertBadInput(CliRun.of("bench", "--model", SAMPLE, "--tokens", "0"), "--tokens must be at least 1");
        assertBadInput(CliRun.of("bench", "--model", SAMPLE, "--bandwidth-bytes", "100"), "--bandwidth-bytes");
        assertBadInput(CliRun.of("bench", "--model", "/no/such/model"), "/no/such/model", "not a directory");
        assertBadInput(CliRun.of("bench", "--model", SAMPLE, "--context", "4000", "--bandwidth-bytes", "65536"),
                "exceed the model's");
    }

    private static void assertBadInput(CliRun r, String... messages) {
        assertThat(r.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(r.err()).startsWith("error: ").contains(messages);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void theTreeRowVerifiesOneSixtyFourNodeTreeUnbudgetedAndAtHalfTheExperts() {
        CliRun r = bench("--tree", "64", "--batch", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("tree verification (one 64-node draft tree", "grown as tree 6x8/63",
                "N = 32 experts", "unbudgeted", "B=16 substitute", "budgeted / unbudgeted: time",
                "tree verification 64 nodes, B=16 substitute / unbudgeted: ", "(target <= 0.65x)");
        assertThat(r.out()).doesNotContain("device memory bandwidth");

        JsonNode json = JSON.readTree(bench("--tree", "64", "--batch", "2", "--json").out());
        JsonNode tree = json.get("tree");
        assertThat(tree.get("nodes").asInt()).isEqualTo(64);
        assertThat(tree.get("budgeted").get("expert_bytes_per_pass").asLong())
                .isLessThan(tree.get("unbudgeted").get("expert_bytes_per_pass").asLong());
        assertThat(json.get("targets").get("tree_budgeted_over_unbudgeted").asDouble()).isPositive();
        assertThat(json.get("device").isNull()).as("the CPU has no device peaks").isTrue();
    }

    /**
     * A synthetic checkpoint's random weights draft the same few tokens all over the tree, the more
     * so the wider the model (at olmoe-1b-7b's full width the drafted tree reached 31 of 64 experts
     * per layer on an H100, 40 here at a quarter width, text 50); --tree-tokens text keeps the
     * drafted tree's shape and puts the bench text's next tokens in its draft nodes, which reach
     * experts as text does: more of them, so that a budget of N/2 has something to cut.
     */
    @Test
    void theTextTreeKeepsTheDraftedShapeAndReachesMoreExpertsOfASyntheticCheckpoint(@TempDir Path tmp) {
        Path synth = tmp.resolve("olmoe");
        String home = System.getProperty(ModelOptions.HOME_PROPERTY);
        System.setProperty(ModelOptions.HOME_PROPERTY, SampleModelDirs.ROOT.getParent().toString());   // synth copies the sample tokenizer
        CliRun made;
        try {
            made = CliRun.of("synth", "--like", "olmoe-1b-7b", "--scale", "0.25", "--experts", "64", "--layers", "1",
                    "--vocab", "4096", "--out", synth.toString());
        } finally {
            if (home == null) {
                System.clearProperty(ModelOptions.HOME_PROPERTY);
            } else {
                System.setProperty(ModelOptions.HOME_PROPERTY, home);
            }
        }
        assertThat(made.exitCode()).as(made.err()).isZero();
        JsonNode drafted = treeOf(synth, "drafted");
        JsonNode text = treeOf(synth, "text");
        assertThat(drafted.get("shape").asString()).startsWith("grown as tree 6x8/63 by the target itself");
        assertThat(text.get("shape").asString()).startsWith("shaped as the target's tree 6x8/63")
                .contains("the bench text's next 63 tokens");
        assertThat(text.get("nodes").asInt()).isEqualTo(drafted.get("nodes").asInt()).isEqualTo(64);
        assertThat(text.get("depth").asInt()).isEqualTo(drafted.get("depth").asInt());
        double draftedExperts = drafted.get("unbudgeted").get("distinct_experts_per_layer").asDouble();
        double textExperts = text.get("unbudgeted").get("distinct_experts_per_layer").asDouble();
        assertThat(textExperts).as("experts the text tree reaches, vs the drafted tree's %s", draftedExperts)
                .isGreaterThan(draftedExperts + 4);
        assertThat(text.get("budgeted").get("distinct_experts_per_layer").asDouble()).isLessThanOrEqualTo(32.0);
    }

    private static JsonNode treeOf(Path model, String tokens) {
        CliRun r = CliRun.of("bench", "--model", model.toString(), "--tokens", "1", "--batch", "2", "--repeats", "1",
                "--warmup", "0", "--context", "8", "--bandwidth-bytes", "1048576", "--threads", "2", "--tree", "64",
                "--tree-tokens", tokens, "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out()).get("tree");
    }
}
