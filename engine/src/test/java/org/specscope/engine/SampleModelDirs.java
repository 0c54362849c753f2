package org.specscope.engine;

import java.nio.file.Path;

/**
 * Where the bundled sample models are, for tests: under {@code -Dspecscope.home} when set (the
 * GPU checks run from the project root), else beside the engine module that Maven runs tests in.
 */
public final class SampleModelDirs {

    /** sample-models/, absolute. */
    public static final Path ROOT = Path.of(System.getProperty("specscope.home", ".."), "sample-models")
            .toAbsolutePath().normalize();
    /** The target model, specscope-moe-mini. */
    public static final Path TARGET = ROOT.resolve("specscope-moe-mini");
    /** Its draft model, specscope-moe-mini-draft. */
    public static final Path DRAFT = ROOT.resolve("specscope-moe-mini-draft");

    private SampleModelDirs() {
    }
}
