package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model the kernels cannot run is refused before anything is uploaded, with the reason, so
 * that the automatic backend falls back to the CPU and says why (no GPU needed to check it).
 */
class CudaBackendLimitsTest {

    private static final Path SAMPLE_CONFIG = SampleModelDirs.TARGET.resolve("config.json");

    @TempDir
    Path tmp;

    @Test
    void theSampleModelIsWithinTheKernelsLimits() {
        assertThat(CudaBackend.beyondKernels(ModelConfig.load(SAMPLE_CONFIG))).isEmpty();
    }

    @Test
    void moreExpertsThanTheKernelsCountAreRefusedByName() throws IOException {
        Path config = Files.writeString(tmp.resolve("config.json"), Files.readString(SAMPLE_CONFIG)
                .replace("\"num_experts\": 32,", "\"num_experts\": 2048,"));
        assertThat(CudaBackend.beyondKernels(ModelConfig.load(config)))
                .contains("the model has 2048 experts per layer; the CUDA kernels handle at most 1024");
    }
}
