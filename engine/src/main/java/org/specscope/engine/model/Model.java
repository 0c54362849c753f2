package org.specscope.engine.model;

import org.specscope.engine.model.safetensors.Checkpoint;
import org.specscope.engine.model.safetensors.TensorSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A Hugging Face model directory opened for inference: its config, its weights mapped from
 * safetensors (zero copy), and the token ids that end a generation. Close it to unmap.
 */
public final class Model implements AutoCloseable {

    private final Path directory;
    private final ModelConfig config;
    private final TensorSource tensors;
    private final ModelWeights weights;
    private final Set<Integer> eosTokenIds;

    private Model(Path directory, ModelConfig config, TensorSource tensors, ModelWeights weights,
                  Set<Integer> eosTokenIds) {
        this.directory = directory;
        this.config = config;
        this.tensors = tensors;
        this.weights = weights;
        this.eosTokenIds = Set.copyOf(eosTokenIds);
    }

    /** Opens {@code directory}: config.json, then the safetensors it names, bound and validated. */
    public static Model open(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ModelFormatException(directory, null, "not a directory (expected a Hugging Face model directory"
                    + " with config.json and safetensors)");
        }
        ModelConfig config = ModelConfig.load(directory.resolve("config.json"));
        TensorSource tensors = Checkpoint.open(directory);
        try {
            ModelWeights weights = ModelWeights.bind(config, tensors);
            return new Model(directory, config, tensors, weights, eosIds(directory, config));
        } catch (RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    /** End-of-sequence ids from config.json and, where present, generation_config.json. */
    private static Set<Integer> eosIds(Path directory, ModelConfig config) {
        Set<Integer> ids = new LinkedHashSet<>(config.eosTokenIds());
        Path generation = directory.resolve("generation_config.json");
        if (Files.isRegularFile(generation)) {
            ids.addAll(ConfigReader.open(generation).intOrIntList("eos_token_id"));
        }
        return ids;
    }

    public Path directory() {
        return directory;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public TensorSource tensors() {
        return tensors;
    }

    /** Token ids that end a generation. */
    public Set<Integer> eosTokenIds() {
        return eosTokenIds;
    }

    @Override
    public void close() {
        tensors.close();
    }
}
