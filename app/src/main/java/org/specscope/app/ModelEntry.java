package org.specscope.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model the user can run: a Hugging Face directory and, where there is one, the draft model
 * that goes with it.
 *
 * @param bundled whether it ships in sample-models/
 */
public record ModelEntry(String name, Path directory, Optional<Path> draft, boolean bundled) {

    /** Any directory the user opened: the name is the folder's, a sibling "NAME-draft" is its draft. */
    public static ModelEntry of(Path directory, boolean bundled) {
        Path dir = directory.toAbsolutePath().normalize();
        Path fileName = dir.getFileName();
        String name = fileName == null ? dir.toString() : fileName.toString();
        Path sibling = dir.resolveSibling(name + "-draft");
        Optional<Path> draft = Files.isRegularFile(sibling.resolve("config.json")) ? Optional.of(sibling) : Optional.empty();
        return new ModelEntry(name, dir, draft, bundled);
    }

    @Override
    public String toString() {
        return name + (bundled ? " (sample)" : "") + (draft.isPresent() ? " + draft" : "");
    }
}
