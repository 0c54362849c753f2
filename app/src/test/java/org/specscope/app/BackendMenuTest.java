package org.specscope.app;

import javafx.scene.control.Label;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.specscope.app.RunViewModel.Phase;
import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.BackendChoice;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.OutOfDeviceMemoryException;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.backend.cuda.CudaAvailability;
import org.specscope.engine.backend.cuda.CudaDevice;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.prefs.BackingStoreException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Backend menu: automatic, CPU or CUDA, the CUDA item naming the device or why there is none.
 * A choice loads the model again there and is remembered; a choice that cannot be had leaves the
 * model where it runs (or, with none loaded, loads it on the automatic choice) and says why. A
 * GPU's weight upload shows in the load's progress. The GPU is played by a CPU backend that says
 * it is one.
 */
@ExtendWith(ApplicationExtension.class)
class BackendMenuTest {

    static final CudaDevice DEVICE = new CudaDevice(0, "Fake GPU", 9, 0, 80L << 30, 13000);
    static final String UPLOAD = "uploading the weights of specscope-moe-mini to the GPU: 0.0 of 0.0 GiB";

    private final WindowFixture windows = new WindowFixture();
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void tearDown() throws BackingStoreException {
        windows.close();
    }

    /** A CPU backend that calls itself a GPU and reports an upload as a device backend does. */
    static class FakeGpu implements Backend {
        private final CpuBackend cpu = new CpuBackend(1);

        @Override
        public String name() {
            return "cuda";
        }

        @Override
        public String description() {
            return "CUDA, " + DEVICE.describe();
        }

        @Override
        public ModelRunner load(Model model, LoadMonitor monitor) {
            monitor.step(UPLOAD, 50, 100);
            monitor.step(UPLOAD, 100, 100);
            return cpu.load(model, monitor);
        }

        @Override
        public void close() {
            cpu.close();
        }
    }

    /** Automatic and CUDA on the fake GPU, the CPU on one thread. */
    static Backends withGpu(Function<BackendChoice, Backend> cuda) {
        return new Backends(choice -> choice == BackendChoice.CPU ? new CpuBackend(1)
                : choice == BackendChoice.CUDA ? cuda.apply(choice) : new FakeGpu(), () -> CudaAvailability.of(DEVICE));
    }

    private MainWindow show(AppPreferences preferences, Backends backends) {
        return Fx.call(() -> windows.show(stage, List.of(new RecordingView("Recording")), preferences, Fx.home(),
                backends));
    }

    private static RadioMenuItem item(FxRobot robot, BackendChoice choice) {
        MenuBar bar = robot.lookup("#menuBar").queryAs(MenuBar.class);
        return Fx.call(() -> (RadioMenuItem) bar.getMenus().stream().filter(m -> "backendMenu".equals(m.getId()))
                .flatMap(m -> m.getItems().stream()).filter(i -> ("backend-" + choice).equals(i.getId()))
                .findFirst().orElseThrow());
    }

    private static String statusBackend(FxRobot robot) {
        return Fx.call(() -> robot.lookup("#statusBackend").queryAs(Label.class).getText());
    }

    private static long consoleLines(MainWindow window, String containing) {
        return Fx.call(() -> window.runViewModel().console().stream().filter(l -> l.contains(containing)).count());
    }

    private static void awaitReady(MainWindow window, String what) {
        Fx.waitUntil(60, what, () -> window.runViewModel().phaseProperty().get() == Phase.READY);
    }

    @Test
    void theCudaItemSaysWhyThereIsNoDeviceAndCannotBeChosen(FxRobot robot) {
        MainWindow window = show(windows.preferences(), Backends.cpuOnly(() -> new CpuBackend(1)));
        RadioMenuItem cuda = item(robot, BackendChoice.CUDA);

        Fx.waitUntil(30, "the probe's answer is in the menu", () -> !cuda.getText().contains("looking"));
        assertThat(Fx.call(cuda::getText)).isEqualTo("CUDA (unavailable: no CUDA device)");
        assertThat(Fx.call(cuda::isDisable)).isTrue();
        assertThat(Fx.call(() -> item(robot, BackendChoice.AUTO).isSelected())).isTrue();
        awaitReady(window, "the sample model is loaded");
    }

