package org.specscope.engine.session;

import org.specscope.engine.generate.GenerationResult.StopReason;
import org.specscope.engine.spec.SpeculativeDecoder;
import org.specscope.engine.trace.IntSeq;
import org.specscope.engine.trace.RunEnd;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TraceSink;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * A speculative generation on its own thread. Settings are swapped atomically from any thread
 * and read once per step, so a change applies from the next step boundary on. The run can be
 * paused, advanced one step at a time while paused, resumed and cancelled. Every record goes to
 * the sink on the decoding thread, in order: header, steps, end.
 */
public final class GenerationSession {

    public enum State { CREATED, RUNNING, PAUSED, FINISHED, CANCELLED, FAILED }

    private final SpeculativeDecoder decoder;
    private final int[] promptIds;
    private final int maxTokens;
    private final RunHeader header;
    private final TraceSink sink;
    private final AtomicReference<Settings> settings;
    private final CompletableFuture<RunEnd> completion = new CompletableFuture<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private State state = State.CREATED;
    private boolean pauseRequested;
    private int stepsGranted;
    private boolean cancelRequested;

    public GenerationSession(SpeculativeDecoder decoder, int[] promptIds, int maxTokens, Settings initial,
                             RunHeader header, TraceSink sink) {
        this.decoder = Objects.requireNonNull(decoder);
        this.promptIds = promptIds.clone();
        this.maxTokens = maxTokens;
        this.header = header;
        this.sink = Objects.requireNonNull(sink);
        this.settings = new AtomicReference<>(Objects.requireNonNull(initial));
    }

    /** Starts decoding on a new thread; with {@code paused} it stops after the prefill and waits. */
    public void start(boolean paused) {
        lock.lock();
        try {
            if (state != State.CREATED) {
                throw new IllegalStateException("a session runs once; it is " + state);
            }
            pauseRequested = paused;
            state = State.RUNNING;
            Thread.ofPlatform().name("specscope-decode").daemon().start(this::run);
        } finally {
            lock.unlock();
        }
    }

    public Settings settings() {
        return settings.get();
    }

    /** Replaces the settings; the next step runs with them. */
    public void setSettings(Settings next) {
        settings.set(Objects.requireNonNull(next));
    }

    /** Changes the settings atomically (safe against concurrent updates); the next step runs with the result. */
    public Settings updateSettings(UnaryOperator<Settings> change) {
        return settings.updateAndGet(change);
    }

    /** Stops before the next step. */
    public void pause() {
        signal(() -> pauseRequested = true);
    }

    public void resume() {
        signal(() -> {
            pauseRequested = false;
            stepsGranted = 0;
        });
    }

    /** While paused: runs exactly one more step, then waits again. */
    public void step() {
        signal(() -> stepsGranted++);
    }

    /** Ends the run at the next step boundary; the sink still gets the end record. */
    public void cancel() {
        signal(() -> cancelRequested = true);
    }

    public State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Completes with the run's end record, or exceptionally with what made it fail. */
    public CompletableFuture<RunEnd> completion() {
        return completion;
    }

    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        try {
            if (header != null) {
                sink.onHeader(header);
            }
            StringBuilder text = new StringBuilder();
            StepTrace first = decoder.prefill(promptIds, maxTokens, settings.get());
            text.append(first.emittedText());
            sink.onStep(first);
            while (!decoder.isFinished()) {
                if (!awaitPermissionToStep()) {
                    decoder.cancel();
                    break;
                }
                StepTrace step = decoder.step(settings.get());
                text.append(step.emittedText());
                sink.onStep(step);
            }
            RunEnd end = new RunEnd(decoder.stopReason().name(), decoder.steps(), IntSeq.of(decoder.generatedIds()),
                    text.toString(), decoder.decodeNanos());
            finish(decoder.stopReason() == StopReason.CANCELLED ? State.CANCELLED : State.FINISHED);
            sink.onEnd(end);
            completion.complete(end);
        } catch (RuntimeException | Error e) {
            finish(State.FAILED);
            completion.completeExceptionally(e);
        }
    }

    /** Blocks while paused and no step is granted; false when the run was cancelled. */
    private boolean awaitPermissionToStep() {
        lock.lock();
        try {
            while (!cancelRequested && pauseRequested && stepsGranted == 0) {
                state = State.PAUSED;
                changed.awaitUninterruptibly();
            }
            if (cancelRequested) {
                return false;
            }
            if (pauseRequested) {
                stepsGranted--;
            }
            state = State.RUNNING;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void finish(State end) {
        lock.lock();
        try {
            state = end;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
