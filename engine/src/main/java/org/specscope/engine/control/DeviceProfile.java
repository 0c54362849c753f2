package org.specscope.engine.control;

import org.specscope.engine.spec.PassCost;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An accelerator as a roofline: how fast it streams weights, how fast it multiplies, and what
 * each forward pass pays in kernel launches and synchronisation. Enough to turn a
 * {@link PassCost} into time for what-if runs.
 *
 * @param memoryBandwidthBytesPerSecond peak memory bandwidth
 * @param flopsPerSecond                dense BF16 tensor-core throughput (no sparsity)
 * @param perPassOverheadNanos          fixed cost of one forward pass (launches, syncs)
 */
public record DeviceProfile(String name, double memoryBandwidthBytesPerSecond, double flopsPerSecond,
                            long perPassOverheadNanos) {

    /** Launch and synchronisation cost of one forward pass on a GPU, roughly. */
    public static final long GPU_PASS_OVERHEAD_NANOS = 20_000;

    public static final DeviceProfile H100_SXM = new DeviceProfile("H100 SXM", 3.35e12, 989e12, GPU_PASS_OVERHEAD_NANOS);
    public static final DeviceProfile H200 = new DeviceProfile("H200", 4.8e12, 989e12, GPU_PASS_OVERHEAD_NANOS);
    public static final DeviceProfile A100_80GB = new DeviceProfile("A100 80GB", 2.0e12, 312e12, GPU_PASS_OVERHEAD_NANOS);
    public static final DeviceProfile RTX_4090 = new DeviceProfile("RTX 4090", 1.0e12, 165e12, GPU_PASS_OVERHEAD_NANOS);

    /** The names {@link #parse} knows, as typed on the command line. */
    public static final Map<String, DeviceProfile> PRESETS = presets();

    private static final String CUSTOM_FORM = "bw=<bytes/s>,flops=<FLOP/s>[,overhead=<time, e.g. 20us>][,name=<name>]";

    public DeviceProfile {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a device profile needs a name");
        }
        if (!(memoryBandwidthBytesPerSecond > 0) || Double.isInfinite(memoryBandwidthBytesPerSecond)) {
            throw new IllegalArgumentException("memory bandwidth must be a positive number of bytes/s, got "
                    + memoryBandwidthBytesPerSecond);
        }
        if (!(flopsPerSecond > 0) || Double.isInfinite(flopsPerSecond)) {
            throw new IllegalArgumentException("throughput must be a positive number of FLOP/s, got " + flopsPerSecond);
        }
        if (perPassOverheadNanos < 0) {
            throw new IllegalArgumentException("per-pass overhead must be >= 0 ns, got " + perPassOverheadNanos);
        }
    }

    /**
     * Roofline time of {@code cost}: the slower of streaming its bytes and computing its FLOPs
     * (a pass overlaps the two), plus the fixed overhead of each pass.
     */
    public double nanos(PassCost cost) {
        double seconds = Math.max(cost.weightBytes() / memoryBandwidthBytesPerSecond, cost.flops() / flopsPerSecond);
        return seconds * 1e9 + (double) cost.passes() * perPassOverheadNanos;
    }

    /** "H100 SXM (3.35 TB/s, 989 TFLOP/s)". */
    public String describe() {
        return name + " (" + tera(memoryBandwidthBytesPerSecond) + " TB/s, " + tera(flopsPerSecond) + " TFLOP/s)";
    }

    /**
     * A preset by name ({@code h100}, {@code h200}, {@code a100}, {@code rtx4090}; any case), or a
     * custom device as {@code bw=3.35e12,flops=989e12[,overhead=20us][,name=...]}.
     */
    public static DeviceProfile parse(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.contains("=")) {
            return parseCustom(s);
        }
        DeviceProfile preset = PRESETS.get(s.toLowerCase(Locale.ROOT));
        if (preset == null) {
            throw new IllegalArgumentException("unknown device '" + s + "'; valid names: "
                    + String.join(", ", PRESETS.keySet()) + ", or a custom device as " + CUSTOM_FORM);
        }
        return preset;
    }

    private static DeviceProfile parseCustom(String spec) {
        String name = "custom";
        Double bw = null;
        Double flops = null;
        long overhead = GPU_PASS_OVERHEAD_NANOS;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw customError(spec, "'" + part.strip() + "' is not key=value");
            }
            String key = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).strip();
            switch (key) {
                case "bw" -> bw = number(spec, key, value);
                case "flops" -> flops = number(spec, key, value);
                case "overhead" -> overhead = durationNanos(spec, value);
                case "name" -> name = value;
                default -> throw customError(spec, "unknown key '" + key + "'");
            }
        }
        if (bw == null || flops == null) {
            throw customError(spec, "bw and flops are both required");
        }
        try {
            return new DeviceProfile(name, bw, flops, overhead);
        } catch (IllegalArgumentException e) {
            throw customError(spec, e.getMessage());
        }
    }

    private static double number(String spec, String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw customError(spec, key + "='" + value + "' is not a number");
        }
    }

    private static final Pattern DURATION =
            Pattern.compile("(.*?)\\s*(ns|us|µs|ms|s)?");

    /** "20us", "0.5ms", "1500ns", "1500" (ns). */
    private static long durationNanos(String spec, String value) {
        var m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        m.matches();   // always matches: the unit is optional
        double unit = switch (m.group(2) == null ? "ns" : m.group(2)) {
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            default -> 1;
        };
        return Math.round(number(spec, "overhead", m.group(1)) * unit);
    }

    private static IllegalArgumentException customError(String spec, String problem) {
        return new IllegalArgumentException("bad device '" + spec + "': " + problem + "; expected " + CUSTOM_FORM
                + " or one of " + String.join(", ", PRESETS.keySet()));
    }

    /** Value in units of 10^12 to 3 significant digits, trailing zeros dropped: 3.35, 989, 4.8. */
    private static String tera(double value) {
        return new BigDecimal(value / 1e12).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static Map<String, DeviceProfile> presets() {
        Map<String, DeviceProfile> m = new LinkedHashMap<>();
        m.put("h100", H100_SXM);
        m.put("h200", H200);
        m.put("a100", A100_80GB);
        m.put("rtx4090", RTX_4090);
        return Collections.unmodifiableMap(m);
    }
}
