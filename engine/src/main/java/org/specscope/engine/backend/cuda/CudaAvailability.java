package org.specscope.engine.backend.cuda;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether SpecScope can run on a CUDA device here: the device, or the one reason it cannot
 * (the user sees this reason in {@code info} and the app's status bar).
 */
public record CudaAvailability(Optional<CudaDevice> device, String reason) {

    public CudaAvailability {
        Objects.requireNonNull(device);
        if (device.isPresent() == (reason != null)) {
            throw new IllegalArgumentException("either a device or a reason, not both or neither");
        }
    }

    public static CudaAvailability of(CudaDevice device) {
        return new CudaAvailability(Optional.of(device), null);
    }

    public static CudaAvailability unavailable(String reason) {
        return new CudaAvailability(Optional.empty(), Objects.requireNonNull(reason));
    }

    public boolean isAvailable() {
        return device.isPresent();
    }
}