    @Test
    void choosingTheCpuLoadsTheModelAgainThereAndIsRemembered(FxRobot robot) {
        MainWindow window = show(windows.preferences(), withGpu(c -> new FakeGpu()));
        awaitReady(window, "the sample model is loaded");
        assertThat(statusBackend(robot)).startsWith("CUDA, Fake GPU (compute 9.0");
        MenuItem cuda = item(robot, BackendChoice.CUDA);
        Fx.waitUntil(30, "the probe's answer is in the menu", () -> !cuda.isDisable());
        assertThat(Fx.call(cuda::getText)).isEqualTo("CUDA: " + DEVICE.describe());

        Fx.run(() -> item(robot, BackendChoice.CPU).fire());   // as Backend > CPU does

        Fx.waitUntil(60, "the model is loaded again on the CPU", () -> statusBackend(robot).startsWith("CPU, 1 thread, "));
        awaitReady(window, "the model is ready on the CPU");
        assertThat(Fx.call(() -> item(robot, BackendChoice.CPU).isSelected())).isTrue();
        assertThat(consoleLines(window, "running on CPU from now on: loading specscope-moe-mini again")).isEqualTo(1);
        assertThat(windows.preferences().backend()).isEqualTo(BackendChoice.CPU);
        MainWindow next = Fx.call(() -> new MainWindow(List.of(new RecordingView("Next")), windows.preferences(),
                Fx.home(), withGpu(c -> new FakeGpu())));
        assertThat(Fx.call(() -> next.runViewModel().backendChoiceProperty().get())).isEqualTo(BackendChoice.CPU);
    }

    @Test
    void aRememberedCudaChoiceWhereThereIsNoneLoadsOnTheAutomaticChoiceAndSaysWhy(FxRobot robot) {
        AppPreferences preferences = windows.preferences();
        preferences.setBackend(BackendChoice.CUDA);
        MainWindow window = show(preferences, new Backends(choice -> {
            if (choice == BackendChoice.CUDA) {
                throw new IllegalStateException("CUDA is unavailable: no CUDA device");
            }
            return new CpuBackend(1, "CUDA unavailable: no CUDA device");
        }, () -> CudaAvailability.unavailable("no CUDA device")));

        awaitReady(window, "the sample model is loaded on the automatic choice");
        assertThat(consoleLines(window, "ERROR could not run on CUDA: CUDA is unavailable: no CUDA device")).isEqualTo(1);
        assertThat(consoleLines(window, "loading specscope-moe-mini on the automatic choice instead")).isEqualTo(1);
        assertThat(statusBackend(robot)).startsWith("CPU, 1 thread, ").endsWith("(CUDA unavailable: no CUDA device)");
        assertThat(Fx.call(() -> item(robot, BackendChoice.AUTO).isSelected())).isTrue();
        assertThat(preferences.backend()).isEqualTo(BackendChoice.AUTO);
    }

    @Test
    void aSwitchThatFailsLeavesTheModelWhereItRunsAndSaysWhy(FxRobot robot) {
        AppPreferences preferences = windows.preferences();
        preferences.setBackend(BackendChoice.CPU);
        MainWindow window = show(preferences, withGpu(c -> new FakeGpu() {
            @Override
            public ModelRunner load(Model model, LoadMonitor monitor) {
                throw new OutOfDeviceMemoryException("out of GPU memory allocating 12.0 MiB for model.embed_tokens.weight"
                        + " (0.0 GiB free)");
            }
        }));
        awaitReady(window, "the sample model is loaded on the CPU");
        long loaded = consoleLines(window, "loaded specscope-moe-mini");

        Fx.run(() -> item(robot, BackendChoice.CUDA).fire());

        Fx.waitUntil(60, "the switch has failed", () -> consoleLines(window, "ERROR could not open ") == 1);
        assertThat(consoleLines(window, "out of GPU memory allocating 12.0 MiB for model.embed_tokens.weight")).isEqualTo(1);
        awaitReady(window, "the model is ready where it was");
        assertThat(consoleLines(window, "loaded specscope-moe-mini")).isEqualTo(loaded);
        assertThat(statusBackend(robot)).startsWith("CPU, 1 thread, ");
        assertThat(Fx.call(() -> item(robot, BackendChoice.CPU).isSelected())).isTrue();
        assertThat(preferences.backend()).isEqualTo(BackendChoice.CPU);
    }

    @Test
    void aGpuUploadShowsInTheLoadsProgress(FxRobot robot) throws InterruptedException {
        CountDownLatch uploading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AppPreferences preferences = windows.preferences();
        preferences.setBackend(BackendChoice.CPU);
        MainWindow window = show(preferences, withGpu(c -> new FakeGpu() {
            @Override
            public ModelRunner load(Model model, LoadMonitor monitor) {
                monitor.step(UPLOAD, 50, 100);
                uploading.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.load(model, monitor);
            }
        }));
        awaitReady(window, "the sample model is loaded on the CPU");

        Fx.run(() -> window.runViewModel().useBackend(BackendChoice.CUDA));
        assertThat(uploading.await(60, TimeUnit.SECONDS)).isTrue();
        Label message = robot.lookup("#loadMessage").queryAs(Label.class);
        try {
            Fx.waitUntil(30, "the upload shows", () -> UPLOAD.equals(message.getText()) && message.isVisible());
            assertThat(Fx.call(() -> window.runViewModel().loadProgressProperty().get())).isEqualTo(0.5);
        } finally {
            release.countDown();
        }
        Fx.waitUntil(60, "the model is loaded on the GPU", () -> statusBackend(robot).startsWith("CUDA, Fake GPU"));
        awaitReady(window, "the model is ready on the GPU");
    }
}
