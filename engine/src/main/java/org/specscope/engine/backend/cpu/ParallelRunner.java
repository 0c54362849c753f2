package org.specscope.engine.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits index ranges over a fixed team of threads owned by the backend: the calling thread
 * and {@code threads - 1} workers claim chunks from one shared counter.
 *
 * <p>Written by hand rather than on a ForkJoinPool because a decode step is about a hundred
 * short parallel regions (one per matrix), and on small machines the pool's park/unpark per
 * region cost a tenth of the step. Workers here spin briefly between regions (a region follows
 * the last one within microseconds while a model runs) and park only when the model is idle;
 * the caller works too, so two cores give two streams of weights, not one. A region costs one
 * small record, nothing more.
 */
final class ParallelRunner implements AutoCloseable {

    /** Work over the index range [from, to). */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /** How long an idle worker spins before parking: a few decode regions' worth. */
    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;

    /** One parallel region: immutable, so a worker that picks it up late sees it whole. */
    private record Region(int generation, RangeBody body, int n, int chunk, int chunks) {
    }

    private volatile Region region;
    /** Generation of the live region (high 32 bits) and its next unclaimed chunk (low 32 bits). */
    private final AtomicLong claims = new AtomicLong();
    private final AtomicInteger pendingChunks = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closed;
    private int generation;   // guarded by this

    ParallelRunner(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("specscope-cpu-" + (i + 1)).unstarted(this::workLoop);
            workers[i].start();
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over [0, n) in contiguous chunks of at least {@code grain} indices,
     * about four chunks per thread so that uneven chunks even out, and returns when all are
     * done. A region started from inside another region's body runs on the calling thread.
     */
    void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.max(1, Math.min(threads * 4, n / Math.max(1, grain)));
        if (chunks == 1 || threads == 1 || Thread.holdsLock(this) || workerIndex() > 0) {
            body.run(0, n);
            return;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the CPU backend is closed");
            }
            int size = (n + chunks - 1) / chunks;
            Region r = new Region(++generation, body, n, size, (n + size - 1) / size);
            pendingChunks.set(r.chunks());
            failure.set(null);
            claims.set((long) r.generation() << 32);
            region = r;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            run(r);
            while (pendingChunks.get() > 0) {
                Thread.onSpinWait();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException e) {
                throw e;
            } else if (t instanceof Error e) {
                throw e;
            }
        }
    }

    /**
     * The current thread's place in the team: 1 to {@code threads - 1} for the workers, 0 for
     * any other thread (the caller). Indexes per-thread scratch inside a region's body.
     */
    int workerIndex() {
        Thread t = Thread.currentThread();
        for (int i = 0; i < workers.length; i++) {
            if (workers[i] == t) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Runs chunks of region {@code r} until none is left (or the region is already over). */
    private void run(Region r) {
        for (int c = claim(r); c >= 0; c = claim(r)) {
            int from = c * r.chunk();
            try {
                if (failure.get() == null) {
                    r.body().run(from, Math.min(r.n(), from + r.chunk()));
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                pendingChunks.decrementAndGet();
            }
        }
    }

    /** The next chunk of region {@code r}, or -1 when it has none left or a newer region is live. */
    private int claim(Region r) {
        while (true) {
            long current = claims.get();
            if ((int) (current >>> 32) != r.generation() || (int) current >= r.chunks()) {
                return -1;
            }
            if (claims.compareAndSet(current, current + 1)) {
                return (int) current;
            }
        }
    }

    private void workLoop() {
        int seen = 0;
        while (!closed) {
            long spinStart = System.nanoTime();
            Region r;
            while ((r = region) == null || r.generation() == seen) {
                if (closed) {
                    return;
                }
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = r.generation();
            run(r);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
