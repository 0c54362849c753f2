package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear chart axis: a data range mapped onto a pixel span, with "nice" ticks (1, 2 or 5
 * times a power of ten) as ChartFX picks them, so that labels stay short and round.
 *
 * @param min    data value at {@code pixel0}
 * @param max    data value at {@code pixel1}
 * @param pixel0 pixel of {@code min} (the bottom of a vertical axis, the left of a horizontal one)
 * @param pixel1 pixel of {@code max}
 */
record ChartAxis(double min, double max, double pixel0, double pixel1) {

    /** The pixel of data value {@code v}. */
    double toPixel(double v) {
        return max == min ? pixel0 : pixel0 + (v - min) / (max - min) * (pixel1 - pixel0);
    }

    /** The data value at pixel {@code p}. */
    double toValue(double p) {
        return pixel1 == pixel0 ? min : min + (p - pixel0) / (pixel1 - pixel0) * (max - min);
    }

    /** Tick values inside [min, max], about {@code target} of them, at a nice step. */
    List<Double> ticks(int target) {
        double step = niceStep((max - min) / Math.max(1, target));
        List<Double> out = new ArrayList<>();
        if (!(step > 0) || Double.isInfinite(step)) {
            return out;
        }
        for (double v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
            out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        }
        return out;
    }

    /** Like {@link #ticks(int)}, but integers only (steps and counts have no fractions). */
    List<Integer> integerTicks(int target) {
        double step = Math.max(1, niceStep((max - min) / Math.max(1, target)));
        int s = (int) Math.round(step);
        List<Integer> out = new ArrayList<>();
        for (long v = (long) Math.ceil(min / s) * s; v <= max; v += s) {
            out.add((int) v);
        }
        return out;
    }

    /** The smallest 1, 2 or 5 times a power of ten not below {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0) || Double.isInfinite(raw)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    /** A round upper bound for data up to {@code v}: the next multiple of its nice step. */
    static double niceCeil(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double step = niceStep(v / 5);
        return Math.ceil(v / step - 1e-9) * step;
    }
}
