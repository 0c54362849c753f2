package org.specscope.engine.model;

import org.specscope.engine.model.safetensors.Checkpoint;
import org.specscope.engine.model.safetensors.TensorSource;
import org.specscope.engine.model.tokenizer.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A Hugging Face model directory opened for inference: its config, its weights mapped from
 * safetensors (zero copy), its tokenizer, and the token ids that end a generation. Close it to unmap.
 */
public final class Model implements AutoCloseable {

    private final Path directory;
    private final ModelConfig config;
    private final TensorSource tensors;
    private final ModelWeights weights;
    private final Tokenizer tokenizer;
    private final Set<Integer> eosTokenIds;

    private Model(Path directory, ModelConfig config, TensorSource tensors, ModelWeights weights, Tokenizer tokenizer,
                  Set<Integer> eosTokenIds) {
        this.directory = directory;
        this.config = config;
        this.tensors = tensors;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.eosTokenIds = Set.copyOf(eosTokenIds);
    }

    /** Opens {@code directory}: config.json, tokenizer.json, then the safetensors, bound and validated. */
    public static Model open(Path directory) {
        return open(directory, LoadMonitor.NONE);
    }

    /**
     * {@link #open(Path)}, telling {@code monitor} each stage and stopping between units of work
     * once it is cancelled ({@link LoadCancelledException}); the files mapped so far are then closed.
     */
    public static Model open(Path directory, LoadMonitor monitor) {
        try {
            return load(directory, monitor);
        } catch (RuntimeException e) {
            throw monitor.cancellationOr(e);
        }
    }

    private static Model load(Path directory, LoadMonitor monitor) {
        if (!Files.isDirectory(directory)) {
            throw new ModelFormatException(directory, null, "not a directory (expected a Hugging Face model directory"
                    + " with config.json and safetensors)");
        }
        String name = directory.getFileName() == null ? directory.toString() : directory.getFileName().toString();
        monitor.step("reading the config of " + name, 0, 0);
        ModelConfig config = ModelConfig.load(directory.resolve("config.json"));
        monitor.step("loading the tokenizer of " + name, 0, 0);
        Tokenizer tokenizer = Tokenizer.load(directory);
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new ModelFormatException(directory.resolve("tokenizer.json"), "model.vocab", "the tokenizer has "
                    + tokenizer.vocabSize() + " tokens but config.json vocab_size is " + config.vocabSize()
                    + ": tokenizer and weights come from different models");
        }
        TensorSource tensors = Checkpoint.open(directory, monitor);
        try {
            ModelWeights weights = ModelWeights.bind(config, tensors, monitor);
            return new Model(directory, config, tensors, weights, tokenizer, eosIds(directory, config, tokenizer));
        } catch (RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    /** End-of-sequence ids from config.json, generation_config.json where present, and the tokenizer's EOS. */
    private static Set<Integer> eosIds(Path directory, ModelConfig config, Tokenizer tokenizer) {
        Set<Integer> ids = new LinkedHashSet<>(config.eosTokenIds());
        tokenizer.eosId().ifPresent(ids::add);
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

    public Tokenizer tokenizer() {
        return tokenizer;
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
