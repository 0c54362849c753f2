package org.specscope.engine.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.MappedFiles;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.synth.ModelPreset;
import org.specscope.engine.synth.RouterSkew;
import org.specscope.engine.synth.SyntheticCheckpoint;
import org.specscope.engine.synth.SyntheticShape;
import org.specscope.engine.tensor.DType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening a model with a {@link LoadMonitor}: the steps arrive in order and reach their totals,
 * and a cancellation at any step stops the load there with {@link LoadCancelledException},
 * leaving no file mapped. Cancellation is driven from the steps themselves, never by timing.
 */
class ModelLoadMonitorTest {

    static final Path TOKENIZER = SampleModelDirs.TARGET;
    static final int SHARDS_AT_LEAST = 3;

    @TempDir
    static Path tmp;
    static Path sharded;

    /** A few-MB Qwen3-MoE-like synthetic checkpoint cut into shards of 1 MB, so that mapping takes several steps. */
    @BeforeAll
    static void writeShardedModel() {
        sharded = tmp.resolve("sharded");
        new SyntheticCheckpoint(SyntheticShape.of(ModelPreset.QWEN3_30B_A3B, 0.03, 3, 4096), DType.BF16,
                new RouterSkew(1.0), 7, 1_000_000).write(sharded, TOKENIZER, SyntheticCheckpoint.Progress.NONE);
    }

    private static List<LoadStep> fullLoad() {
        List<LoadStep> steps = new ArrayList<>();
        try (Model model = Model.open(sharded, LoadMonitor.of(steps::add, () -> false))) {
            assertThat(model.config().numLayers()).isEqualTo(3);
        }
        return steps;
    }

    @Test
    void stepsArriveInOrderStageByStageAndReachTheirTotals() {
        List<LoadStep> steps = fullLoad();
        List<String> messages = steps.stream().map(LoadStep::message).toList();

        assertThat(messages.get(0)).isEqualTo("reading the config of sharded");
        assertThat(messages.get(1)).isEqualTo("loading the tokenizer of sharded");
        List<LoadStep> mapping = steps.stream().filter(s -> s.message().startsWith("mapping ")).toList();
        assertThat(mapping).hasSizeGreaterThanOrEqualTo(SHARDS_AT_LEAST);
        for (int i = 0; i < mapping.size(); i++) {
            assertThat(mapping.get(i).done()).isEqualTo(i);
            assertThat(mapping.get(i).total()).isEqualTo(mapping.size());
            assertThat(mapping.get(i).message()).isEqualTo(String.format("mapping model-%05d-of-%05d.safetensors",
                    i + 1, mapping.size()));
        }
        List<LoadStep> checking = steps.subList(2 + mapping.size(), steps.size());
        assertThat(checking).extracting(LoadStep::message).containsExactly("checking tensors, layer 0/3",
                "checking tensors, layer 1/3", "checking tensors, layer 2/3", "checked the tensors of 3 layers");
        assertThat(checking).extracting(LoadStep::done).containsExactly(0L, 1L, 2L, 3L);
        assertThat(checking.getLast().fraction()).isEqualTo(1.0);
        assertThat(steps.get(0).fraction()).as("a one-unit stage is indeterminate").isEqualTo(-1);
    }

    @Test
    void cancellingAtAnyStepStopsTheLoadThereAndLeavesNoFileMapped() {
        MappedFiles.assumeAvailable();
        int count = fullLoad().size();
        assertThat(MappedFiles.under(sharded)).as("a closed model leaves nothing mapped").isEmpty();
        boolean sawMappedFiles = false;
        // After the last step there is no work left to stop: every step before it is a cancellation point.
        for (int cancelAfter = 1; cancelAfter < count; cancelAfter++) {
            int n = cancelAfter;
            CancelAfterStep cancel = new CancelAfterStep(n, sharded);

            assertThatThrownBy(() -> Model.open(sharded, cancel.monitor).close())
                    .as("cancelled after step %d of %d", n, count)
                    .isInstanceOf(LoadCancelledException.class);
            assertThat(cancel.seen).as("nothing reported after the cancellation").hasSize(n);
            assertThat(MappedFiles.under(sharded)).as("mapped after cancelling at step %d (%s)", n,
                    cancel.seen.getLast().message()).isEmpty();
            sawMappedFiles |= !cancel.mappedWhenCancelled.isEmpty();
        }
        // The check above could fail: at the later cancellation points files were mapped.
        assertThat(sawMappedFiles).isTrue();
    }

    @Test
    void aListenerThrowingTheCancellationStopsTheLoadAndUnmapsToo() {
        MappedFiles.assumeAvailable();
        LoadMonitor monitor = LoadMonitor.of(step -> {
            if (step.message().startsWith("checking tensors, layer 1")) {
                assertThat(MappedFiles.under(sharded)).isNotEmpty();
                throw new LoadCancelledException("enough");
            }
        }, () -> false);
        assertThatThrownBy(() -> Model.open(sharded, monitor)).isInstanceOf(LoadCancelledException.class)
                .hasMessage("enough");
        assertThat(MappedFiles.under(sharded)).isEmpty();
    }

    @Test
    void anotherThreadCancelsALoadInProgress() throws Exception {
        MappedFiles.assumeAvailable();
        AtomicBoolean cancelled = new AtomicBoolean();
        CountDownLatch midway = new CountDownLatch(1);
        CountDownLatch cancelledNow = new CountDownLatch(1);
        AtomicReference<List<String>> mappedMidway = new AtomicReference<>();
        LoadMonitor monitor = LoadMonitor.of(step -> {
            if (step.message().startsWith("mapping model-00002-of-")) {
                mappedMidway.set(MappedFiles.under(sharded));
                midway.countDown();
                await(cancelledNow);   // the loader holds here until the other thread has cancelled
            }
        }, cancelled::get);
        CompletableFuture<Model> load = CompletableFuture.supplyAsync(() -> Model.open(sharded, monitor));

        assertThat(midway.await(30, TimeUnit.SECONDS)).as("the load reaches the second shard").isTrue();
        cancelled.set(true);
        cancelledNow.countDown();

        assertThatThrownBy(() -> load.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(LoadCancelledException.class);
        assertThat(mappedMidway.get()).as("the first shard was mapped when cancelled").hasSize(1);
        assertThat(MappedFiles.under(sharded)).isEmpty();
    }

    @Test
    void interruptingTheLoadingThreadCancelsItRatherThanFailingIt() throws Exception {
        MappedFiles.assumeAvailable();
        // Interrupted just before a shard is mapped: the file channel fails with ClosedByInterruptException,
        // which must read as the cancellation it is, not as a broken file.
        LoadMonitor monitor = LoadMonitor.of(step -> {
            if (step.message().startsWith("mapping model-00002")) {
                Thread.currentThread().interrupt();
            }
        }, () -> false);
        CompletableFuture<Model> load = new CompletableFuture<>();
        Thread loader = Thread.ofPlatform().start(() -> {
            try {
                load.complete(Model.open(sharded, monitor));
            } catch (RuntimeException e) {
                load.completeExceptionally(e);
            }
        });
        loader.join(30_000);

        assertThatThrownBy(load::join).hasCauseInstanceOf(LoadCancelledException.class);
        assertThat(MappedFiles.under(sharded)).isEmpty();
    }

    @Test
    void theNoOpMonitorLoadsAsBefore() {
        try (Model model = Model.open(sharded)) {
            assertThat(model.weights().layers()).hasSize(3);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
