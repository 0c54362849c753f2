package org.specscope.app;

import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.StepTrace;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * One run of this session, listed in the left panel: a finished live run or an opened trace,
 * kept whole in memory so that selecting it shows it again without a model or a file.
 *
 * @param number the session's count, from 1
 * @param trace  the file it was opened from; null for a live run
 */
public record RunEntry(int number, RecordedRun run, Path trace) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    public String model() {
        return run.header().model();
    }

    /** When the run started (its header's time), local; "?" when the header's time does not parse. */
    public String time() {
        try {
            return LocalTime.ofInstant(Instant.parse(run.header().startedAt()), ZoneId.systemDefault()).format(TIME);
        } catch (DateTimeParseException | NullPointerException e) {
            return "?";
        }
    }

    /** The tokens generated (the end's count, or the steps' when the trace has no end). */
    public int tokens() {
        return run.end() != null ? run.end().generatedIds().size()
                : run.steps().stream().mapToInt(s -> s.emittedIds().size()).sum();
    }

    /** Decode speed as the status bar measures it: tokens after the prefill over their steps' time. */
    public double tokensPerSecond() {
        long tokens = 0;
        long nanos = 0;
        for (StepTrace s : run.steps()) {
            if (s.step() > 0) {
                tokens += s.emittedIds().size();
                nanos += s.timings().totalNanos();
            }
        }
        return nanos == 0 ? 0 : tokens * 1e9 / nanos;
    }

    /** The list's line: "#2 specscope-moe-mini 14:03:11, 16 tokens, 812.4 tok/s (trace run.jsonl)". */
    public String describe() {
        return String.format(Locale.ROOT, "#%d %s %s, %d tokens, %.1f tok/s%s", number, model(), time(), tokens(),
                tokensPerSecond(), trace == null ? "" : " (trace " + trace.getFileName() + ")");
    }

    @Override
    public String toString() {
        return describe();
    }
}
