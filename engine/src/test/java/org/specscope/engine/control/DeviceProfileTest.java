package org.specscope.engine.control;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceProfileTest {

    @Test
    void presetsCarryTheDatasheetFigures() {
        assertThat(DeviceProfile.H100_SXM).isEqualTo(new DeviceProfile("H100 SXM", 3.35e12, 989e12, 20_000));
        assertThat(DeviceProfile.H200).isEqualTo(new DeviceProfile("H200", 4.8e12, 989e12, 20_000));
        assertThat(DeviceProfile.A100_80GB).isEqualTo(new DeviceProfile("A100 80GB", 2.0e12, 312e12, 20_000));
        assertThat(DeviceProfile.RTX_4090).isEqualTo(new DeviceProfile("RTX 4090", 1.0e12, 165e12, 20_000));
    }

    @Test
    void parsesPresetNamesInAnyCase() {
        assertThat(DeviceProfile.parse("h100")).isSameAs(DeviceProfile.H100_SXM);
        assertThat(DeviceProfile.parse(" H200 ")).isSameAs(DeviceProfile.H200);
        assertThat(DeviceProfile.parse("A100")).isSameAs(DeviceProfile.A100_80GB);
        assertThat(DeviceProfile.parse("rtx4090")).isSameAs(DeviceProfile.RTX_4090);
    }

    @Test
    void parsesACustomDevice() {
        assertThat(DeviceProfile.parse("bw=2.5e12,flops=500e12"))
                .isEqualTo(new DeviceProfile("custom", 2.5e12, 500e12, 20_000));
        assertThat(DeviceProfile.parse("name=MI300X, bw=5.3e12, flops=1307e12, overhead=15us"))
                .isEqualTo(new DeviceProfile("MI300X", 5.3e12, 1307e12, 15_000));
        assertThat(DeviceProfile.parse("bw=1e12,flops=1e14,overhead=0.1ms").perPassOverheadNanos()).isEqualTo(100_000);
        assertThat(DeviceProfile.parse("bw=1e12,flops=1e14,overhead=750").perPassOverheadNanos()).isEqualTo(750);
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> DeviceProfile.parse("b200")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown device 'b200'")
                .hasMessageContaining("h100, h200, a100, rtx4090")
                .hasMessageContaining("bw=");
    }

    @Test
    void aBadCustomDeviceSaysWhatIsWrong() {
        assertThatThrownBy(() -> DeviceProfile.parse("bw=1e12")).hasMessageContaining("bw and flops are both required");
        assertThatThrownBy(() -> DeviceProfile.parse("bw=fast,flops=1e14")).hasMessageContaining("bw='fast' is not a number");
        assertThatThrownBy(() -> DeviceProfile.parse("bw=1e12,flops=1e14,watts=700")).hasMessageContaining("unknown key 'watts'");
        assertThatThrownBy(() -> DeviceProfile.parse("bw=-1,flops=1e14")).hasMessageContaining("memory bandwidth must be");
    }

    @Test
    void describesItselfInTerabytesAndTeraflops() {
        assertThat(DeviceProfile.H100_SXM.describe()).isEqualTo("H100 SXM (3.35 TB/s, 989 TFLOP/s)");
        assertThat(DeviceProfile.H200.describe()).isEqualTo("H200 (4.8 TB/s, 989 TFLOP/s)");
        assertThat(DeviceProfile.RTX_4090.describe()).isEqualTo("RTX 4090 (1 TB/s, 165 TFLOP/s)");
    }
}
