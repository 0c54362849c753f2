package org.specscope.engine.backend;

import org.junit.jupiter.api.Test;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.backend.cuda.CudaDevice;
import org.specscope.engine.backend.cuda.CudaProbe;
import org.specscope.engine.backend.cuda.DriverQuery;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.MoeProbe;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How auto, cpu and cuda resolve on machines with and without a usable GPU (played by fakes). */
class BackendChoiceTest {

    static final Path SAMPLE = SampleModelDirs.TARGET;
    static final CudaDevice DEVICE = new CudaDevice(0, "Fake GPU", 9, 0, 80L << 30, 13000);

    static CudaProbe noDriver() {
        return new CudaProbe(() -> new DriverQuery() {
            public int driverVersion() {
                throw new UnsatisfiedLinkError("libcuda.so.1");
            }

            public int deviceCount() {
                return 0;
            }

            public CudaDevice device(int ordinal, int v) {
                return null;
            }
        }, 13000);
    }

    static CudaProbe gpu() {
        return new CudaProbe(() -> new DriverQuery() {
            public int driverVersion() {
                return 13000;
            }

            public int deviceCount() {
                return 1;
            }

            public CudaDevice device(int ordinal, int v) {
                return DEVICE;
            }
        }, 13000);
    }

    /**
     * A device backend that runs models on a CPU backend of its own, with a given free memory,
     * whose uploads run out of device memory from the {@code roomFor + 1}-th model on.
     */
    static final class FakeDevice implements DeviceBackend {
        final Optional<String> shortfall;
        final int roomFor;
        final CpuBackend cpu = new CpuBackend(1);
        int loads;

        FakeDevice(Optional<String> shortfall) {
            this(shortfall, Integer.MAX_VALUE);
        }

        FakeDevice(Optional<String> shortfall, int roomFor) {
            this.shortfall = shortfall;
            this.roomFor = roomFor;
        }

        public String name() {
            return "cuda";
        }

        public String description() {
            return "CUDA, Fake GPU";
        }

        public Optional<String> cannotLoad(Model model) {
            return shortfall;
        }

        public ModelRunner load(Model model, LoadMonitor monitor) {
            if (loads == roomFor) {
                throw new OutOfDeviceMemoryException("out of GPU memory allocating 12.0 MiB for "
                        + "model.layers.3.mlp.experts.5.up_proj.weight (0.0 GiB free)");
            }
            loads++;
            return cpu.load(model, monitor);
        }

        public void close() {
            cpu.close();
        }
    }

    static final Function<CudaDevice, DeviceBackend> NO_DEVICE_EXPECTED = d -> {
        throw new AssertionError("no device backend should start");
    };

