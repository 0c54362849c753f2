package org.specscope.engine.backend;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KernelProfileTest {

    private final KernelProfile profile = new KernelProfile(List.of(
            new KernelProfile.KernelTime("embed", 2, 10),
            new KernelProfile.KernelTime("matmul", 14, 300),
            new KernelProfile.KernelTime("attention", 12, 90)), 2);

    @Test
    void theTotalIsEveryKernelsTime() {
        assertThat(profile.totalMicros()).isEqualTo(400);
    }

    @Test
    void kernelsByTimeComeLongestFirstAndTheLaunchOrderIsKept() {
        assertThat(profile.byTime()).extracting(KernelProfile.KernelTime::kernel).containsExactly("matmul", "attention", "embed");
        assertThat(profile.kernels()).extracting(KernelProfile.KernelTime::kernel).containsExactly("embed", "matmul", "attention");
    }

    @Test
    void aProfileCoversAtLeastOnePass() {
        assertThatThrownBy(() -> new KernelProfile(List.of(), 0)).hasMessageContaining("at least one pass");
    }
}
