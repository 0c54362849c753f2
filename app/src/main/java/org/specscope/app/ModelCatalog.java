package org.specscope.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Where the bundled sample models are, and which of their directories are targets. */
public final class ModelCatalog {

    /** Set by the launcher to the project's root, where sample-models/ lives (as for the command line). */
    public static final String HOME_PROPERTY = "specscope.home";

    private ModelCatalog() {
    }

    /**
     * The project's root: the {@value #HOME_PROPERTY} property, else the first of the working
     * directory and its parents that holds sample-models/.
     */
    public static Path home() {
        String property = System.getProperty(HOME_PROPERTY);
        if (property != null) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("sample-models"))) {
                return p;
            }
        }
        return dir;
    }

    /** The target models (not the "-draft" ones) under {@code samples}, by name; empty when there is none. */
    public static List<ModelEntry> bundled(Path samples) {
        if (!Files.isDirectory(samples)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(samples)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("config.json")))
                    .filter(d -> !d.getFileName().toString().endsWith("-draft"))
                    .sorted()
                    .map(d -> ModelEntry.of(d, true))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample prompt shown first: the first prompt file's first paragraph, or a fixed sentence. */
    public static String defaultPrompt(Path samples) {
        Path austen = samples.resolve("prompts").resolve("austen.txt");
        try {
            if (Files.isRegularFile(austen)) {
                Optional<String> first = Files.readAllLines(austen).stream().map(String::strip)
                        .filter(l -> !l.isEmpty()).findFirst();
                if (first.isPresent() && first.get().length() < 400) {
                    return first.get();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // fall through to the fixed prompt
        }
        return "It is a truth universally acknowledged, that";
    }
}
