package org.specscope.engine.backend.cuda;

import org.specscope.engine.model.Model;

import java.util.function.Supplier;

/**
 * Runners, backends and contexts made with one system property set while they are made (they
 * read their switches then), and restored afterwards.
 */
final class RunnerWithProperty {

    private RunnerWithProperty() {
    }

    static CudaModelRunner load(CudaBackend cuda, Model model, String property, String value) {
        return with(property, value, () -> (CudaModelRunner) cuda.load(model));
    }

    /** What {@code make} returns, made while {@code property} is {@code value}. */
    static <T> T with(String property, String value, Supplier<T> make) {
        String before = System.getProperty(property);
        System.setProperty(property, value);
        try {
            return make.get();
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }
}