    @Test
    void parsesTheThreeChoicesInAnyCaseAndRejectsOthers() {
        assertThat(BackendChoice.parse("AUTO")).isEqualTo(BackendChoice.AUTO);
        assertThat(BackendChoice.parse(" cuda")).isEqualTo(BackendChoice.CUDA);
        assertThat(BackendChoice.parse("cpu")).isEqualTo(BackendChoice.CPU);
        assertThatThrownBy(() -> BackendChoice.parse("gpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--backend is auto, cpu or cuda, got 'gpu'");
    }

    @Test
    void cpuIsTheCpuWithoutAskingTheDriver() {
        try (Backend b = BackendChoice.CPU.open(1, gpu(), NO_DEVICE_EXPECTED)) {
            assertThat(b).isInstanceOf(CpuBackend.class);
            assertThat(b.description()).startsWith("CPU, 1 thread, ").doesNotContain("CUDA");
        }
    }

    @Test
    void autoWithoutADriverRunsOnTheCpuAndSaysWhy() {
        try (Backend b = BackendChoice.AUTO.open(1, noDriver(), NO_DEVICE_EXPECTED)) {
            assertThat(b).isInstanceOf(CpuBackend.class);
            assertThat(b.description()).startsWith("CPU, 1 thread, ")
                    .endsWith(" (CUDA unavailable: libcuda.so.1 not found: no NVIDIA driver)");
        }
    }

    @Test
    void forcedCudaWithoutADriverIsAnErrorWithTheReason() {
        assertThatThrownBy(() -> BackendChoice.CUDA.open(1, noDriver(), NO_DEVICE_EXPECTED))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("CUDA is unavailable: libcuda.so.1 not found: no NVIDIA driver");
    }

    @Test
    void forcedCudaWithADeviceIsTheDevice() {
        FakeDevice device = new FakeDevice(Optional.empty());
        try (Backend b = BackendChoice.CUDA.open(1, gpu(), d -> device)) {
            assertThat(b).isSameAs(device);
        }
    }

    @Test
    void autoWithARoomyDeviceLoadsThere() {
        FakeDevice device = new FakeDevice(Optional.empty());
        try (Backend b = BackendChoice.AUTO.open(1, gpu(), d -> device); Model m = Model.open(SAMPLE);
             ModelRunner r = b.load(m)) {
            assertThat(device.loads).isEqualTo(1);
            assertThat(b.description()).isEqualTo("CUDA, Fake GPU");
            assertThat(r.forward(ForwardBatch.sequence(new int[]{1, 2}, 0, ForwardBatch.LogitRows.LAST),
                    r.newKvCache(4), MoeProbe.NONE).rows()).isEqualTo(1);
        }
    }

    @Test
    void autoWithTooLittleDeviceMemoryFallsBackToTheCpuAndSaysWhy() {
        FakeDevice device = new FakeDevice(Optional.of("the device has 1.0 GiB free; the model needs 2.0 GiB"));
        try (FallbackBackend b = (FallbackBackend) BackendChoice.AUTO.open(1, gpu(), d -> device);
             Model m = Model.open(SAMPLE)) {
            assertThat(b.descriptionFor(m)).endsWith("(CUDA unavailable: the device has 1.0 GiB free; the model needs 2.0 GiB)");
            try (ModelRunner r = b.load(m)) {
                assertThat(device.loads).isZero();
                assertThat(b.description()).startsWith("CPU, 1 thread, ")
                        .endsWith("(CUDA unavailable: the device has 1.0 GiB free; the model needs 2.0 GiB)");
                assertThat(r.config()).isEqualTo(m.config());
            }
        }
    }

    @Test
    void autoWithADeviceThatWillNotStartRunsOnTheCpu() {
        try (Backend b = BackendChoice.AUTO.open(1, gpu(), d -> {
            throw new IllegalStateException("cuModuleLoadData failed: CUDA_ERROR_NO_BINARY_FOR_GPU");
        })) {
            assertThat(b.description()).endsWith("(CUDA unavailable: cuModuleLoadData failed: CUDA_ERROR_NO_BINARY_FOR_GPU)");
        }
    }

    @Test
    void autoWhoseDeviceRunsOutOfMemoryDuringTheUploadRunsTheModelOnTheCpuAndSaysWhy() {
        FakeDevice device = new FakeDevice(Optional.empty(), 0);
        try (Backend b = BackendChoice.AUTO.open(1, gpu(), d -> device); Model m = Model.open(SAMPLE);
             ModelRunner r = b.load(m)) {
            assertThat(device.loads).isZero();
            assertThat(b.description()).startsWith("CPU, 1 thread, ").endsWith("(CUDA unavailable: out of GPU memory "
                    + "allocating 12.0 MiB for model.layers.3.mlp.experts.5.up_proj.weight (0.0 GiB free))");
            assertThat(r.forward(ForwardBatch.sequence(new int[]{1, 2}, 0, ForwardBatch.LogitRows.LAST),
                    r.newKvCache(4), MoeProbe.NONE).rows()).isEqualTo(1);
        }
    }

    @Test
    void aTargetOnTheDeviceAndADraftThatRanOutOfDeviceMemoryAreBothNamed() {
        FakeDevice device = new FakeDevice(Optional.empty(), 1);
        try (Backend b = BackendChoice.AUTO.open(1, gpu(), d -> device); Model target = Model.open(SAMPLE);
             Model draft = Model.open(SampleModelDirs.DRAFT); ModelRunner t = b.load(target); ModelRunner d = b.load(draft)) {
            assertThat(device.loads).isEqualTo(1);
            assertThat(b.description()).startsWith("CUDA, Fake GPU for specscope-moe-mini; specscope-moe-mini-draft on CPU, "
                    + "1 thread, ").endsWith("(CUDA unavailable: out of GPU memory allocating 12.0 MiB for "
                    + "model.layers.3.mlp.experts.5.up_proj.weight (0.0 GiB free))");
        }
    }

    @Test
    void aForcedDeviceThatRunsOutOfMemoryReportsIt() {
        FakeDevice device = new FakeDevice(Optional.empty(), 0);
        try (Backend b = BackendChoice.CUDA.open(1, gpu(), d -> device); Model m = Model.open(SAMPLE)) {
            assertThatThrownBy(() -> b.load(m)).isInstanceOf(OutOfDeviceMemoryException.class)
                    .hasMessageStartingWith("out of GPU memory allocating 12.0 MiB");
        }
    }
}
