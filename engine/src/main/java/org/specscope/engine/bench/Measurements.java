package org.specscope.engine.bench;

/** Small statistics over repeated timings. */
final class Measurements {

    private Measurements() {
    }

    /** The median of ascending {@code sorted}: the mean of the middle two for an even count. */
    static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            throw new IllegalArgumentException("the median of nothing");
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The median of ascending {@code sorted} nanoseconds. */
    static double median(long[] sorted) {
        double[] d = new double[sorted.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = sorted[i];
        }
        return median(d);
    }
}
