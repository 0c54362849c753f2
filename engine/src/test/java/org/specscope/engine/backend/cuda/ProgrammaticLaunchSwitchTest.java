package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When kernels are launched programmatically: on compute capability 9.0 and later, through the
 * FFM launcher, unless -Dspecscope.cuda.pdl=false; otherwise the reason says which of these is
 * missing. (No device needed: the rule alone.)
 */
class ProgrammaticLaunchSwitchTest {

    @Test
    void onFromComputeNineWhenTheLauncherCan() {
        assertThat(CudaContext.programmaticOff(9, null, null)).isNull();
        assertThat(CudaContext.programmaticOff(10, "true", null)).isNull();
    }

    @Test
    void offBeforeComputeNine() {
        assertThat(CudaContext.programmaticOff(8, null, null)).isEqualTo(
                "compute capability 8.x (programmatic dependent launch needs 9.0)");
    }

    @Test
    void offByTheSwitchWhateverTheDevice() {
        assertThat(CudaContext.programmaticOff(9, "false", null)).isEqualTo("-Dspecscope.cuda.pdl=false");
    }

    @Test
    void offWithTheLaunchersReason() {
        assertThat(CudaContext.programmaticOff(9, null, "libcuda.so.1 has no cuLaunchKernelEx"))
                .isEqualTo("libcuda.so.1 has no cuLaunchKernelEx");
    }
}
