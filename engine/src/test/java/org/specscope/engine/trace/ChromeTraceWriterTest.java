package org.specscope.engine.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChromeTraceWriterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void theDocumentIsATraceEventObjectInMilliseconds() throws IOException {
        JsonNode doc = chrome(new TraceFixtures(1).run(5, true));

        assertThat(doc.get("traceEvents").isArray()).isTrue();
        assertThat(doc.get("displayTimeUnit").stringValue()).isEqualTo("ms");
        assertThat(events(doc)).allSatisfy(e -> {
            assertThat(Set.of("M", "X", "C", "s", "f")).contains(e.get("ph").stringValue());
            assertThat(e.get("name").isString()).isTrue();
            assertThat(e.get("pid").intValue()).isEqualTo(ChromeTraceWriter.PID);
            assertThat(e.get("tid").intValue()).isEqualTo(ChromeTraceWriter.DECODE_TID);
        });
    }

    @Test
    void metadataNamesTheProcessAfterTheModelAndTheThreadDecode() throws IOException {
        RecordedRun run = new TraceFixtures(2).run(1, true);

        List<JsonNode> meta = events(chrome(run), e -> e.get("ph").stringValue().equals("M"));

        assertThat(meta).extracting(e -> e.get("name").stringValue() + "=" + e.get("args").get("name").stringValue())
                .containsExactly("process_name=SpecScope: " + run.header().model(), "thread_name=decode");
    }

    @Test
    void eachStepIsDraftVerifyAcceptSlicesInMicrosecondsFromItsTimings() throws IOException {
        StepTrace step = TraceSteps.known(3, new StepTimings(1_000_500, 2_000_000, 12_345_678, 7_000), 1.5, null);
        RecordedRun run = new RecordedRun(TraceSteps.header(), List.of(step), null);

        List<JsonNode> slices = events(chrome(run), e -> e.get("ph").stringValue().equals("X"));

        assertThat(slices).extracting(e -> e.get("name").stringValue()).containsExactly("draft", "verify", "accept");
        assertThat(slices).extracting(e -> micros(e, "ts") + "+" + micros(e, "dur"))
                .containsExactly("1000.5+2000", "3000.5+12345.678", "15346.178+7");
        assertThat(slices).allSatisfy(e -> assertThat(e.get("args").toString())
                .isEqualTo("{\"step\":3,\"K\":2,\"accepted\":2,\"tree nodes\":2,\"budget\":\"B=4 substitute\"}"));
    }

    @Test
    void countersCarryUtilityDraftLengthKeptExpertsAcceptedAndExpertMegabytes() throws IOException {
        StepTrace step = TraceSteps.known(0, new StepTimings(5_000, 1_000, 1_000, 1_000), 1.5, null);
        RecordedRun run = new RecordedRun(TraceSteps.header(), List.of(step), null);

        List<JsonNode> counters = events(chrome(run), e -> e.get("ph").stringValue().equals("C"));

        assertThat(counters).extracting(e -> e.get("name").stringValue() + " " + e.get("args"))
                .containsExactly("utility {\"U\":1.5}", "draft length {\"K\":2}", "kept experts {\"B\":5.0}",
                        "accepted {\"tokens\":2}", "expert traffic {\"MB\":10.0}");
        assertThat(counters).allSatisfy(e -> assertThat(micros(e, "ts")).isEqualTo("5"));
    }

    @Test
    void everyStepHasItsCountersAndAnUnmeasuredUtilityIsLeftOut() throws IOException {
        RecordedRun run = new TraceFixtures(5).run(30, true);

        List<JsonNode> doc = events(chrome(run), e -> e.get("ph").stringValue().equals("C"));

        for (StepTrace s : run.steps()) {
            String ts = micros(s.timings().startNanos());
            List<String> names = doc.stream().filter(e -> micros(e, "ts").equals(ts))
                    .map(e -> e.get("name").stringValue()).toList();
            assertThat(names).contains("draft length", "accepted", "expert traffic");
            assertThat(names.contains("utility")).isEqualTo(!Double.isNaN(s.controller().utility()));
        }
        assertThat(run.steps()).anyMatch(s -> Double.isNaN(s.controller().utility()));
    }

    @Test
    void aFlowLinksEachDraftToTheVerificationItFed() throws IOException {
        RecordedRun run = new TraceFixtures(6).run(12, true);
        List<JsonNode> events = events(chrome(run));

        for (StepTrace s : run.steps()) {
            List<JsonNode> flow = events.stream().filter(e -> e.has("id") && e.get("id").intValue() == s.step()).toList();
            if (s.tree().draftNodes() == 0 && s.timings().draftNanos() == 0) {
                assertThat(flow).isEmpty();
                continue;
            }
            assertThat(flow).extracting(e -> e.get("ph").stringValue()).containsExactly("s", "f");
            assertThat(micros(flow.get(0), "ts")).isEqualTo(micros(s.timings().startNanos()));
            assertThat(micros(flow.get(1), "ts")).isEqualTo(micros(s.timings().startNanos() + s.timings().draftNanos()));
            assertThat(flow.get(1).get("bp").stringValue()).isEqualTo("e");
        }
    }

    @Test
    void timestampsNeverGoBackwards() throws IOException {
        List<JsonNode> timed = events(chrome(new TraceFixtures(7).run(40, true)), e -> e.has("ts"));

        List<BigDecimal> ts = new ArrayList<>();
        timed.forEach(e -> ts.add(e.get("ts").decimalValue()));
        assertThat(ts).hasSizeGreaterThan(40 * 4).isSorted();
    }

    @Test
    void metadataSaysHowTheRunEnded() throws IOException {
        RecordedRun run = new TraceFixtures(8).run(2, true);

        JsonNode metadata = chrome(run).get("metadata");

        assertThat(metadata.get("model").stringValue()).isEqualTo(run.header().model());
        assertThat(metadata.get("settings").stringValue()).isEqualTo(run.header().settings().describe());
        assertThat(metadata.get("stopReason").stringValue()).isEqualTo(run.end().stopReason());
    }

    @Test
    void aRunClosedBeforeItsEndIsStillValidJson() throws IOException {
        RecordedRun run = new TraceFixtures(9).run(3, false);
        StringWriter out = new StringWriter();
        try (ChromeTraceWriter writer = new ChromeTraceWriter(out)) {
            run.replay(writer);
        }

        JsonNode doc = JSON.readTree(out.toString());

        assertThat(events(doc, e -> e.get("name").stringValue().equals("verify"))).hasSize(3);
        assertThat(doc.get("metadata").has("stopReason")).isFalse();
    }

    @Test
    void aJsonLinesTraceStreamsStraightIntoAChromeTrace() throws IOException {
        RecordedRun run = new TraceFixtures(10).run(6, true);
        Path jsonl = dir.resolve("run.jsonl");
        try (JsonLinesTraceWriter writer = new JsonLinesTraceWriter(jsonl)) {
            run.replay(writer);
        }
        Path streamed = dir.resolve("streamed.json");
        Path whole = dir.resolve("whole.json");

        try (ChromeTraceWriter writer = new ChromeTraceWriter(streamed)) {
            TraceReader.replay(jsonl, TraceReader.Mode.STRICT, writer);
        }
        ChromeTraceWriter.write(TraceReader.read(jsonl), whole);

        assertThat(Files.readString(streamed)).isEqualTo(Files.readString(whole));
    }

    @Test
    void stepsAfterTheEndAreRefused() {
        RecordedRun run = new TraceFixtures(11).run(1, true);
        ChromeTraceWriter writer = new ChromeTraceWriter(new StringWriter());
        run.replay(writer);

        assertThatThrownBy(() -> writer.onStep(run.steps().getFirst())).isInstanceOf(IllegalStateException.class);
    }

    // --- helpers ---

    private static JsonNode chrome(RecordedRun run) throws IOException {
        StringWriter out = new StringWriter();
        ChromeTraceWriter.write(run, out);
        return JSON.readTree(out.toString());
    }

    private static List<JsonNode> events(JsonNode doc) {
        return events(doc, e -> true);
    }

    private static List<JsonNode> events(JsonNode doc, Predicate<JsonNode> which) {
        List<JsonNode> out = new ArrayList<>();
        doc.get("traceEvents").forEach(e -> {
            if (which.test(e)) {
                out.add(e);
            }
        });
        return out;
    }

    private static String micros(JsonNode event, String field) {
        return event.get(field).decimalValue().stripTrailingZeros().toPlainString();
    }

    private static String micros(long nanos) {
        return BigDecimal.valueOf(nanos, 3).stripTrailingZeros().toPlainString();
    }
}
