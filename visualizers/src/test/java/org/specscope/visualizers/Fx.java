package org.specscope.visualizers;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.testfx.util.WaitForAsyncUtils;

/** Runs code on the FX thread from a test and waits for the views' next pulse. */
final class Fx {

    private Fx() {
    }

    static <T> T call(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    static void run(Runnable r) throws Exception {
        call(() -> {
            r.run();
            return null;
        });
    }

    /** Waits until the FX queue is drained and {@code pending} (read on the FX thread) is false. */
    static void awaitPulse(Callable<Boolean> pending) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !call(pending));
        WaitForAsyncUtils.waitForFxEvents();
    }
}
