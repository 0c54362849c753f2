package org.specscope.engine.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.trace.CsvSummaryWriter;
import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.TraceReader;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code export}: a saved trace converts to every other format, and a bad trace is refused in one line. */
class ExportCommandTest {

    private static final Path SAMPLES = SampleModelDirs.ROOT;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    private Path trace;

    @BeforeEach
    void recordATrace() {
        trace = tmp.resolve("run.jsonl");
        CliRun r = CliRun.of("run", "--model", SAMPLES.resolve("specscope-moe-mini").toString(), "--draft",
                SAMPLES.resolve("specscope-moe-mini-draft").toString(), "--prompt", "And God said,", "--max-tokens", "12",
                "--chain", "3", "--clock", "h100", "--trace", trace.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void convertsASavedTraceToCsvChromeTraceAndJsonLinesThatReadBackEqual() throws IOException {
        Path csv = tmp.resolve("out.csv");
        Path chrome = tmp.resolve("out.json");
        Path jsonl = tmp.resolve("out.jsonl");
        CliRun r = CliRun.of("export", "--trace", trace.toString(), "--csv", csv.toString(), "--chrome-trace",
                chrome.toString(), "--jsonl", jsonl.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        RecordedRun original = TraceReader.read(trace);
        assertThat(r.out()).contains("specscope-moe-mini", original.steps().size() + " steps", "wrote " + csv,
                "wrote " + chrome, "wrote " + jsonl);
        assertThat(TraceReader.read(jsonl)).isEqualTo(original);
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(original.steps().size() + 1);
        assertThat(rows.getFirst()).isEqualTo(String.join(",", CsvSummaryWriter.COLUMNS));
        assertThat(JSON.readTree(chrome.toFile()).get("traceEvents").size()).isPositive();
    }

    @Test
    void withoutOutputsItOnlyValidates() {
        CliRun r = CliRun.of("export", "--trace", trace.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("ended");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aBadFieldIsRefusedWithOneLineNamingTheFileLineAndFieldAndNothingIsWritten() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(trace));
        lines.set(2, lines.get(2).replaceFirst("\"step\":1,", "\"step\":\"one\","));
        Path bad = tmp.resolve("bad.jsonl");
        Files.write(bad, lines);
        Path csv = tmp.resolve("never.csv");
        CliRun r = CliRun.of("export", "--trace", bad.toString(), "--csv", csv.toString());
        assertThat(r.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("error: " + bad + ": line 3: step: ");
        assertThat(csv).doesNotExist();
    }

    @Test
    void aTruncatedTraceIsRefusedUnlessLenient() throws IOException {
        String text = Files.readString(trace);
        Path cut = tmp.resolve("cut.jsonl");
        Files.writeString(cut, text.substring(0, text.length() - 20));   // the end record cut off mid-line
        CliRun strict = CliRun.of("export", "--trace", cut.toString());
        assertThat(strict.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(strict.err()).contains(cut.toString(), "truncated");
        Path csv = tmp.resolve("kept.csv");
        CliRun lenient = CliRun.of("export", "--trace", cut.toString(), "--lenient", "--csv", csv.toString());
        assertThat(lenient.exitCode()).as(lenient.err()).isZero();
        assertThat(lenient.out()).contains("no end record");
        assertThat(Files.readAllLines(csv)).hasSize(TraceReader.read(trace).steps().size() + 1);
    }

    @Test
    void anUnwritableOutputOrOverwritingTheInputIsOneClearLine() {
        Path nowhere = tmp.resolve("no-such-dir").resolve("out.csv");
        CliRun r = CliRun.of("export", "--trace", trace.toString(), "--csv", nowhere.toString());
        assertThat(r.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("cannot write " + nowhere, "directory does not exist");
        CliRun self = CliRun.of("export", "--trace", trace.toString(), "--jsonl", trace.toString());
        assertThat(self.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(self.err()).contains("is the trace being read");
        CliRun missing = CliRun.of("export", "--trace", tmp.resolve("missing.jsonl").toString());
        assertThat(missing.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(missing.err()).contains("missing.jsonl", "file not found");
    }
}
