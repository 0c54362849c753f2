package org.specscope.engine.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CsvSummaryTraceTest {

    private static final String HEADER_ROW = "step,start_ms,k,phase,utility,set_length,tree_nodes,accepted,emitted,"
            + "draft_ms,verify_ms,accept_ms,budget,mean_kept_experts,mean_distinct_natural,mean_distinct_used,"
            + "expert_bytes,weight_bytes,top1_agreement,kl_mean";

    @TempDir
    Path dir;

    @Test
    void aStepIsOneRowUnderTheHeaderRow() {
        StepTrace step = TraceSteps.known(7, new StepTimings(1_500_000, 2_000_000, 12_345_678, 1), 1.25,
                new VerificationQuality(4, 3, 0.5));

        List<String> rows = rows(new RecordedRun(TraceSteps.header(), List.of(step), null));

        assertThat(rows).containsExactly(HEADER_ROW,
                "7,1.5,2,set,1.25,8,2,2,3,2,12.345678,0.000001,B=4 substitute,5,3.5,3,10000000,250000000,0.75,0.125");
    }

    @Test
    void valuesThatDoNotExistAreEmptyFields() {
        StepTrace step = TraceSteps.known(0, new StepTimings(0, 0, 1_000, 0), Double.NaN, null);

        String row = rows(new RecordedRun(TraceSteps.header(), List.of(step), null)).get(1);

        assertThat(row.split(",", -1)).hasSize(20);
        assertThat(row).isEqualTo("0,0,2,set,,8,2,2,3,0,0.001,0,B=4 substitute,5,3.5,3,10000000,250000000,,");
    }

    @Test
    void aStepWithoutMoeLayersHasNoExpertMeans() {
        StepTrace s = TraceSteps.known(0, new StepTimings(0, 0, 1_000, 0), 1, null);
        StepTrace dense = new StepTrace(0, s.settings(), s.tree(), List.of(), s.emittedIds(), s.emittedText(),
                s.timings(), s.controller(), 0, s.weightBytes(), null);

        String row = rows(new RecordedRun(TraceSteps.header(), List.of(dense), null)).get(1);

        assertThat(row).contains(",B=4 substitute,,,,0,250000000,,");
    }

    @Test
    void rowsEndInCrlfAsRfc4180Says() {
        StringWriter out = new StringWriter();
        CsvSummaryWriter.write(new TraceFixtures(3).run(2, true), out);

        assertThat(out.toString()).startsWith(HEADER_ROW + "\r\n").endsWith("\r\n");
        assertThat(out.toString().replace("\r\n", "")).doesNotContain("\n");
    }

    @Test
    void fieldsAreQuotedOnlyWhereTheyMustBe() {
        assertThat(CsvSummaryWriter.field("B=16 substitute")).isEqualTo("B=16 substitute");
        assertThat(CsvSummaryWriter.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvSummaryWriter.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvSummaryWriter.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(CsvSummaryWriter.field("cr\r")).isEqualTo("\"cr\r\"");
    }

    @Test
    void numbersAreExactPlainDecimals() {
        assertThat(CsvSummaryWriter.millis(123_456_789_012L)).isEqualTo("123456.789012");
        assertThat(CsvSummaryWriter.millis(1_000_000_000L)).isEqualTo("1000");
        assertThat(CsvSummaryWriter.plain(1e-7)).isEqualTo("0.0000001");
        assertThat(CsvSummaryWriter.plain(1e21)).isEqualTo("1000000000000000000000");
        assertThat(CsvSummaryWriter.plain(Double.POSITIVE_INFINITY)).isEmpty();
    }

    @Test
    void aWholeRunIsOneRowPerStepInAFile() throws IOException {
        RecordedRun run = new TraceFixtures(21).run(9, true);
        Path file = dir.resolve("run.csv");

        CsvSummaryWriter.write(run, file);

        List<String> rows = Files.readAllLines(file);
        assertThat(rows).hasSize(10);
        for (int i = 0; i < run.steps().size(); i++) {
            StepTrace s = run.steps().get(i);
            assertThat(rows.get(i + 1)).startsWith(s.step() + ",")
                    .contains("," + s.settings().budget().describe() + ",");
        }
    }

    @Test
    void aRunWithoutStepsStillHasItsColumns() throws IOException {
        Path file = dir.resolve("empty.csv");
        new CsvSummaryWriter(file).close();

        assertThat(Files.readAllLines(file)).containsExactly(HEADER_ROW);
        assertThat(String.join(",", CsvSummaryWriter.COLUMNS)).isEqualTo(HEADER_ROW);
    }

    private static List<String> rows(RecordedRun run) {
        StringWriter out = new StringWriter();
        CsvSummaryWriter.write(run, out);
        return List.of(out.toString().split("\r\n"));
    }
}
