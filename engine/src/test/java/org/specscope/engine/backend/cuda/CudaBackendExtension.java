package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A CUDA backend on the test device, opened before a test class and closed after it (register
 * with {@code @RegisterExtension static final}). Skips the class without a usable device, as
 * {@link CudaTestDevice} does.
 */
final class CudaBackendExtension implements BeforeAllCallback, AfterAllCallback {

    private CudaBackend backend;

    @Override
    public void beforeAll(ExtensionContext extensionContext) {
        backend = new CudaBackend(CudaTestDevice.usable());
    }

    @Override
    public void afterAll(ExtensionContext extensionContext) {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    /** The open backend. */
    CudaBackend backend() {
        if (backend == null) {
            throw new IllegalStateException("no CUDA backend: the class's @BeforeAll phase has not run");
        }
        return backend;
    }
}
