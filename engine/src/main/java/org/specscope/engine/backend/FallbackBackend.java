package org.specscope.engine.backend;

import org.specscope.engine.model.Model;

import java.util.Optional;
import java.util.function.Function;

/**
 * The automatic choice once a device was found: models load on the device while they fit, and
 * from the first that does not, on the fallback (the CPU), which is told why so that its
 * description says it. Once fallen back it stays there, so that a target and its draft model
 * do not end up split across two backends for a reason the user never sees.
 */
public final class FallbackBackend implements Backend {

    private final DeviceBackend device;
    private final Function<String, Backend> fallbackFor;
    private Backend fallback;

    /** @param fallbackFor makes the fallback, given the reason the device was not used */
    public FallbackBackend(DeviceBackend device, Function<String, Backend> fallbackFor) {
        this.device = device;
        this.fallbackFor = fallbackFor;
    }

    @Override
    public String name() {
        return current().name();
    }

    @Override
    public String description() {
        return current().description();
    }

    /** What a load of {@code model} would run on, without loading it ({@code info}). */
    public String descriptionFor(Model model) {
        if (fallback != null) {
            return fallback.description();
        }
        Optional<String> why = device.cannotLoad(model);
        if (why.isEmpty()) {
            return device.description();
        }
        try (Backend preview = fallbackFor.apply(why.get())) {
            return preview.description();
        }
    }

    @Override
    public synchronized ModelRunner load(Model model) {
        if (fallback == null) {
            Optional<String> why = device.cannotLoad(model);
            if (why.isEmpty()) {
                return device.load(model);
            }
            fallback = fallbackFor.apply(why.get());
        }
        return fallback.load(model);
    }

    /** The device's peaks while models load there; none once fallen back to the CPU. */
    @Override
    public Optional<DevicePeaks> devicePeaks() {
        return current().devicePeaks();
    }

    /** The device's kernel times while models load there; none once fallen back to the CPU. */
    @Override
    public Optional<KernelProfile> profileKernels(Runnable work, int passes) {
        return current().profileKernels(work, passes);
    }

    private synchronized Backend current() {
        return fallback != null ? fallback : device;
    }

    @Override
    public synchronized void close() {
        try {
            device.close();
        } finally {
            if (fallback != null) {
                fallback.close();
            }
        }
    }
}
