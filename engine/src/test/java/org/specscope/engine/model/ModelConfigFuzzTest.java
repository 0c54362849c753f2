package org.specscope.engine.model;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes given as config.json either load into a configuration whose dimensions are usable
 * (positive, heads dividing as the forward pass needs) or are refused with a
 * {@link ModelFormatException} naming the file: never a NullPointerException, a
 * ClassCastException or a number that wrapped. Seeds: the sample models' and the synthetic
 * Mixtral and OLMoE checkpoints' configs.
 */
class ModelConfigFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void anyConfigLoadsOrIsRefusedByName(byte[] json) throws IOException {
        Path file = Files.createTempFile("fuzz-config", ".json");
        try {
            Files.write(file, json);
            ModelConfig config;
            try {
                config = ModelConfig.load(file);
            } catch (ModelFormatException e) {
                assertThat(e.getMessage()).contains(file.getFileName().toString());
                return;
            }
            assertThat(config.hiddenSize()).isPositive();
            assertThat(config.numLayers()).isPositive();
            assertThat(config.numHeads()).isPositive();
            assertThat(config.numKvHeads()).isPositive();
            assertThat(config.numHeads() % config.numKvHeads()).as("query heads share kv heads evenly").isZero();
            assertThat(config.headDim()).isPositive();
            assertThat(config.vocabSize()).isPositive();
            config.moe().ifPresent(moe -> {
                assertThat(moe.numExperts()).isPositive();
                assertThat(moe.expertsPerToken()).isBetween(1, moe.numExperts());
            });
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
