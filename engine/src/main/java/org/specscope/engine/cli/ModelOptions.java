package org.specscope.engine.cli;

import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.BackendChoice;
import org.specscope.engine.model.LoadMonitor;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** The options every model command shares: which model, where it runs, and how many CPU threads. */
final class ModelOptions {

    /** Set by the launcher to the project's root, where sample-models/ lives. */
    static final String HOME_PROPERTY = "specscope.home";

    @Option(names = {"-m", "--model"}, paramLabel = "DIR",
            description = "Hugging Face model directory (config.json, safetensors, tokenizer.json). "
                    + "Default: the bundled sample model.")
    Path model;

    @Option(names = "--threads", paramLabel = "N", description = "CPU worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
            description = "Where the model runs: auto (a CUDA GPU when one is usable, else the CPU), cpu or cuda "
                    + "(default: ${DEFAULT-VALUE}).")
    String backend = "auto";

    /** The backend --backend names; a forced cuda without a usable GPU fails with the reason. */
    Backend openBackend() {
        BackendChoice choice = BackendChoice.parse(backend);
        try {
            return choice.open(threadCount());
        } catch (IllegalStateException e) {
            throw new IllegalStateException("--backend " + choice + ": " + e.getMessage()
                    + " (use --backend auto or cpu to run on the CPU)", e);
        }
    }

    /** A load's progress as lines on stderr (stdout may be JSON), for loads long enough to wait on. */
    LoadMonitor loadMonitor() {
        return LoadMonitor.of(new LoadLines(System.err, System::nanoTime), () -> false);
    }

    int threadCount() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** The model directory to open: --model, else the bundled sample model. */
    Path modelDirectory() {
        if (model != null) {
            return model;
        }
        Path home = Path.of(System.getProperty(HOME_PROPERTY, "."));
        return bundledModel(home.resolve("sample-models")).orElseThrow(() -> new IllegalArgumentException(
                "no --model given and no bundled sample model found under " + home.resolve("sample-models")
                        + "; pass --model DIR (a Hugging Face model directory)"));
    }

    /** The first target model (not a draft model) under {@code samples}, by name. */
    static Optional<Path> bundledModel(Path samples) {
        if (!Files.isDirectory(samples)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(samples)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("config.json")))
                    .filter(d -> !d.getFileName().toString().endsWith("-draft"))
                    .min(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
