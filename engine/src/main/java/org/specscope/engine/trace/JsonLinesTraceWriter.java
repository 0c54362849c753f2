package org.specscope.engine.trace;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * Records a run as a JSON lines trace: one JSON object per line, the header first
 * ({@code "type":"header"}, with the schema version), then one {@code "type":"step"} line per
 * step, then {@code "type":"end"}. {@link TraceReader} reads it back into equal records.
 *
 * <p>Each line is composed whole and flushed before the call returns, so a run that crashes
 * leaves a readable prefix: at worst its last line is cut off, which the reader reports as
 * truncated (or drops, in lenient mode). Records must arrive in the order above; the writer
 * refuses anything else rather than write a file no reader accepts. One thread at a time.
 */
public final class JsonLinesTraceWriter implements TraceSink, AutoCloseable {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Writer out;
    private final StringWriter line = new StringWriter(1 << 12);
    private boolean headerWritten;
    private boolean endWritten;

    /** Creates (or replaces) {@code file}, UTF-8. */
    public JsonLinesTraceWriter(Path file) throws IOException {
        this(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** Writes to {@code out}, which {@link #close()} closes. */
    public JsonLinesTraceWriter(Writer out) {
        this.out = out;
    }

    @Override
    public void onHeader(RunHeader header) {
        if (headerWritten) {
            throw new IllegalStateException("a trace file holds one run: the header is already written");
        }
        if (header.schema() != RunHeader.SCHEMA) {
            throw new IllegalArgumentException("this SpecScope writes trace schema " + RunHeader.SCHEMA
                    + ", the header says " + header.schema());
        }
        writeLine(TraceRecordEncoder::header, header);
        headerWritten = true;
    }

    @Override
    public void onStep(StepTrace step) {
        requireOpenRun("step " + step.step());
        writeLine(TraceRecordEncoder::step, step);
    }

    @Override
    public void onEnd(RunEnd end) {
        requireOpenRun("the end");
        writeLine(TraceRecordEncoder::end, end);
        endWritten = true;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void requireOpenRun(String what) {
        if (!headerWritten) {
            throw new IllegalStateException("cannot record " + what + " before the run's header");
        }
        if (endWritten) {
            throw new IllegalStateException("cannot record " + what + " after the run's end");
        }
    }

    private <T> void writeLine(BiConsumer<JsonGenerator, T> encoder, T record) {
        line.getBuffer().setLength(0);
        try (JsonGenerator g = MAPPER.createGenerator(line)) {
            encoder.accept(g, record);
        }
        line.append('\n');
        try {
            out.append(line.getBuffer());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trace: " + e.getMessage(), e);
        }
    }
}
