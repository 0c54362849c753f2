package org.specscope.visualizers;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs {@link RenderBenchmark} under surefire when asked ({@code -Dspecscope.render.bench=true});
 * skipped otherwise. It prints its numbers and asserts nothing: timings are not a test.
 */
class RenderBenchmarkTest {

    @Test
    void printsRedrawCosts() throws Exception {
        assumeTrue(Boolean.getBoolean("specscope.render.bench"), "set -Dspecscope.render.bench=true to run");
        RenderBenchmark.startToolkit();
        RenderBenchmark.run().forEach(System.out::println);
    }
}
