package org.specscope.engine.spec;

import java.util.Map;

/** Pearson's chi-square goodness of fit, for the statistical tests of lossless sampling. */
final class ChiSquare {

    /**
     * Upper quantiles of the chi-square distribution at significance 1e-4, by degrees of freedom
     * (scipy.stats.chi2.isf(1e-4, df)). Seeded tests are deterministic; the strict level keeps a
     * correct implementation from failing by bad luck when a seed or trial count changes.
     */
    private static final Map<Integer, Double> CRITICAL_1E4 = Map.of(5, 25.7448, 15, 44.2632, 35, 74.9262);

    private ChiSquare() {
    }

    static double critical(int degreesOfFreedom) {
        Double c = CRITICAL_1E4.get(degreesOfFreedom);
        if (c == null) {
            throw new IllegalArgumentException("no critical value tabulated for " + degreesOfFreedom + " degrees of freedom");
        }
        return c;
    }

    /** The statistic of {@code observed} counts against {@code expected} probabilities over {@code trials}. */
    static double statistic(long[] observed, double[] expected, long trials) {
        double chi2 = 0;
        for (int i = 0; i < observed.length; i++) {
            double e = expected[i] * trials;
            if (e == 0) {
                if (observed[i] > 0) {
                    return Double.POSITIVE_INFINITY;   // something came out that the target never produces
                }
                continue;
            }
            chi2 += (observed[i] - e) * (observed[i] - e) / e;
        }
        return chi2;
    }

    /** Degrees of freedom: cells the target can produce, minus one. */
    static int degreesOfFreedom(double[] expected) {
        int cells = 0;
        for (double e : expected) {
            if (e > 0) {
                cells++;
            }
        }
        return cells - 1;
    }
}
