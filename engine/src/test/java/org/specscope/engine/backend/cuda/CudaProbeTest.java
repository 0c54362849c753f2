package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Every reason the probe can give, played by a fake driver (no machine here has them all). */
class CudaProbeTest {

    static final CudaDevice H100 = new CudaDevice(0, "NVIDIA H100 80GB HBM3", 9, 0, 85_000_000_000L, 13000);

    /** A driver that answers as told; {@link #asked} counts how often the probe reached it. */
    static final class FakeDriver implements DriverQuery {
        final AtomicInteger asked = new AtomicInteger();
        int version = 13000;
        int devices = 1;
        CudaDevice device = H100;
        RuntimeException failure;
        boolean noLibrary;

        @Override
        public int driverVersion() {
            asked.incrementAndGet();
            if (noLibrary) {
                throw new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file");
            }
            return version;
        }

        @Override
        public int deviceCount() {
            if (failure != null) {
                throw failure;
            }
            return devices;
        }

        @Override
        public CudaDevice device(int ordinal, int driverVersion) {
            return device;
        }
    }

    private static CudaProbe probe(FakeDriver d) {
        return new CudaProbe(() -> d, 13000);
    }

    @Test
    void aMissingLibcudaIsReportedOnceAndNotAskedAgain() {
        FakeDriver d = new FakeDriver();
        d.noLibrary = true;
        CudaProbe p = probe(d);
        assertThat(p.availability().reason()).isEqualTo("libcuda.so.1 not found: no NVIDIA driver");
        assertThat(p.availability().isAvailable()).isFalse();
        assertThat(d.asked).as("the driver is asked once per probe").hasValue(1);
    }

    @Test
    void aLaterTouchOfAMissingLibraryIsTheSameReason() {
        CudaProbe p = new CudaProbe(() -> {
            throw new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver");
        }, 13000);
        assertThat(p.availability().reason()).isEqualTo("libcuda.so.1 not found: no NVIDIA driver");
    }

    @Test
    void anOldDriverNamesItsVersionAndTheOneNeeded() {
        FakeDriver d = new FakeDriver();
        d.version = 12040;
        assertThat(probe(d).availability().reason())
                .isEqualTo("the driver supports CUDA 12.4; SpecScope's kernels need 13.0+ (R580+)");
    }

    @Test
    void noDevice() {
        FakeDriver d = new FakeDriver();
        d.devices = 0;
        assertThat(probe(d).availability().reason()).isEqualTo("no CUDA device");
    }

    @Test
    void aDeviceOlderThanAmpere() {
        FakeDriver d = new FakeDriver();
        d.device = new CudaDevice(0, "Tesla T4", 7, 5, 16L << 30, 13000);
        assertThat(probe(d).availability().reason())
                .isEqualTo("Tesla T4 has compute capability 7.5; SpecScope's kernels need 8.0+");
    }

    @Test
    void aDriverErrorIsPassedOn() {
        FakeDriver d = new FakeDriver();
        d.failure = new IllegalStateException("cuInit failed: CUDA_ERROR_UNKNOWN");
        assertThat(probe(d).availability().reason()).isEqualTo("the CUDA driver failed: cuInit failed: CUDA_ERROR_UNKNOWN");
    }

    @Test
    void aUsableDevice() {
        CudaAvailability a = probe(new FakeDriver()).availability();
        assertThat(a.isAvailable()).isTrue();
        assertThat(a.device()).contains(H100);
        assertThat(H100.describe()).isEqualTo("NVIDIA H100 80GB HBM3 (compute 9.0, 79.2 GiB, driver CUDA 13.0)");
    }

    @Test
    void driverReleasesFollowNvidiasTable() {
        assertThat(CudaProbe.minimumDriverRelease(12000)).isEqualTo("R525+");
        assertThat(CudaProbe.minimumDriverRelease(12040)).isEqualTo("R550+");
        assertThat(CudaProbe.minimumDriverRelease(12080)).isEqualTo("R570+");
        assertThat(CudaProbe.minimumDriverRelease(13000)).isEqualTo("R580+");
    }

    @Test
    void tooLittleMemoryNamesBoth() {
        assertThat(CudaFootprint.shortfall(3L << 30, 14L << 30))
                .contains("the device has 3.0 GiB free; the model needs 14.0 GiB");
        assertThat(CudaFootprint.shortfall(14L << 30, 14L << 30)).isEmpty();
    }

    @Test
    void theRealProbeOnThisMachineGivesAnAnswer() {
        // Without libcuda (CI) it must say so rather than throw; with a GPU it names the device.
        CudaAvailability a = CudaProbe.system().availability();
        assertThat(a.isAvailable() ? a.device().orElseThrow().name() : a.reason()).isNotBlank();
        assertThat(CudaProbe.system().availability()).isSameAs(a);
    }
}
