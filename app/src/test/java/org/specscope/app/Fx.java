package org.specscope.app;

import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test helpers: run on the FX thread and wait for it; wait for a condition read on the FX thread. */
final class Fx {

    private Fx() {
    }

    static <T> T call(Callable<T> action) {
        try {
            return WaitForAsyncUtils.asyncFx(action).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("FX call failed", e);
        }
    }

    static void run(Runnable action) {
        call(() -> {
            action.run();
            return null;
        });
    }

    /** Waits (up to {@code seconds}) until {@code condition}, evaluated on the FX thread, holds. */
    static void waitUntil(int seconds, String what, Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> call(condition));
        } catch (TimeoutException e) {
            throw new AssertionError("timed out after " + seconds + " s waiting until " + what);
        }
    }

    /** The project's root (sample-models/ is there). */
    static Path home() {
        return ModelCatalog.home();
    }
}
