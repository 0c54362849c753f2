package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.Test;
import org.specscope.engine.backend.DevicePeaks;
import org.specscope.engine.backend.PeakReader;

import static org.assertj.core.api.Assertions.assertThat;

/** The device's read bandwidth and FMA peak kernels; skipped, with the probe's reason, without a device. */
class CudaPeaksTest {

    @Test
    void theReadKernelReadsEveryWordAndBothPeaksArePlausible() {
        CudaDevice device = CudaTestDevice.usable();
        // The emulator runs the same kernels on the CPU: every word must still be read, but its
        // rates are the host's.
        boolean gpu = !CudaTestDevice.emulated(device);
        try (CudaBackend backend = new CudaBackend(device)) {
            DevicePeaks peaks = backend.devicePeaks().orElseThrow();
            assertThat(peaks.deviceName()).isEqualTo(device.name());
            try (PeakReader read = peaks.memoryRead(256L << 20); PeakReader fma = peaks.fmaPeak()) {
                read.warmUp();
                double gb = read.read();   // throws when the checksum shows a word unread
                assertThat(gb).as("GB/s").isBetween(gpu ? 50.0 : 0.0, 20_000.0);
                fma.warmUp();
                assertThat(fma.read()).as("GFLOP/s").isBetween(gpu ? 1_000.0 : 0.0, 500_000.0);
                assertThat(read.bytes()).isEqualTo(256L << 20);
            }
        }
    }
}
