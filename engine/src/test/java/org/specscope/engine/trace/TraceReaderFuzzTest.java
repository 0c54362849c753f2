package org.specscope.engine.trace;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.StringReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any text given as a JSON-lines trace either reads into a run or is refused with a
 * {@link TraceFormatException} naming the file (and the line, where there is one), in both modes:
 * never another exception. Seeds: real traces of the sample model (a budgeted tree under Cascade,
 * a chain).
 */
class TraceReaderFuzzTest {

    private static final String SOURCE = "fuzzed.jsonl";

    @FuzzTest(maxDuration = "2m")
    void anyTraceReadsOrIsRefusedWithItsLine(String text) {
        if (text == null) {
            return;   // Jazzer's first input
        }
        for (TraceReader.Mode mode : TraceReader.Mode.values()) {
            try {
                RecordedRun run = TraceReader.read(new StringReader(text), SOURCE, mode);
                assertThat(run.steps()).allSatisfy(step -> assertThat(step).isNotNull());
            } catch (TraceFormatException e) {
                assertThat(e.getMessage()).contains(SOURCE);
            }
        }
    }
}
