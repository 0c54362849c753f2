package org.specscope.app;

import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.BackendChoice;
import org.specscope.engine.backend.cuda.CudaAvailability;
import org.specscope.engine.backend.cuda.CudaProbe;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where the app's models run: a fresh backend for each load, given the user's choice (the setup
 * that loads on it owns and closes it), and what the CUDA probe found on this machine, for the
 * Backend menu. The probe may take a moment the first time (it loads the driver), so the view
 * model asks it off the JavaFX thread.
 *
 * @param opener the backend for a choice; throws when the choice cannot be had here (a forced CUDA
 *               without a usable device), with the reason
 * @param cuda   the CUDA device, or why there is none
 */
public record Backends(Function<BackendChoice, Backend> opener, Supplier<CudaAvailability> cuda) {

    /** This machine's: CUDA through the driver, the CPU on every core. */
    public static Backends system() {
        int threads = Runtime.getRuntime().availableProcessors();
        return new Backends(choice -> choice.open(threads), () -> CudaProbe.system().availability());
    }

    /** Every load on a backend from {@code cpu}, whatever the choice, on a machine without CUDA (tests). */
    static Backends cpuOnly(Supplier<Backend> cpu) {
        return new Backends(choice -> cpu.get(), () -> CudaAvailability.unavailable("no CUDA device"));
    }

    Backend open(BackendChoice choice) {
        return opener.apply(choice);
    }

    /** The menu's word for a choice. */
    static String label(BackendChoice choice) {
        return switch (choice) {
            case AUTO -> "Automatic";
            case CPU -> "CPU";
            case CUDA -> "CUDA";
        };
    }
}
