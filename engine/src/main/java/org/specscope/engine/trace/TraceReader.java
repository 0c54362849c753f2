package org.specscope.engine.trace;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a JSON lines trace ({@link JsonLinesTraceWriter}'s format): whole into a
 * {@link RecordedRun}, or streamed step by step into a {@link TraceSink} so that a long run's
 * trace never has to fit in memory. Any problem is a {@link TraceFormatException} naming the
 * file, the line and the field.
 */
public final class TraceReader {

    /** What to do with a last line cut off mid-record (the writer crashed or was killed). */
    public enum Mode {
        /** Refuse the file, naming the truncated line. */
        STRICT,
        /**
         * Keep every complete line and drop the truncated last one; the run then has no end.
         * Only truncation is forgiven: a malformed complete line is an error in both modes.
         */
        LENIENT
    }

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private TraceReader() {
    }

    /** The whole trace, refusing a truncated last line. */
    public static RecordedRun read(Path file) {
        return read(file, Mode.STRICT);
    }

    public static RecordedRun read(Path file, Mode mode) {
        RecordingSink collector = new RecordingSink();
        replay(file, mode, collector);
        return collector.run();
    }

    /** The whole trace from a reader; {@code source} names it in error messages. */
    public static RecordedRun read(Reader in, String source, Mode mode) {
        RecordingSink collector = new RecordingSink();
        replay(in, source, mode, collector);
        return collector.run();
    }

    /**
     * Streams the trace into {@code sink} one record at a time, in file order: the header, each
     * step, and the end if the run finished. Only one line is held at a time. A problem stops the
     * replay with a {@link TraceFormatException} after the sink has seen every record before it.
     */
    public static void replay(Path file, Mode mode, TraceSink sink) {
        String source = file.toString();
        // Decoding replaces malformed UTF-8 rather than failing: a crash can cut a character in
        // half at the end of the file, and that line must be reported as truncated.
        try (Reader in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            replay(new TraceLines(in), source, mode, sink);
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(source, 0, null, "file not found", e);
        } catch (IOException e) {
            throw new TraceFormatException(source, 0, null, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@link #replay(Path, Mode, TraceSink)} from a reader, which the caller closes. */
    public static void replay(Reader in, String source, Mode mode, TraceSink sink) {
        try {
            replay(new TraceLines(in), source, mode, sink);
        } catch (IOException e) {
            throw new TraceFormatException(source, 0, null, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static void replay(TraceLines lines, String source, Mode mode, TraceSink sink) throws IOException {
        boolean headerSeen = false;
        boolean endSeen = false;
        for (TraceLines.Line line = lines.next(); line != null; line = lines.next()) {
            if (line.text().isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = MAPPER.readTree(line.text());
            } catch (JacksonException e) {
                if (!line.terminated()) {
                    if (mode == Mode.LENIENT) {
                        break;
                    }
                    throw new TraceFormatException(source, line.number(), null, "truncated: the file ends in the middle of"
                            + " this record (did the run stop while writing it?); read in lenient mode to keep the "
                            + "complete lines before it", e);
                }
                throw new TraceFormatException(source, line.number(), null, "not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (!node.isObject()) {
                throw new TraceFormatException(source, line.number(), null,
                        "expected a JSON object (one record per line), got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            JsonFields fields = new JsonFields(node, "", source, line.number());
            String type = fields.string("type");
            if (!type.equals("header") && !type.equals("step") && !type.equals("end")) {
                throw fields.fail("type", "expected \"header\", \"step\" or \"end\", got \"" + type + "\"");
            }
            if (!headerSeen && !type.equals("header")) {
                throw fields.fail("type", "expected the header first, got a \"" + type + "\" record");
            }
            if (headerSeen && type.equals("header")) {
                throw fields.fail("type", "a second header: one trace file holds one run");
            }
            if (endSeen) {
                throw fields.fail("type", "a \"" + type + "\" record after the end record");
            }
            switch (type) {
                case "header" -> {
                    sink.onHeader(TraceRecordDecoder.header(fields));
                    headerSeen = true;
                }
                case "step" -> sink.onStep(TraceRecordDecoder.step(fields));
                default -> {
                    sink.onEnd(TraceRecordDecoder.end(fields));
                    endSeen = true;
                }
            }
        }
        if (!headerSeen) {
            throw new TraceFormatException(source, 0, null, "no header: a trace file starts with a complete header line");
        }
    }
}
