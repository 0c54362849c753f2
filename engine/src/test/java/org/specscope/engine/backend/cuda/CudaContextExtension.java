package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A CUDA context on the test device with the bundled kernels, opened before a test class and
 * closed after it, for tests that launch kernels directly:
 * {@code @RegisterExtension static final CudaContextExtension DEVICE = new CudaContextExtension();}
 * Skips the class without a usable device, as {@link CudaTestDevice} does.
 */
final class CudaContextExtension implements BeforeAllCallback, AfterAllCallback {

    private CudaContext context;

    @Override
    public void beforeAll(ExtensionContext extensionContext) {
        context = CudaContext.open(CudaTestDevice.usable(), KernelImage.bundled());
        context.bind();
    }

    @Override
    public void afterAll(ExtensionContext extensionContext) {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /** The open context, current on the calling thread. */
    CudaContext context() {
        if (context == null) {
            throw new IllegalStateException("no CUDA context: the class's @BeforeAll phase has not run");
        }
        context.bind();
        return context;
    }
}
