package org.specscope.engine.cli;

import org.junit.jupiter.api.Test;
import org.specscope.engine.model.LoadStep;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command's model load prints its progress only when it is long enough to wait on: silent in
 * its first second, then at most a line a second, and the line that finishes a stage it showed.
 */
class LoadLinesTest {

    private static final long MS = 1_000_000L;

    private long now;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final LoadLines lines = new LoadLines(new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> now);

    private void at(long millis, String message, long done, long total) {
        now = millis * MS;
        lines.accept(new LoadStep(message, done, total));
    }

    private List<String> printed() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aLoadOfUnderASecondPrintsNothing() {
        at(0, "reading the config of specscope-moe-mini", 0, 0);
        at(20, "mapping model.safetensors", 0, 1);
        at(300, "checked the tensors of 4 layers", 4, 4);
        at(900, "uploading the weights of specscope-moe-mini to the GPU: 0.0 of 0.0 GiB", 21, 21);

        assertThat(printed()).isEmpty();
    }

    @Test
    void aLongLoadPrintsTheStepInHandAtMostOnceASecondAndTheLastOfAStageItShowed() {
        at(0, "reading the config of olmoe", 0, 0);
        for (int layer = 0; layer <= 16; layer++) {   // 16 layers checked over 1.6 s
            at(100L * layer, layer == 16 ? "checked the tensors of 16 layers" : "checking tensors, layer " + layer + "/16",
                    layer, 16);
        }
        for (int gib = 0; gib <= 12; gib++) {   // 12 GiB uploaded over 3.6 s from 1.7 s
            at(1700 + 300L * gib, "uploading the weights of olmoe to the GPU: " + gib + ".0 of 12.0 GiB", gib, 12);
        }

        assertThat(printed()).containsExactly(
                "load: checking tensors, layer 10/16",
                "load: checked the tensors of 16 layers",
                "load: uploading the weights of olmoe to the GPU: 3.0 of 12.0 GiB",
                "load: uploading the weights of olmoe to the GPU: 7.0 of 12.0 GiB",
                "load: uploading the weights of olmoe to the GPU: 11.0 of 12.0 GiB",
                "load: uploading the weights of olmoe to the GPU: 12.0 of 12.0 GiB");
    }
}
