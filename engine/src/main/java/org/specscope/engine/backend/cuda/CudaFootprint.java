package org.specscope.engine.backend.cuda;

import org.specscope.engine.model.Model;

import java.util.Locale;
import java.util.Optional;

/** How much device memory a model needs, and the one-line reason when the device has less. */
public final class CudaFootprint {

    /**
     * Beyond the weights: the activations of a 128-token pass, a few thousand tokens of KV cache
     * for a small model, and the context and module themselves. Generous on purpose: a load that
     * fails half-way through the upload is worse than a CPU run announced up front.
     */
    static final long RESERVE_BYTES = 768L << 20;

    private CudaFootprint() {
    }

    /** Device bytes to load {@code model}: its weights as stored (nothing is widened) plus the reserve. */
    public static long bytesNeeded(Model model) {
        return model.weights().byteSize() + RESERVE_BYTES;
    }

    /** "the device has 3.2 GiB free; the model needs 13.9 GiB", or empty when it fits. */
    public static Optional<String> shortfall(long freeBytes, long neededBytes) {
        if (neededBytes <= freeBytes) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "the device has %.1f GiB free; the model needs %.1f GiB",
                freeBytes / (double) (1L << 30), neededBytes / (double) (1L << 30)));
    }
}
