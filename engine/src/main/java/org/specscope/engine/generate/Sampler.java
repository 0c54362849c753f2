package org.specscope.engine.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks tokens from logits under {@link SamplingParams}, with its own seeded random stream. */
public final class Sampler {

    private final SamplingParams params;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /** The next token for one row of logits. */
    public int sample(float[] logits) {
        return sample(logits, params, random);
    }

    /** The next token for one row of logits, drawing from {@code random} (a caller's own stream). */
    public static int sample(float[] logits, SamplingParams params, SplittableRandom random) {
        return params.isGreedy() ? argmax(logits) : sampleFrom(probabilities(logits, params), random.nextDouble());
    }

    /** Index of the largest value; ties go to the lower index. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The distribution sampling draws from: softmax(logits / temperature) restricted to the top-k
     * tokens and then to the smallest set whose mass reaches top-p, renormalised. Tokens cut
     * away get probability 0.
     */
    public static double[] probabilities(float[] logits, SamplingParams p) {
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int keep = p.topK() > 0 ? Math.min(p.topK(), n) : n;
        double max = logits[order[0]];
        double[] probs = new double[n];
        double sum = 0;
        for (int r = 0; r < keep; r++) {
            double e = Math.exp((logits[order[r]] - max) / p.temperature());
            probs[order[r]] = e;
            sum += e;
        }
        if (p.topP() < 1) {
            // Keep tokens while the mass BEFORE them is below top-p: the token that crosses the line stays.
            double cumulative = 0;
            int r = 0;
            for (; r < keep; r++) {
                if (cumulative >= p.topP() * sum) {
                    break;
                }
                cumulative += probs[order[r]];
            }
            for (int cut = r; cut < keep; cut++) {
                probs[order[cut]] = 0;
            }
            keep = r;
            sum = cumulative;
        }
        for (int r = 0; r < keep; r++) {
            probs[order[r]] /= sum;
        }
        return probs;
    }

    /** The token whose cumulative probability interval holds {@code u} in [0, 1). */
    private static int sampleFrom(double[] probs, double u) {
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] > 0) {
                cumulative += probs[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last;   // rounding left u just above the total: the last kept token
    }
}
