package org.specscope.app;

import org.specscope.engine.trace.ChromeTraceWriter;
import org.specscope.engine.trace.CsvSummaryWriter;
import org.specscope.engine.trace.JsonLinesTraceWriter;
import org.specscope.engine.trace.RecordedRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The formats a run's trace exports to, as in {@code ./specscope run --trace/--csv/--chrome-trace}. */
public enum TraceFormat {

    /** Every record, replayable here or by {@code ./specscope export}. */
    JSON_LINES("Trace as JSON lines", "JSON lines trace", "jsonl"),
    /** One row per step, for spreadsheets and pandas. */
    CSV("Trace as CSV summary", "CSV summary", "csv"),
    /** Draft/verify/accept slices and counters, for Perfetto (ui.perfetto.dev) or chrome://tracing. */
    CHROME("Trace as Chrome trace (Perfetto)", "Chrome trace", "json");

    private final String menuText;
    private final String description;
    private final String extension;

    TraceFormat(String menuText, String description, String extension) {
        this.menuText = menuText;
        this.description = description;
        this.extension = extension;
    }

    public String menuText() {
        return menuText;
    }

    public String description() {
        return description;
    }

    /** The file name extension, without the dot. */
    public String extension() {
        return extension;
    }

    /** Writes {@code run} to {@code file} (created or replaced). */
    public void write(RecordedRun run, Path file) throws IOException {
        try {
            switch (this) {
                case JSON_LINES -> {
                    try (JsonLinesTraceWriter writer = new JsonLinesTraceWriter(file)) {
                        run.replay(writer);
                    }
                }
                case CSV -> CsvSummaryWriter.write(run, file);
                case CHROME -> ChromeTraceWriter.write(run, file);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();   // the writers report a failed line this way
        }
    }
}
