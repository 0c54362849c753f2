package org.specscope.engine.backend;

import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;

import java.util.Optional;

/**
 * Where a transformer's heavy work runs (the CPU with the Vector API, or a CUDA device).
 * Everything above this interface (generation, speculation, tracing) is backend-agnostic.
 */
public interface Backend extends AutoCloseable {

    /** Short name, e.g. "cpu". */
    String name();

    /** What the user should see: the device and why it was chosen, e.g. "CPU, 2 threads, 256-bit vectors". */
    String description();

    /** Prepares {@code model} for forward passes on this backend (the CPU maps, a GPU uploads). */
    default ModelRunner load(Model model) {
        return load(model, LoadMonitor.NONE);
    }

    /**
     * {@link #load(Model)}, telling {@code monitor} how the preparation advances (a GPU's weight
     * upload, in bytes) and stopping, with what it had made freed, once the monitor is cancelled.
     */
    ModelRunner load(Model model, LoadMonitor monitor);

    /** The device's own peaks, where the backend runs on a device with its own memory; empty on the CPU. */
    default Optional<DevicePeaks> devicePeaks() {
        return Optional.empty();
    }

    /**
     * Runs {@code passes} passes ({@code work}) with each kernel launch timed on the device, one
     * launch at a time; empty where the backend runs no kernels (the CPU).
     */
    default Optional<KernelProfile> profileKernels(Runnable work, int passes) {
        return Optional.empty();
    }

    @Override
    void close();
}
