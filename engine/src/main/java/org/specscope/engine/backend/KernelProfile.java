package org.specscope.engine.backend;

import java.util.Comparator;
import java.util.List;

/**
 * Device time per kernel over some passes, from events recorded around each launch (launched one
 * by one, so that each has its own pair): where a device pass spends its time, without a profiler.
 *
 * @param kernels each kernel's launches and summed device time, in the order first launched
 * @param passes  how many passes the times cover (per-pass figures divide by it)
 */
public record KernelProfile(List<KernelTime> kernels, int passes) {

    /** One kernel's share: {@code launches} launches took {@code micros} of device time in all. */
    public record KernelTime(String kernel, int launches, double micros) {
    }

    public KernelProfile {
        kernels = List.copyOf(kernels);
        if (passes < 1) {
            throw new IllegalArgumentException("a profile covers at least one pass, got " + passes);
        }
    }

    /** The summed device time of every launch, in microseconds. */
    public double totalMicros() {
        return kernels.stream().mapToDouble(KernelTime::micros).sum();
    }

    /** The kernels by time, longest first. */
    public List<KernelTime> byTime() {
        return kernels.stream().sorted(Comparator.comparingDouble(KernelTime::micros).reversed()).toList();
    }
}
