package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.Test;
import org.specscope.engine.backend.DevicePeaks;
import org.specscope.engine.backend.PeakReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The device's read bandwidth and FMA peak kernels on a real GPU; skipped, with the probe's reason, without one. */
class CudaPeaksTest {

    @Test
    void theReadKernelReadsEveryWordAndBothPeaksArePlausible() {
        CudaAvailability a = CudaProbe.system().availability();
        assumeTrue(a.isAvailable(), () -> "no usable CUDA device: " + a.reason());
        CudaDevice device = a.device().orElseThrow();
        try (CudaBackend backend = new CudaBackend(device)) {
            DevicePeaks peaks = backend.devicePeaks().orElseThrow();
            assertThat(peaks.deviceName()).isEqualTo(device.name());
            try (PeakReader read = peaks.memoryRead(256L << 20); PeakReader fma = peaks.fmaPeak()) {
                read.warmUp();
                double gb = read.read();   // throws when the checksum shows a word unread
                assertThat(gb).as("GB/s").isBetween(50.0, 20_000.0);
                fma.warmUp();
                assertThat(fma.read()).as("GFLOP/s").isBetween(1_000.0, 500_000.0);
                assertThat(read.bytes()).isEqualTo(256L << 20);
            }
        }
    }
}
