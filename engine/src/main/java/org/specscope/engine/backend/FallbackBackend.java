package org.specscope.engine.backend;

import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The automatic choice once a device was found: models load on the device while they fit, and
 * from the first that does not, on the fallback (the CPU), which is told why so that its
 * description says it. A model does not fit when the device's free memory is known to be too
 * small before the upload, or when the device runs out of memory during it (another process took
 * some since); the upload's partial copy is freed first. Once fallen back it stays there, so that
 * later models do not return to a device that just ran out of memory; when a target ran on the
 * device before its draft fell back, the description names both.
 */
public final class FallbackBackend implements Backend {

    private final DeviceBackend device;
    private final Function<String, Backend> fallbackFor;
    private final List<String> onDevice = new ArrayList<>();
    private final List<String> onFallback = new ArrayList<>();
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

    /** The device's, the fallback's (with why), or when models run on both, the device's and then which ran where. */
    @Override
    public synchronized String description() {
        if (fallback == null) {
            return device.description();
        }
        if (onDevice.isEmpty()) {
            return fallback.description();
        }
        return device.description() + " for " + String.join(", ", onDevice) + "; " + String.join(", ", onFallback)
                + " on " + fallback.description();
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
    public synchronized ModelRunner load(Model model, LoadMonitor monitor) {
        if (fallback == null) {
            Optional<String> why = device.cannotLoad(model);
            if (why.isEmpty()) {
                try {
                    ModelRunner runner = device.load(model, monitor);
                    onDevice.add(nameOf(model));
                    return runner;
                } catch (OutOfDeviceMemoryException e) {
                    why = Optional.of(e.getMessage());
                }
            }
            fallback = fallbackFor.apply(why.get());
        }
        ModelRunner runner = fallback.load(model, monitor);
        onFallback.add(nameOf(model));
        return runner;
    }

    private static String nameOf(Model model) {
        return String.valueOf(model.directory().getFileName());
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
