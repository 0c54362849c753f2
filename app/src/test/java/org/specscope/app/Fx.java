package org.specscope.app;

import javafx.concurrent.Task;
import javafx.concurrent.Worker;
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

    /**
     * Waits until {@code task} has finished as the FX thread sees it. {@link Task#isDone()} turns
     * true on the worker thread before the FX thread has moved the task to SUCCEEDED or FAILED and
     * run its handlers; the state property changes on the FX thread in the same event that runs
     * them, so once it reads terminal there the handlers' effects (console, banner, tabs) are in.
     */
    static Worker.State awaitTask(int seconds, String what, Task<?> task) {
        waitUntil(seconds, what, () -> switch (task.getState()) {
            case SUCCEEDED, FAILED, CANCELLED -> true;
            default -> false;
        });
        return call(task::getState);
    }

    /** The project's root (sample-models/ is there). */
    static Path home() {
        return ModelCatalog.home();
    }
}
