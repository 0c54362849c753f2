package org.specscope.engine.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.ScoreWeighting;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLinesTraceRoundTripTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2025})
    void aWrittenRunReadsBackAsEqualRecords(long seed) throws IOException {
        RecordedRun run = new TraceFixtures(seed).run(12, true);
        Path file = write(run);

        RecordedRun back = TraceReader.read(file);

        assertThat(back.header()).isEqualTo(run.header());
        assertThat(back.steps()).containsExactlyElementsOf(run.steps());
        assertThat(back.end()).isEqualTo(run.end());
        assertThat(back).isEqualTo(run);
    }

    @Test
    void aRunThatDidNotFinishReadsBackWithoutAnEnd() throws IOException {
        RecordedRun run = new TraceFixtures(7).run(3, false);

        RecordedRun back = TraceReader.read(write(run));

        assertThat(back.finished()).isFalse();
        assertThat(back.steps()).isEqualTo(run.steps());
    }

    @Test
    void aRunWithoutStepsRoundTrips() throws IOException {
        RecordedRun run = new TraceFixtures(8).run(0, true);

        assertThat(TraceReader.read(write(run))).isEqualTo(run);
    }

    @Test
    void theFileIsOneJsonObjectPerLineHeaderFirstEndLast() throws IOException {
        RecordedRun run = new TraceFixtures(3).run(4, true);

        List<String> lines = Files.readAllLines(write(run));

        assertThat(lines).hasSize(6);
        assertThat(type(lines.get(0))).isEqualTo("header");
        assertThat(json(lines.get(0)).get("schema").intValue()).isEqualTo(RunHeader.SCHEMA);
        assertThat(lines.subList(1, 5)).allSatisfy(line -> assertThat(type(line)).isEqualTo("step"));
        assertThat(type(lines.get(5))).isEqualTo("end");
    }

    @Test
    void floatsAreWrittenAsTheirShortestDecimalNotWidenedToDouble() throws IOException {
        StepTrace step = withTargetProbs(new TraceFixtures(1).run(1, true), 0.1f, 1f / 3, Float.MIN_VALUE);

        String line = stepLine(step);

        assertThat(json(line).get("tree").get("targetProbs").toString()).isEqualTo("[0.1,0.33333334,1.4E-45]");
        assertThat(line).doesNotContain("0.10000000149");
    }

    @Test
    void aFloatWhoseDecimalReadsAsADoubleOnAFloatMidpointComesBackItself() throws IOException {
        // Found by scanning every float: decimal -> double -> float rounds this one to its neighbour.
        float f = -7.038531E-26f;
        double viaDouble = Double.parseDouble(Float.toString(f));
        assertThat((float) viaDouble).isNotEqualTo(f);
        RecordedRun run = new TraceFixtures(1).run(1, true);
        StepTrace step = withTargetProbs(run, f, -f);

        assertThat(JsonFields.toFloat(viaDouble)).isEqualTo(f);
        assertThat(roundTrip(run.header(), step).tree().targetProbs()).isEqualTo(FloatSeq.of(f, -f));
    }

    @Test
    void nonFiniteFloatsAreNamedAsStringsAndReadBack() throws IOException {
        RecordedRun run = new TraceFixtures(1).run(1, true);
        StepTrace step = withTargetProbs(run, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);

        String line = stepLine(step);

        assertThat(json(line).get("tree").get("targetProbs").toString()).isEqualTo("[\"NaN\",\"Infinity\",\"-Infinity\"]");
        assertThat(roundTrip(run.header(), step)).isEqualTo(step);
    }

    @Test
    void anUnmeasuredUtilityIsNullAndReadsBackAsNaN() throws IOException {
        RecordedRun run = new TraceFixtures(5).run(1, true);
        StepTrace step = withController(run.steps().getFirst(), new ControllerState(4, ControllerPhase.BASELINE,
                Double.NaN, 8, 0));

        JsonNode controller = json(stepLine(step)).get("controller");

        assertThat(controller.get("utility").isNull()).isTrue();
        assertThat(controller.get("phase").stringValue()).isEqualTo("baseline");
        assertThat(roundTrip(run.header(), step).controller().utility()).isNaN();
    }

    @Test
    void selectionPoliciesAndEnumsAreReadableLowercaseObjects() throws IOException {
        StepTrace step = new TraceFixtures(5).run(1, true).steps().getFirst();

        JsonNode fixed = settingsOf(withBudget(step, ExpertBudget.fixed(16, CoveragePolicy.SUBSTITUTE)));
        JsonNode coverage = settingsOf(withBudget(step, ExpertBudget.coverage(0.8, CoveragePolicy.TRUNCATE)));
        JsonNode unbudgeted = settingsOf(withBudget(step, ExpertBudget.UNLIMITED));

        assertThat(fixed.get("budget").toString())
                .isEqualTo("{\"selection\":{\"policy\":\"fixed\",\"experts\":16},\"coverage\":\"substitute\"}");
        assertThat(coverage.get("budget").toString())
                .isEqualTo("{\"selection\":{\"policy\":\"coverage\",\"tau\":0.8},\"coverage\":\"truncate\"}");
        assertThat(unbudgeted.get("budget").get("selection").toString()).isEqualTo("{\"policy\":\"unbudgeted\"}");
        JsonNode weighted = settingsOf(new StepTrace(step.step(),
                step.settings().withScoring(ScoreWeighting.DEPTH_WEIGHTED), step.tree(), step.layers(),
                step.emittedIds(), step.emittedText(), step.timings(), step.controller(), step.expertBytes(),
                step.weightBytes(), step.quality()));
        assertThat(weighted.get("scoring").stringValue()).isEqualTo("depth_weighted");
    }

    @Test
    void truncatedExpertsAndMissingQualitySurvive() throws IOException {
        RecordedRun run = new TraceFixtures(11).run(30, true, 1);
        List<StepTrace> truncating = run.steps().stream()
                .filter(s -> s.layers().stream().anyMatch(l -> l.usedIds().contains(-1)))
                .toList();
        List<StepTrace> unmeasured = run.steps().stream().filter(s -> s.quality() == null).toList();

        RecordedRun back = TraceReader.read(write(run));

        assertThat(truncating).isNotEmpty();
        assertThat(unmeasured).isNotEmpty();
        assertThat(back.steps()).containsAll(truncating).containsAll(unmeasured);
    }

    @Test
    void eachLineIsFlushedSoARunInProgressIsReadable() throws IOException {
        RecordedRun run = new TraceFixtures(9).run(3, true);
        Path file = dir.resolve("live.jsonl");
        try (JsonLinesTraceWriter writer = new JsonLinesTraceWriter(file)) {
            writer.onHeader(run.header());
            writer.onStep(run.steps().get(0));
            writer.onStep(run.steps().get(1));

            RecordedRun soFar = TraceReader.read(file); // the writer is still open

            assertThat(soFar.header()).isEqualTo(run.header());
            assertThat(soFar.steps()).isEqualTo(run.steps().subList(0, 2));
            assertThat(soFar.finished()).isFalse();
        }
    }

    @Test
    void theStreamingReplayDeliversTheSameRecordsInOrder() throws IOException {
        RecordedRun run = new TraceFixtures(4).run(20, true);
        Path file = write(run);
        List<Object> seen = new ArrayList<>();

        TraceReader.replay(file, TraceReader.Mode.STRICT, new TraceSink() {
            @Override
            public void onHeader(RunHeader header) {
                seen.add(header);
            }

            @Override
            public void onStep(StepTrace step) {
                seen.add(step);
            }

            @Override
            public void onEnd(RunEnd end) {
                seen.add(end);
            }
        });

        List<Object> expected = new ArrayList<>();
        expected.add(run.header());
        expected.addAll(run.steps());
        expected.add(run.end());
        assertThat(seen).isEqualTo(expected);
        assertThat(seen.subList(1, 21)).isEqualTo(TraceReader.read(file).steps());
    }

    @Test
    void aReaderSourceReadsLikeAFileAndAcceptsCrlfAndBlankLines() throws IOException {
        RecordedRun run = new TraceFixtures(12).run(2, true);
        String text = Files.readString(write(run)).replace("\n", "\r\n\r\n");

        RecordedRun back = TraceReader.read(new StringReader(text), "memory", TraceReader.Mode.STRICT);

        assertThat(back).isEqualTo(run);
    }

    @Test
    void theWriterRefusesRecordsOutOfOrder() throws IOException {
        RecordedRun run = new TraceFixtures(2).run(1, true);
        StepTrace step = run.steps().getFirst();
        try (JsonLinesTraceWriter writer = new JsonLinesTraceWriter(new StringWriter())) {
            assertThatThrownBy(() -> writer.onStep(step)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("before the run's header");
            writer.onHeader(run.header());
            assertThatThrownBy(() -> writer.onHeader(run.header())).isInstanceOf(IllegalStateException.class);
            writer.onEnd(run.end());
            assertThatThrownBy(() -> writer.onStep(step)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("after the run's end");
        }
    }

    @Test
    void theWriterWritesOnlyItsOwnSchema() {
        RunHeader h = new TraceFixtures(2).header();
        RunHeader future = new RunHeader(2, h.model(), h.architecture(), h.layers(), h.numExperts(), h.topK(),
                h.normalizeTopK(), h.expertBytes(), h.drafter(), h.backend(), h.clock(), h.promptIds(), h.promptText(),
                h.settings(), h.startedAt());

        assertThatThrownBy(() -> new JsonLinesTraceWriter(new StringWriter()).onHeader(future))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema 1");
    }

    // --- helpers ---

    private Path write(RecordedRun run) throws IOException {
        Path file = Files.createTempFile(dir, "run", ".jsonl");
        try (JsonLinesTraceWriter writer = new JsonLinesTraceWriter(file)) {
            run.replay(writer);
        }
        return file;
    }

    private static String stepLine(StepTrace step) {
        StringWriter out = new StringWriter();
        JsonLinesTraceWriter writer = new JsonLinesTraceWriter(out);
        writer.onHeader(new TraceFixtures(0).header());
        writer.onStep(step);
        return out.toString().lines().toList().get(1);
    }

    private static StepTrace roundTrip(RunHeader header, StepTrace step) {
        StringWriter out = new StringWriter();
        JsonLinesTraceWriter writer = new JsonLinesTraceWriter(out);
        writer.onHeader(header);
        writer.onStep(step);
        return TraceReader.read(new StringReader(out.toString()), "memory", TraceReader.Mode.STRICT).steps().getFirst();
    }

    private static JsonNode settingsOf(StepTrace step) {
        return json(stepLine(step)).get("settings");
    }

    private static StepTrace withTargetProbs(RecordedRun run, float... probs) {
        StepTrace s = run.steps().getFirst();
        int n = probs.length;
        List<String> texts = new ArrayList<>();
        int[] parents = new int[n];
        for (int i = 0; i < n; i++) {
            texts.add("t" + i);
            parents[i] = i - 1;
        }
        TreeTrace tree = new TreeTrace(IntSeq.of(new int[n]), texts, IntSeq.of(parents), FloatSeq.of(probs),
                FloatSeq.of(probs), IntSeq.of(new int[n]), IntSeq.of(0), 1, "x");
        return new StepTrace(s.step(), s.settings(), tree, List.of(), s.emittedIds(), s.emittedText(), s.timings(),
                s.controller(), 0, s.weightBytes(), null);
    }

    private static StepTrace withController(StepTrace s, ControllerState c) {
        return new StepTrace(s.step(), s.settings(), s.tree(), s.layers(), s.emittedIds(), s.emittedText(), s.timings(),
                c, s.expertBytes(), s.weightBytes(), s.quality());
    }

    private static StepTrace withBudget(StepTrace s, ExpertBudget budget) {
        return new StepTrace(s.step(), s.settings().withBudget(budget), s.tree(), s.layers(), s.emittedIds(),
                s.emittedText(), s.timings(), s.controller(), s.expertBytes(), s.weightBytes(), s.quality());
    }

    private static JsonNode json(String line) {
        return JSON.readTree(line);
    }

    private static String type(String line) {
        return json(line).get("type").stringValue();
    }
}
