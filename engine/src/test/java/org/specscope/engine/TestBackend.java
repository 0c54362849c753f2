package org.specscope.engine;

import org.specscope.engine.backend.cpu.CpuBackend;

/**
 * The CPU backend the engine's tests share: two workers, started once per test JVM. Its pool's
 * workers are daemon threads, so it needs no closing.
 */
public final class TestBackend {

    public static final CpuBackend CPU = new CpuBackend(2);

    private TestBackend() {
    }
}
