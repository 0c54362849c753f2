package org.specscope.engine.cli;

import org.specscope.engine.trace.ChromeTraceWriter;
import org.specscope.engine.trace.CsvSummaryWriter;
import org.specscope.engine.trace.JsonLinesTraceWriter;
import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.TraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code export}: converts a saved JSON lines trace (from {@code run --trace} or the app's
 * export) to the other trace formats, headless, for scripts. The trace is read whole and
 * validated first, so a bad trace writes nothing and fails with one line naming the file, the
 * line and the field. Figures come from {@code ./specscope figure} (the app module, which has the views).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Convert a saved trace (JSON lines) to a CSV summary, a Chrome trace (Perfetto) or JSON lines again.")
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--trace", required = true, paramLabel = "FILE.jsonl", description = "The saved trace to read.")
    Path trace;

    @Option(names = "--csv", paramLabel = "OUT.csv", description = "Write one summary row per step.")
    Path csv;

    @Option(names = "--chrome-trace", paramLabel = "OUT.json", description = "Write a Chrome trace (opens in Perfetto).")
    Path chromeTrace;

    @Option(names = "--jsonl", paramLabel = "OUT.jsonl", description = "Write the trace again as JSON lines (normalised).")
    Path jsonl;

    @Option(names = "--lenient", description = "Keep the complete lines of a trace whose last line was cut off (a crashed run).")
    boolean lenient;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        for (Path output : new Path[]{csv, chromeTrace, jsonl}) {
            // Read whole before writing, but a failed write would still lose the only copy.
            if (output != null && output.toAbsolutePath().normalize().equals(trace.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException(output + " is the trace being read: choose another output file");
            }
        }
        RecordedRun run = TraceReader.read(trace, lenient ? TraceReader.Mode.LENIENT : TraceReader.Mode.STRICT);
        out.printf(Locale.ROOT, "%s: %s, %d steps, %s%n", trace, run.header().model(), run.steps().size(),
                run.finished() ? "ended (" + run.end().stopReason().toLowerCase(Locale.ROOT) + ")" : "no end record");
        if (csv != null) {
            write(csv, () -> CsvSummaryWriter.write(run, csv));
            out.println("wrote " + csv + " (CSV summary)");
        }
        if (chromeTrace != null) {
            write(chromeTrace, () -> ChromeTraceWriter.write(run, chromeTrace));
            out.println("wrote " + chromeTrace + " (Chrome trace)");
        }
        if (jsonl != null) {
            write(jsonl, () -> writeJsonLines(run, jsonl));
            out.println("wrote " + jsonl + " (JSON lines trace)");
        }
        out.flush();
        return 0;
    }

    /** The whole run as a JSON lines trace (what {@code run --trace} writes live). */
    static void writeJsonLines(RecordedRun run, Path file) throws IOException {
        try (JsonLinesTraceWriter writer = new JsonLinesTraceWriter(file)) {
            run.replay(writer);
        }
    }

    private interface Writing {
        void run() throws IOException;
    }

    /** One clear line for an output that cannot be written (no such directory, no permission). */
    private static void write(Path file, Writing writing) throws IOException {
        try {
            writing.run();
        } catch (UncheckedIOException e) {
            throw cannotWrite(file, e.getCause());
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
    }

    private static IOException cannotWrite(Path file, IOException e) {
        String why = switch (e) {
            case NoSuchFileException n -> "its directory does not exist";
            case AccessDeniedException a -> "permission denied";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
        return new IOException("cannot write " + file + ": " + why, e);
    }
}
