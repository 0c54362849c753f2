package org.specscope.engine.backend.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The team of threads runs every index of a range exactly once and reports failures to the caller. */
class ParallelRunnerTest {

    @ParameterizedTest(name = "{0} threads, n = {1}, grain {2}")
    @CsvSource({"1, 100, 1", "2, 1, 1", "2, 1000, 7", "3, 999, 1", "4, 17, 100", "8, 100000, 64"})
    void everyIndexRunsExactlyOnce(int threads, int n, int grain) {
        try (var par = new ParallelRunner(threads)) {
            for (int repeat = 0; repeat < 50; repeat++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                par.forRange(n, grain, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertThat(hits.get(i)).as("index %d, repeat %d", i, repeat).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aFailingChunkIsRethrownToTheCallerAndTheRunnerStaysUsable() {
        try (var par = new ParallelRunner(2)) {
            assertThatThrownBy(() -> par.forRange(64, 1, (from, to) -> {
                if (from <= 40 && 40 < to) {
                    throw new IllegalStateException("chunk with 40");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("chunk with 40");

            AtomicIntegerArray hits = new AtomicIntegerArray(64);
            par.forRange(64, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 64; i++) {
                assertThat(hits.get(i)).isEqualTo(1);
            }
        }
    }

    @Test
    void aRegionInsideARegionRunsOnTheCallingThread() {
        try (var par = new ParallelRunner(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(16 * 16);
            par.forRange(16, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    int row = i;
                    par.forRange(16, 1, (f2, t2) -> {
                        for (int j = f2; j < t2; j++) {
                            hits.incrementAndGet(row * 16 + j);
                        }
                    });
                }
            });
            for (int i = 0; i < 256; i++) {
                assertThat(hits.get(i)).isEqualTo(1);
            }
        }
    }

    @Test
    void twoCallersTakeTurns() {
        try (var par = new ParallelRunner(2)) {
            int n = 10_000;
            AtomicIntegerArray a = new AtomicIntegerArray(n);
            AtomicIntegerArray b = new AtomicIntegerArray(n);
            Runnable fillA = () -> {
                for (int r = 0; r < 200; r++) {
                    par.forRange(n, 16, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            a.incrementAndGet(i);
                        }
                    });
                }
            };
            Runnable fillB = () -> {
                for (int r = 0; r < 200; r++) {
                    par.forRange(n, 16, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            b.incrementAndGet(i);
                        }
                    });
                }
            };
            CompletableFuture.allOf(CompletableFuture.runAsync(fillA), CompletableFuture.runAsync(fillB)).join();
            for (int i = 0; i < n; i++) {
                assertThat(a.get(i)).isEqualTo(200);
                assertThat(b.get(i)).isEqualTo(200);
            }
        }
    }

    @Test
    void aClosedRunnerRefusesParallelWork() {
        var par = new ParallelRunner(2);
        par.close();
        assertThatThrownBy(() -> par.forRange(100, 1, (from, to) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
