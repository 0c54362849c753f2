package org.specscope.engine.session;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting, in tests, for what a session does on its own thread. */
final class Await {

    private Await() {
    }

    /** Polls {@code condition} until it holds, failing after {@code seconds}. */
    static void until(int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + seconds + " s");
            }
            Thread.sleep(5);
        }
    }
}
