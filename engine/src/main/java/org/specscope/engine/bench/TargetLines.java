package org.specscope.engine.bench;

import java.util.Locale;
import java.util.OptionalDouble;

/** The targets as the bench prints them: the ratio, the threshold, and OK or MISSED. */
public final class TargetLines {

    private TargetLines() {
    }

    /** The decode target: on a GPU, >= 50% of HBM bandwidth (judged by the nominal figure when known); on the CPU, >= 0.6. */
    public static String decode(BenchReport r) {
        double ratio = r.decodeTargetRatio();
        String verdict = ratio >= r.decodeTarget() ? "OK" : "MISSED";
        if (r.device().isEmpty()) {
            return String.format(Locale.ROOT, "decode at batch 1 / measured bandwidth: %.2f (target >= %.1f) %s",
                    ratio, r.decodeTarget(), verdict);
        }
        OptionalDouble nominal = r.decodeNominalRatio();
        return String.format(Locale.ROOT, "decode at batch 1 / HBM bandwidth: %s nominal, %.2f measured (target >= 50%% "
                        + "of HBM bandwidth, judged by the %s) %s",
                nominal.isPresent() ? String.format(Locale.ROOT, "%.2f", nominal.getAsDouble()) : "unknown",
                r.decodeBandwidthRatio(), nominal.isPresent() ? "nominal" : "measured", verdict);
    }

    /** The MoE-Spec target: a budgeted tree verification takes <= 0.65x the unbudgeted one. */
    public static String tree(TreeMeasurement t) {
        return String.format(Locale.ROOT, "tree verification %d nodes, %s / unbudgeted: %.2fx (target <= %.2fx) %s",
                t.nodes(), t.budgeted().label(), t.timeRatio(), TreeMeasurement.TARGET_RATIO,
                t.meetsTarget() ? "OK" : "MISSED");
    }

}
