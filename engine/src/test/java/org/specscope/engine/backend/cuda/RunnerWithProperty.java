package org.specscope.engine.backend.cuda;

import org.specscope.engine.model.Model;

/** Loads a model on a CUDA backend with one system property set for the load only (the runner reads its switches then). */
final class RunnerWithProperty {

    private RunnerWithProperty() {
    }

    static CudaModelRunner load(CudaBackend cuda, Model model, String property, String value) {
        String before = System.getProperty(property);
        System.setProperty(property, value);
        try {
            return (CudaModelRunner) cuda.load(model);
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }
}
