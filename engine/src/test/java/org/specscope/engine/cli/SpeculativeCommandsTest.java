package org.specscope.engine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.TraceReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run} and {@code sweep}: the speculative commands' contract, run in-process on the sample models. */
class SpeculativeCommandsTest {

    private static final Path SAMPLES = SampleModelDirs.ROOT;
    private static final String TARGET = SAMPLES.resolve("specscope-moe-mini").toString();
    private static final String DRAFT = SAMPLES.resolve("specscope-moe-mini-draft").toString();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    @Test
    void runJsonReportsTheIdsTextAndSpeculationFigures() {
        CliRun r = CliRun.of("run", "--model", TARGET, "--draft", DRAFT, "--prompt", "And God said,", "--max-tokens", "24",
                "--tree", "4,3,10", "--budget", "16", "--policy", "truncate", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        for (String field : List.of("ids", "text", "steps", "tokens_per_second", "mean_accepted",
                "expert_bytes_per_step", "distinct_experts_per_layer")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.get("ids").size()).isEqualTo(24);
        assertThat(json.get("distinct_experts_per_layer").size()).isEqualTo(6);
        for (JsonNode d : json.get("distinct_experts_per_layer")) {
            assertThat(d.asDouble()).isBetween(1.0, 16.0);
        }
        assertThat(json.get("mean_kept_experts").asDouble()).isEqualTo(16.0);
        assertThat(json.get("settings").asString()).contains("B=16 truncate", "tree 4x3/10");
    }

    @Test
    void runWithoutABudgetGivesTheSameTokensAsGenerate() {
        CliRun spec = CliRun.of("run", "--model", TARGET, "--draft", DRAFT, "--prompt", "It is a truth", "--max-tokens", "20",
                "--chain", "3", "--json");
        CliRun plain = CliRun.of("generate", "--model", TARGET, "--prompt", "It is a truth", "--max-tokens", "20", "--json");
        assertThat(spec.exitCode()).as(spec.err()).isZero();
        assertThat(JSON.readTree(spec.out()).get("ids")).isEqualTo(JSON.readTree(plain.out()).get("ids"));
    }

    @Test
    void runWritesAReplayableTraceAChromeTraceAndACsv() throws IOException {
        Path trace = tmp.resolve("run.jsonl");
        Path chrome = tmp.resolve("run.json");
        Path csv = tmp.resolve("run.csv");
        CliRun r = CliRun.of("run", "--model", TARGET, "--draft", DRAFT, "--prompt", "And God said,", "--max-tokens", "16",
                "--cascade", "--chain", "4", "--clock", "h100", "--trace", trace.toString(), "--chrome-trace",
                chrome.toString(), "--csv", csv.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("tokens/s", "drafts accepted per step", "distinct experts by layer");
        RecordedRun recorded = TraceReader.read(trace);
        assertThat(recorded.header().model()).isEqualTo("specscope-moe-mini");
        assertThat(recorded.end()).isNotNull();
        assertThat(recorded.end().generatedIds().size()).isEqualTo(16);
        assertThat(JSON.readTree(chrome.toFile()).get("traceEvents").size()).isPositive();
        assertThat(Files.readAllLines(csv)).hasSize(recorded.steps().size() + 1);
    }

    @Test
    void badOptionsAreRefusedWithOneClearLine() {
        CliRun both = CliRun.of("run", "--model", TARGET, "--prompt", "x", "--budget", "8", "--coverage", "0.8");
        assertThat(both.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(both.err()).contains("--budget and --coverage exclude each other");
        CliRun tree = CliRun.of("run", "--model", TARGET, "--prompt", "x", "--tree", "7,10");
        assertThat(tree.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(tree.err()).contains("DEPTH,TOPK,TOTAL");
        CliRun dense = CliRun.of("run", "--model", GoldenCheckpoints.checkpoint("llama-tiny").toString(), "--prompt", "x",
                "--budget", "4");
        assertThat(dense.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(dense.err()).contains("has no experts");
        CliRun mismatch = CliRun.of("run", "--model", TARGET, "--draft", GoldenCheckpoints.checkpoint("qwen3-tiny").toString(),
                "--prompt", "x");
        assertThat(mismatch.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(mismatch.err()).contains("must share the target's tokenizer");
        CliRun clock = CliRun.of("run", "--model", TARGET, "--prompt", "x", "--clock", "tpu");
        assertThat(clock.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
    }

    @Test
    void sweepWritesOneRowPerSettingAndPromptAndReportsTheTargets() throws IOException {
        Path prompts = tmp.resolve("prompts.txt");
        Files.writeString(prompts, "And God said,\n----\nIt is a truth universally acknowledged\n");
        Path out = tmp.resolve("sweep");
        CliRun r = CliRun.of("sweep", "--model", TARGET, "--draft", DRAFT, "--prompts", prompts.toString(), "--budgets", "16,24",
                "--policies", "substitute", "--static-k", "0,2", "--max-tokens", "12", "--tree", "3,3,8",
                "--clock", "h100", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        // Per prompt: autoregressive, unbudgeted, B=16, B=24, static K=2, cascade, cascade (paper).
        assertThat(rows).hasSize(1 + 2 * 7);
        assertThat(rows.getFirst()).contains("exact_match", "first_divergence", "top1_agreement", "kl_mean");
        JsonNode json = JSON.readTree(out.resolve("sweep.json").toFile());
        assertThat(json.get("runs").size()).isEqualTo(14);
        for (JsonNode run : json.get("runs")) {
            if (run.get("setting").asString().equals("unbudgeted")) {
                assertThat(run.get("exact_match").asDouble()).as("lossless").isEqualTo(1.0);
            }
        }
        // Per prompt: autoregressive (ratio 1), static K=2, cascade, cascade (paper).
        assertThat(Files.readAllLines(out.resolve("cascade.csv"))).hasSize(1 + 2 * 4)
                .anyMatch(l -> l.contains(",cascade (paper),"));
        assertThat(r.out()).contains("expert bytes per verification at B=N/2", "exact match at B=3N/4",
                "worst Cascade / autoregressive", "the paper's controller");
    }
}
