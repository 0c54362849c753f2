package org.specscope.engine.bench;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Vendors' memory bandwidth figures for common NVIDIA GPUs, found by the name the driver reports.
 * A measured read reaches about 90% of these, so a target stated as "of HBM bandwidth" is
 * checked against both. Unknown devices get none: a guess would make the ratio look exact.
 */
public final class NominalBandwidth {

    /** One row: every fragment must occur in the device's name (case-insensitive). */
    record Entry(List<String> fragments, double gbPerSecond) {
        boolean matches(String name) {
            return fragments.stream().allMatch(name::contains);
        }
    }

    // Most specific first: "H100 PCIe" before "H100", "GH200" before "H200".
    private static final List<Entry> TABLE = List.of(
            new Entry(List.of("gh200", "144g"), 4900),
            new Entry(List.of("gh200"), 4000),
            new Entry(List.of("h200"), 4800),               // H200 SXM and H200 NVL
            new Entry(List.of("h100", "pcie"), 2000),
            new Entry(List.of("h100", "nvl"), 3900),
            new Entry(List.of("h100"), 3350),               // H100 SXM5 ("NVIDIA H100 80GB HBM3")
            new Entry(List.of("h800", "pcie"), 2000),
            new Entry(List.of("h800"), 3350),
            new Entry(List.of("b200"), 8000),
            new Entry(List.of("a100", "80gb", "pcie"), 1935),
            new Entry(List.of("a100", "80gb"), 2039),       // A100-SXM4-80GB
            new Entry(List.of("a100"), 1555),               // the 40 GB parts, SXM4 and PCIe
            new Entry(List.of("a800", "80gb"), 2039),
            new Entry(List.of("l40s"), 864),
            new Entry(List.of("l40"), 864),
            new Entry(List.of("l4"), 300),
            new Entry(List.of("a10g"), 600),
            new Entry(List.of("a10"), 600),
            new Entry(List.of("rtx 4090"), 1008),
            new Entry(List.of("rtx 3090"), 936),
            new Entry(List.of("rtx 6000 ada"), 960));

    private NominalBandwidth() {
    }

    /** The vendor's figure in GB/s (10^9 bytes) for a device named {@code deviceName}; empty when unknown. */
    public static OptionalDouble gbPerSecond(String deviceName) {
        String name = deviceName == null ? "" : deviceName.toLowerCase(Locale.ROOT);
        return TABLE.stream().filter(e -> e.matches(name)).mapToDouble(Entry::gbPerSecond).findFirst();
    }

    /** "3350 GB/s" or "unknown". */
    public static String describe(String deviceName) {
        OptionalDouble gb = gbPerSecond(deviceName);
        return gb.isPresent() ? String.format(Locale.ROOT, "%.0f GB/s", gb.getAsDouble()) : "unknown";
    }
}
