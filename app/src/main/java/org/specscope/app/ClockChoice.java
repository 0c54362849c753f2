package org.specscope.app;

import org.specscope.engine.control.Clock;
import org.specscope.engine.control.CostModelClock;
import org.specscope.engine.control.DeviceProfile;

/**
 * The clocks the inspector offers, as {@code --clock} does: the wall (what this machine takes)
 * or the cost model of a device (what-if timings: what the same passes would take there).
 */
public enum ClockChoice {
    WALL("wall clock", null),
    H100("H100 cost model", "h100"),
    H200("H200 cost model", "h200"),
    A100("A100 cost model", "a100"),
    RTX4090("RTX 4090 cost model", "rtx4090");

    private final String label;
    private final String preset;

    ClockChoice(String label, String preset) {
        this.label = label;
        this.preset = preset;
    }

    /** A fresh clock for one run (a cost-model clock accumulates the run's passes). */
    public Clock newClock() {
        return preset == null ? Clock.WALL : new CostModelClock(DeviceProfile.PRESETS.get(preset));
    }

    @Override
    public String toString() {
        return label;
    }
}
