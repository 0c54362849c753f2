package org.specscope.engine.model;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The channel a model load reports its progress to and takes cancellation from. Loaders call
 * {@link #step} between units of work (a file mapped, a layer's tensors checked); once
 * cancellation is asked for, the next call throws {@link LoadCancelledException}, and the loader
 * closes what it had opened on the way out.
 *
 * <p>Cancellation is asked for by the {@code cancelled} supplier turning true (a flag set by
 * another thread, a JavaFX Task's {@code isCancelled}), by interrupting the loading thread, or by
 * the listener itself throwing {@link LoadCancelledException}. One monitor serves one load.
 */
public final class LoadMonitor {

    /** Reports nowhere; cancelled only by interrupting the loading thread. */
    public static final LoadMonitor NONE = new LoadMonitor(step -> { }, () -> false, "");

    private final Consumer<LoadStep> listener;
    private final BooleanSupplier cancelled;
    private final String label;

    private LoadMonitor(Consumer<LoadStep> listener, BooleanSupplier cancelled, String label) {
        this.listener = Objects.requireNonNull(listener);
        this.cancelled = Objects.requireNonNull(cancelled);
        this.label = label;
    }

    /** Tells {@code listener} every step (on the loading thread); cancelled once {@code cancelled} says so. */
    public static LoadMonitor of(Consumer<LoadStep> listener, BooleanSupplier cancelled) {
        return new LoadMonitor(listener, cancelled, "");
    }

    /** This monitor with {@code prefix} before every message (the draft model's steps: "draft: ..."). */
    public LoadMonitor labelled(String prefix) {
        return new LoadMonitor(listener, cancelled, label + prefix);
    }

    /**
     * Between two units of work: stops the load if it was cancelled, else reports where it stands.
     *
     * @throws LoadCancelledException when cancellation was asked for
     */
    public void step(String message, long done, long total) {
        String full = label + message;
        checkCancelled(full);
        listener.accept(new LoadStep(full, done, total));
    }

    /** Stops the load if it was cancelled; for loops that report only now and then. */
    public void checkCancelled(String where) {
        if (isCancelled()) {
            throw new LoadCancelledException("loading cancelled before " + where);
        }
    }

    /** Whether cancellation was asked for (the interrupt flag is left as it is). */
    public boolean isCancelled() {
        return cancelled.getAsBoolean() || Thread.currentThread().isInterrupted();
    }

    /**
     * What a load that failed with {@code failure} should throw: a cancellation when one was
     * asked for (an interrupt makes file channels fail with ClosedByInterruptException, which is
     * no fault of the model), else the failure itself.
     */
    public RuntimeException cancellationOr(RuntimeException failure) {
        if (failure instanceof LoadCancelledException || !isCancelled()) {
            return failure;
        }
        return new LoadCancelledException("loading cancelled", failure);
    }
}
