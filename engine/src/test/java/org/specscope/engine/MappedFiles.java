package org.specscope.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which files under a directory this process has memory-mapped, from Linux's /proc/self/maps: a
 * file whose arena was never closed stays listed there, so a leaked mapping shows up here
 * whatever object held it. Tests using it are skipped where there is no /proc.
 */
public final class MappedFiles {

    private static final Path MAPS = Path.of("/proc/self/maps");

    private MappedFiles() {
    }

    /** Skips the calling test on platforms without /proc/self/maps. */
    public static void assumeAvailable() {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps (Linux) to see mapped files");
    }

    /** The lines of /proc/self/maps naming a file under {@code dir}. */
    public static List<String> under(Path dir) {
        try {
            String root = dir.toRealPath().toString() + "/";
            return Files.readAllLines(MAPS).stream().filter(l -> l.contains(root)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
