package org.specscope.engine.control;

import org.specscope.engine.spec.PassCost;

/**
 * A clock whose time is what the charged forward passes would have taken on a device: a what-if
 * GPU timeline on any machine. Only {@link #charge} moves it; host work between passes is free.
 * One generation at a time (not thread-safe).
 */
public final class CostModelClock implements Clock {

    private final DeviceProfile device;
    private double elapsedNanos;   // exact sum; rounded only when read, so many small passes do not drift

    public CostModelClock(DeviceProfile device) {
        this.device = device;
    }

    public DeviceProfile device() {
        return device;
    }

    @Override
    public long nanoTime() {
        return Math.round(elapsedNanos);
    }

    @Override
    public void charge(PassCost cost) {
        elapsedNanos += device.nanos(cost);
    }

    @Override
    public String describe() {
        return "cost model: " + device.describe();
    }
}
