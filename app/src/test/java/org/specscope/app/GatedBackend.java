package org.specscope.app;

import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-thread CPU backend for tests that counts the runners it makes and its closing. A gated
 * one holds the load that uses it midway, deterministically: {@link #name()}, which the engine
 * asks for once the models are open and before it prepares them, waits until {@link #release()}.
 */
final class GatedBackend implements Backend {

    private final CpuBackend cpu = new CpuBackend(1);
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released;
    final AtomicInteger runnersMade = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();

    private GatedBackend(boolean gated) {
        this.released = new CountDownLatch(gated ? 1 : 0);
    }

    static GatedBackend open() {
        return new GatedBackend(false);
    }

    static GatedBackend gated() {
        return new GatedBackend(true);
    }

    /** Waits until a load holds at the gate. */
    void awaitReached() throws InterruptedException {
        if (!reached.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the load never reached the gate");
        }
    }

    void release() {
        released.countDown();
    }

    @Override
    public String name() {
        reached.countDown();
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // a cancelled load's interrupt: the engine stops at its next step
        }
        return cpu.name();
    }

    @Override
    public String description() {
        return cpu.description();
    }

    @Override
    public ModelRunner load(Model model, LoadMonitor monitor) {
        runnersMade.incrementAndGet();
        return cpu.load(model, monitor);
    }

    @Override
    public void close() {
        closes.incrementAndGet();
        cpu.close();
    }
}
