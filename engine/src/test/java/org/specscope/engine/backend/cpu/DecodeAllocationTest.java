package org.specscope.engine.backend.cpu;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.TestBackend;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.Model;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decode hot path allocates nothing but the logits it hands back: activations live in the
 * runner's workspace, so a token loop produces no garbage for the collector to chase.
 */
class DecodeAllocationTest {

    private static final Path SAMPLE = SampleModelDirs.TARGET;
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes allocated so far by every live thread (the caller and the backend's workers). */
    private static long allocatedByAllThreads() {
        return Arrays.stream(THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())).filter(b -> b > 0).sum();
    }

    @Test
    void aDecodePassAllocatesLittleBeyondItsLogits() {
        try (Model model = Model.open(SAMPLE); ModelRunner runner = TestBackend.CPU.load(model)) {
            KvCache cache = runner.newKvCache(400);
            int token = 5;
            runner.forward(ForwardBatch.sequence(new int[]{1, 200, 300, 400}, 0, ForwardBatch.LogitRows.LAST), cache);
            for (int warm = 0; warm < 200; warm++) {   // lets the JIT settle (escape analysis included)
                token = runner.forward(ForwardBatch.sequence(new int[]{token}, cache.length(),
                        ForwardBatch.LogitRows.LAST), cache).argmax(0);
            }
            int passes = 50;
            long before = allocatedByAllThreads();
            for (int i = 0; i < passes; i++) {
                token = runner.forward(ForwardBatch.sequence(new int[]{token}, cache.length(),
                        ForwardBatch.LogitRows.LAST), cache).argmax(0);
            }
            long perPass = (allocatedByAllThreads() - before) / passes;

            long logitsBytes = 4L * model.config().vocabSize();
            int layers = model.config().numLayers();
            // The logits, plus a few small objects per parallel region and per layer (the batch,
            // mask and region records): a few KiB, where scratch arrays would cost hundreds.
            assertThat(perPass).as("bytes allocated per decode pass (logits: %d)", logitsBytes)
                    .isLessThan(logitsBytes + 2048L * layers + 16 * 1024);
        }
    }
}
