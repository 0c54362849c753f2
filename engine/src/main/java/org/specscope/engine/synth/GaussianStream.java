package org.specscope.engine.synth;

import java.util.SplittableRandom;

/**
 * An endless stream of N(0, std^2) floats from one seed, drawn in pairs by the Box-Muller
 * transform on a {@link SplittableRandom}. Filling chunk after chunk gives the same sequence
 * whatever the chunk sizes, so a tensor's values do not depend on the buffer it streams through.
 */
final class GaussianStream {

    private final SplittableRandom random;
    private final double std;
    private double spare;
    private boolean hasSpare;

    GaussianStream(long seed, double std) {
        this.random = new SplittableRandom(seed);
        this.std = std;
    }

    /** Fills {@code out[0, n)} with the next {@code n} values. */
    void fill(float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = (float) next();
        }
    }

    double next() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1 = 1.0 - random.nextDouble();     // (0, 1]: log stays finite
        double u2 = random.nextDouble();
        double r = std * Math.sqrt(-2.0 * Math.log(u1));
        double theta = 2.0 * Math.PI * u2;
        spare = r * Math.sin(theta);
        hasSpare = true;
        return r * Math.cos(theta);
    }
}
