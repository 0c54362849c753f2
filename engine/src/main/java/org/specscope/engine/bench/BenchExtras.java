package org.specscope.engine.bench;

import org.specscope.engine.backend.DevicePeaks;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a bench run measures beyond decode, passes and the host's peaks.
 *
 * @param device               the backend's device peaks, read in every round (a GPU); empty on the CPU
 * @param deviceBandwidthBytes the device bandwidth buffer's size; empty for the device's default
 * @param tree                 the tree row: one draft tree verified unbudgeted and budgeted per round
 */
public record BenchExtras(Optional<DevicePeaks> device, OptionalLong deviceBandwidthBytes, Optional<TreeCase> tree) {

    public static final BenchExtras NONE = new BenchExtras(Optional.empty(), OptionalLong.empty(), Optional.empty());
}
