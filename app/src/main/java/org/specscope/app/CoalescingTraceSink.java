package org.specscope.app;

import org.specscope.engine.trace.RunEnd;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TraceSink;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Carries a run's records from the decoding thread to the UI thread without flooding it: the
 * records wait in a queue, and at most one drain is scheduled on the UI executor at a time
 * (one Platform.runLater per pulse however fast the engine steps). The consumer gets every
 * record, in order, as a batch.
 */
public final class CoalescingTraceSink implements TraceSink {

    /** One record of a run: a RunHeader, a StepTrace or a RunEnd. */
    public sealed interface Record permits Header, Step, End {
    }

    public record Header(RunHeader header) implements Record {
    }

    public record Step(StepTrace step) implements Record {
    }

    public record End(RunEnd end) implements Record {
    }

    private final Queue<Record> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor ui;
    private final Consumer<List<Record>> consumer;

    public CoalescingTraceSink(Executor ui, Consumer<List<Record>> consumer) {
        this.ui = Objects.requireNonNull(ui);
        this.consumer = Objects.requireNonNull(consumer);
    }

    @Override
    public void onHeader(RunHeader header) {
        offer(new Header(header));
    }

    @Override
    public void onStep(StepTrace step) {
        offer(new Step(step));
    }

    @Override
    public void onEnd(RunEnd end) {
        offer(new End(end));
    }

    private void offer(Record r) {
        queue.add(r);
        if (scheduled.compareAndSet(false, true)) {
            ui.execute(this::drain);
        }
    }

    /** On the UI thread: everything queued so far, as one batch. */
    private void drain() {
        // Cleared first: a record added while this drain runs schedules the next one.
        scheduled.set(false);
        List<Record> batch = new ArrayList<>();
        for (Record r; (r = queue.poll()) != null; ) {
            batch.add(r);
        }
        if (!batch.isEmpty()) {
            consumer.accept(batch);
        }
    }
}
