package org.specscope.engine.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Vendors' bandwidth figures, found by the names drivers report. */
class NominalBandwidthTest {

    @Test
    void theVariantsOfOneChipAreToldApartByTheirNames() {
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA H100 80GB HBM3")).hasValue(3350);
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA H100 PCIe")).hasValue(2000);
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA H100 NVL")).hasValue(3900);
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA H200")).hasValue(4800);
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA H200 NVL")).hasValue(4800);
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA GH200 480GB")).as("not an H200").hasValue(4000);
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA A100-SXM4-80GB")).hasValue(2039);
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA A100 80GB PCIe")).hasValue(1935);
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA A100-SXM4-40GB")).hasValue(1555);
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA L40S")).hasValue(864);
        assertThat(NominalBandwidth.gbPerSecond("NVIDIA L4")).hasValue(300);
    }

    @Test
    void anUnknownDeviceHasNoFigureRatherThanAGuess() {
        assertThat(NominalBandwidth.gbPerSecond("Tesla V100-SXM2-16GB")).isEmpty();
        assertThat(NominalBandwidth.gbPerSecond("")).isEmpty();
        assertThat(NominalBandwidth.gbPerSecond(null)).isEmpty();
        assertThat(NominalBandwidth.describe("Tesla V100-SXM2-16GB")).isEqualTo("unknown");
        assertThat(NominalBandwidth.describe("NVIDIA H100 80GB HBM3")).isEqualTo("3350 GB/s");
    }
}
