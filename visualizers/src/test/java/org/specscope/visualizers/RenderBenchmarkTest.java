package org.specscope.visualizers;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link RenderBenchmark} under surefire when asked ({@code -Dspecscope.render.bench=true});
 * skipped otherwise. It prints its numbers and asserts nothing: timings are not a test.
 */
class RenderBenchmarkTest {

    @Test
    void printsRedrawCosts() throws Exception {
        assumeTrue(Boolean.getBoolean("specscope.render.bench"), "set -Dspecscope.render.bench=true to run");
        CountDownLatch started = new CountDownLatch(1);
        try {
            Platform.startup(started::countDown);
        } catch (IllegalStateException alreadyRunning) {
            started.countDown();
        }
        started.await(10, TimeUnit.SECONDS);
        Platform.setImplicitExit(false);
        RenderBenchmark.run().forEach(System.out::println);
    }
}
