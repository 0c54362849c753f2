package org.specscope.engine.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One row per step for spreadsheets and pandas: a header row, then the step's draft length,
 * acceptance, times, budget, expert traffic and (when measured) verification quality. RFC 4180:
 * rows end in CRLF, a field holding a comma, quote or line break is quoted with its quotes
 * doubled. Numbers are plain decimals (no exponent); a value that does not exist (the utility
 * before Cascade measured one, quality not measured, means over no MoE layers) is an empty field.
 *
 * <p>Milliseconds are the exact decimal of the nanosecond timings. Each row is flushed as it is
 * written, like the JSON lines trace.
 */
public final class CsvSummaryWriter implements TraceSink, AutoCloseable {

    /** The columns, in order. */
    public static final List<String> COLUMNS = List.of("step", "start_ms", "k", "phase", "utility", "set_length",
            "tree_nodes", "accepted", "emitted", "draft_ms", "verify_ms", "accept_ms", "budget", "mean_kept_experts",
            "mean_distinct_natural", "mean_distinct_used", "expert_bytes", "weight_bytes", "top1_agreement", "kl_mean");

    private final Writer out;
    private boolean headerRowWritten;

    /** Creates (or replaces) {@code file}, UTF-8. */
    public CsvSummaryWriter(Path file) throws IOException {
        this(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** Writes to {@code out}, which {@link #close()} closes. */
    public CsvSummaryWriter(Writer out) {
        this.out = out;
    }

    /** Writes a whole recorded run's summary to {@code file}. */
    public static void write(RecordedRun run, Path file) throws IOException {
        try (CsvSummaryWriter writer = new CsvSummaryWriter(file)) {
            run.replay(writer);
        }
    }

    /** Writes a whole recorded run's summary to {@code out}, leaving it open. */
    public static void write(RecordedRun run, Writer out) {
        run.replay(new CsvSummaryWriter(out));
    }

    @Override
    public void onHeader(RunHeader header) {
        writeHeaderRow();
    }

    @Override
    public void onStep(StepTrace s) {
        writeHeaderRow();
        StepTimings t = s.timings();
        VerificationQuality q = s.quality();
        writeRow(List.of(
                Integer.toString(s.step()),
                millis(t.startNanos()),
                Integer.toString(s.controller().k()),
                TraceRecordEncoder.lowercase(s.controller().phase()),
                plain(s.controller().utility()),
                Integer.toString(s.controller().setLength()),
                Integer.toString(s.tree().draftNodes()),
                Integer.toString(s.acceptedDrafts()),
                Integer.toString(s.emittedIds().size()),
                millis(t.draftNanos()),
                millis(t.verifyNanos()),
                millis(t.acceptNanos()),
                s.settings().budget().describe(),
                plain(s.meanKeptExperts()),
                plain(s.meanDistinctNatural()),
                plain(s.meanDistinctUsed()),
                Long.toString(s.expertBytes()),
                Long.toString(s.weightBytes()),
                q == null ? "" : plain(q.top1AgreementRate()),
                q == null ? "" : plain(q.klMean())));
    }

    /** Writes the header row if no row was written (a run without steps still gets its columns). */
    @Override
    public void close() throws IOException {
        writeHeaderRow();
        out.close();
    }

    private void writeHeaderRow() {
        if (!headerRowWritten) {
            headerRowWritten = true;
            writeRow(COLUMNS);
        }
    }

    private void writeRow(List<String> fields) {
        StringBuilder row = new StringBuilder(256);
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                row.append(',');
            }
            row.append(field(fields.get(i)));
        }
        row.append("\r\n");
        try {
            out.append(row);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CSV summary: " + e.getMessage(), e);
        }
    }

    /** One RFC 4180 field: quoted, with inner quotes doubled, only where it must be. */
    static String field(String value) {
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** Nanoseconds as exact milliseconds: 1500000 as "1.5". */
    static String millis(long nanos) {
        return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString();
    }

    /** The shortest decimal of a double without an exponent; empty for NaN or an infinity. */
    static String plain(double v) {
        return Double.isFinite(v) ? new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString() : "";
    }
}
