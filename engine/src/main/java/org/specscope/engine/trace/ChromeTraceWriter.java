package org.specscope.engine.trace;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a run as Chrome trace event JSON, for Perfetto (ui.perfetto.dev) or chrome://tracing:
 * {@code {"traceEvents":[...],"displayTimeUnit":"ms","metadata":{...}}}. One process
 * ("SpecScope: model") with one thread ("decode"); per step, complete ("X") slices for drafting,
 * verification and acceptance laid end to end from the step's start, a flow arrow ("s"/"f")
 * from each draft to the verification it fed, and counters ("C") for the utility U, the draft
 * length K, the mean kept experts B, the accepted tokens and the expert megabytes read.
 *
 * <p>Times are the step timings in microseconds, exact to the nanosecond (a decimal fraction).
 * Events are streamed as steps arrive, in timestamp order; the document is completed by
 * {@link #onEnd} or {@link #close}, whichever comes first, so a cancelled run still gives a
 * valid file.
 */
public final class ChromeTraceWriter implements TraceSink, AutoCloseable {

    static final int PID = 1;
    static final int DECODE_TID = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final JsonGenerator g;
    private RunHeader header;
    private RunEnd end;
    private boolean complete;

    /** Creates (or replaces) {@code file}, UTF-8. */
    public ChromeTraceWriter(Path file) throws IOException {
        this(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** Writes to {@code out}, which {@link #close()} closes. */
    public ChromeTraceWriter(Writer out) {
        g = MAPPER.createGenerator(out);
        g.writeStartObject();
        g.writeArrayPropertyStart("traceEvents");
    }

    /** Writes a whole recorded run to {@code file}. */
    public static void write(RecordedRun run, Path file) throws IOException {
        try (ChromeTraceWriter writer = new ChromeTraceWriter(file)) {
            run.replay(writer);
        }
    }

    /** Writes a whole recorded run to {@code out}, flushed and left open. */
    public static void write(RecordedRun run, Writer out) {
        try (ChromeTraceWriter writer = new ChromeTraceWriter(new FilterWriter(out) {
            @Override
            public void close() throws IOException {
                flush();
            }
        })) {
            run.replay(writer);
        }
    }

    @Override
    public void onHeader(RunHeader h) {
        requireOpen();
        if (header != null) {
            throw new IllegalStateException("a Chrome trace holds one run: the header is already written");
        }
        header = h;
        metadata("process_name", "SpecScope: " + h.model());
        metadata("thread_name", "decode");
    }

    @Override
    public void onStep(StepTrace s) {
        requireOpen();
        if (header == null) {
            throw new IllegalStateException("cannot write step " + s.step() + " before the run's header");
        }
        StepTimings t = s.timings();
        long draftStart = t.startNanos();
        long verifyStart = draftStart + t.draftNanos();
        long acceptStart = verifyStart + t.verifyNanos();
        boolean drafted = s.tree().draftNodes() > 0 || t.draftNanos() > 0;

        double utility = s.controller().utility();
        if (!Double.isNaN(utility)) {
            counter("utility", "U", draftStart, utility);
        }
        counter("draft length", "K", draftStart, s.draftLength());
        double kept = s.meanKeptExperts();
        if (!Double.isNaN(kept)) {
            counter("kept experts", "B", draftStart, kept);
        }
        counter("accepted", "tokens", draftStart, s.acceptedDrafts());
        counter("expert traffic", "MB", draftStart, s.expertBytes() / 1e6);

        if (drafted) {
            slice("draft", s, draftStart, t.draftNanos());
            flow("s", s.step(), draftStart);
        }
        slice("verify", s, verifyStart, t.verifyNanos());
        if (drafted) {
            flow("f", s.step(), verifyStart);
        }
        slice("accept", s, acceptStart, t.acceptNanos());
        g.flush();
    }

    @Override
    public void onEnd(RunEnd e) {
        requireOpen();
        end = e;
        complete();
    }

    @Override
    public void close() {
        if (!complete) {
            complete();
        }
        g.close();
    }

    private void requireOpen() {
        if (complete) {
            throw new IllegalStateException("the Chrome trace is already complete");
        }
    }

    private void complete() {
        complete = true;
        g.writeEndArray();
        g.writeStringProperty("displayTimeUnit", "ms");
        if (header != null) {
            g.writeName("metadata");
            g.writeStartObject();
            g.writeStringProperty("model", header.model());
            g.writeStringProperty("architecture", header.architecture());
            g.writeStringProperty("drafter", header.drafter());
            g.writeStringProperty("backend", header.backend());
            g.writeStringProperty("clock", header.clock());
            g.writeStringProperty("settings", header.settings().describe());
            g.writeStringProperty("startedAt", header.startedAt());
            if (end != null) {
                g.writeStringProperty("stopReason", end.stopReason());
                g.writeNumberProperty("steps", end.steps());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
        g.flush();
    }

    private void metadata(String name, String value) {
        g.writeStartObject();
        g.writeStringProperty("name", name);
        g.writeStringProperty("ph", "M");
        g.writeNumberProperty("pid", PID);
        g.writeNumberProperty("tid", DECODE_TID);
        g.writeName("args");
        g.writeStartObject();
        g.writeStringProperty("name", value);
        g.writeEndObject();
        g.writeEndObject();
    }

    private void slice(String name, StepTrace s, long startNanos, long durationNanos) {
        g.writeStartObject();
        g.writeStringProperty("name", name);
        g.writeStringProperty("cat", "step");
        g.writeStringProperty("ph", "X");
        timestamp("ts", startNanos);
        timestamp("dur", durationNanos);
        g.writeNumberProperty("pid", PID);
        g.writeNumberProperty("tid", DECODE_TID);
        g.writeName("args");
        g.writeStartObject();
        g.writeNumberProperty("step", s.step());
        g.writeNumberProperty("K", s.draftLength());
        g.writeNumberProperty("accepted", s.acceptedDrafts());
        g.writeNumberProperty("tree nodes", s.tree().draftNodes());
        g.writeStringProperty("budget", s.settings().budget().describe());
        g.writeEndObject();
        g.writeEndObject();
    }

    // Perfetto names a counter track "<event name> <arg name>", chrome://tracing "<event name>"
    // with the arg as its series: one event per series keeps every value on its own scale.
    private void counter(String name, String series, long atNanos, double value) {
        startCounter(name, series, atNanos);
        g.writeNumber(value);
        endCounter();
    }

    private void counter(String name, String series, long atNanos, int value) {
        startCounter(name, series, atNanos);
        g.writeNumber(value);
        endCounter();
    }

    private void startCounter(String name, String series, long atNanos) {
        g.writeStartObject();
        g.writeStringProperty("name", name);
        g.writeStringProperty("ph", "C");
        timestamp("ts", atNanos);
        g.writeNumberProperty("pid", PID);
        g.writeNumberProperty("tid", DECODE_TID);
        g.writeName("args");
        g.writeStartObject();
        g.writeName(series);
    }

    private void endCounter() {
        g.writeEndObject();
        g.writeEndObject();
    }

    // "s" binds to the draft slice enclosing its timestamp; "f" with binding point "e" to the
    // verify slice enclosing its own, rather than to whatever slice starts next.
    private void flow(String phase, int step, long atNanos) {
        g.writeStartObject();
        g.writeStringProperty("name", "draft to verify");
        g.writeStringProperty("cat", "flow");
        g.writeStringProperty("ph", phase);
        g.writeNumberProperty("id", step);
        timestamp("ts", atNanos);
        g.writeNumberProperty("pid", PID);
        g.writeNumberProperty("tid", DECODE_TID);
        if (phase.equals("f")) {
            g.writeStringProperty("bp", "e");
        }
        g.writeEndObject();
    }

    /** Microseconds, the unit of ts and dur, exact to the nanosecond: 1234567 ns as 1234.567. */
    private void timestamp(String name, long nanos) {
        g.writeName(name);
        g.writeNumber(micros(nanos));
    }

    static String micros(long nanos) {
        return BigDecimal.valueOf(nanos, 3).stripTrailingZeros().toPlainString();
    }
}
