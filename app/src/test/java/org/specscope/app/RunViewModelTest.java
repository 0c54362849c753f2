package org.specscope.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.specscope.app.RunViewModel.Phase;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.trace.StepTrace;
import org.testfx.api.FxToolkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The run view model on the sample model, without a stage (the toolkit runs, headless, for its thread). */
class RunViewModelTest {

    private RunViewModel vm;
    private RecordingView view;
    private final List<String> notices = new CopyOnWriteArrayList<>();
    private ModelEntry sample;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @BeforeEach
    void loadSample() {
        sample = ModelCatalog.bundled(Fx.home().resolve("sample-models")).getFirst();
        view = new RecordingView("recording");
        vm = Fx.call(() -> {
            RunViewModel m = new RunViewModel(new SettingsViewModel(), List.of(view), Backends.cpuOnly(() -> new CpuBackend(1)));
            m.notifierProperty().set(notices::add);
            m.promptProperty().set("It is a truth universally acknowledged, that");
            m.load(sample);
            return m;
        });
        Fx.waitUntil(60, "the sample model is loaded", () -> vm.phaseProperty().get() == Phase.READY);
    }

    @AfterEach
    void close() {
        Fx.run(vm::close);
    }

    @Test
    void runsToTheEndAndFeedsTheViewsInOrderOnTheFxThread() {
        Fx.run(() -> {
            vm.maxTokensProperty().set(24);
            vm.run();
        });
        Fx.waitUntil(120, "the run ends", () -> vm.phaseProperty().get() == Phase.FINISHED);
        assertThat(view.starts).hasSize(1);
        assertThat(view.starts.getFirst().numExperts()).isEqualTo(32);
        assertThat(view.steps).isNotEmpty();
        for (int i = 0; i < view.steps.size(); i++) {
            assertThat(view.steps.get(i).step()).isEqualTo(i);
        }
        assertThat(view.offFxThread).isEmpty();
        assertThat(Fx.call(() -> vm.stepCountProperty().get())).isEqualTo(view.steps.size());
        assertThat(Fx.call(() -> vm.textProperty().get())).isNotEmpty();
        assertThat(Fx.call(() -> vm.tokensPerSecondProperty().get())).isPositive();
        assertThat(Fx.call(() -> String.join("\n", vm.console()))).contains("ended");
    }

    @Test
    void pausedRunStepsOneAtATimeAndABudgetChangeAppliesAtTheNextStep() throws Exception {
        Fx.run(() -> {
            vm.maxTokensProperty().set(200);
            vm.startPausedProperty().set(true);
            vm.run();
        });
        Fx.waitUntil(60, "the prefill arrives", () -> view.steps.size() == 1);
        Fx.run(vm::step);
        Fx.waitUntil(60, "step 1 arrives", () -> view.steps.size() == 2);
        Thread.sleep(300);
        assertThat(view.steps).hasSize(2);   // paused: nothing more without a step
        assertThat(Fx.call(() -> vm.phaseProperty().get())).isEqualTo(Phase.PAUSED);
        StepTrace unbudgeted = view.steps.get(1);
        assertThat(unbudgeted.settings().budget()).isEqualTo(ExpertBudget.UNLIMITED);
        assertThat(unbudgeted.layers().getFirst().kept().size()).isGreaterThan(5);

        Fx.run(() -> vm.settings().budgetProperty().set(5));  // the engine keeps at least top-k (4)
        Fx.run(vm::step);
        Fx.waitUntil(60, "step 2 arrives", () -> view.steps.size() == 3);
        StepTrace budgeted = view.steps.get(2);
        assertThat(budgeted.settings().budget().selection().describe()).isEqualTo("B=5");
        assertThat(budgeted.layers().getFirst().kept().size()).isEqualTo(5);

        Fx.run(vm::resume);
        Fx.waitUntil(60, "more steps after resuming", () -> view.steps.size() > 4);
        Fx.run(vm::stop);
        Fx.waitUntil(60, "the run stops", () -> vm.phaseProperty().get() == Phase.FINISHED);
        assertThat(Fx.call(() -> String.join("\n", vm.console()))).contains("cancelled");
    }

    @Test
    void aBadModelDirectoryIsReportedAndTheSampleStaysLoaded() throws Exception {
        Path bad = Files.createTempDirectory("not-a-model");
        Files.writeString(bad.resolve("config.json"), "{ this is not json");
        Fx.run(() -> vm.load(ModelEntry.of(bad, false)));
        Fx.waitUntil(60, "the load fails", () -> vm.phaseProperty().get() == Phase.READY
                && vm.console().stream().anyMatch(l -> l.contains("ERROR")));
        assertThat(notices).singleElement().asString().contains("could not open");
        assertThat(Fx.call(() -> vm.modelProperty().get())).isEqualTo(sample);

        Fx.run(() -> {
            vm.maxTokensProperty().set(8);
            vm.run();
        });
        Fx.waitUntil(120, "the sample still runs", () -> vm.phaseProperty().get() == Phase.FINISHED);
        assertThat(view.steps).isNotEmpty();
    }
}
