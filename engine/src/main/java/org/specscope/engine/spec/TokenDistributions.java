package org.specscope.engine.spec;

import org.specscope.engine.generate.Sampler;
import org.specscope.engine.generate.SamplingParams;

import java.util.SplittableRandom;

/**
 * The next-token distributions speculation compares (the target's p, the drafter's q) and the
 * two ways a drafter picks a node's children from q: its k most probable tokens (greedy) or k
 * distinct tokens drawn without replacement (sampling).
 */
public final class TokenDistributions {

    private TokenDistributions() {
    }

    /**
     * The distribution a row of logits stands for in a run: when sampling, the one the sampler
     * draws from (temperature, top-k, top-p, as {@link Sampler#probabilities}); when greedy,
     * the plain softmax at temperature 1, which is what draft and target probabilities are
     * reported in (greedy decoding itself only needs the argmax).
     */
    public static double[] of(float[] logits, SamplingParams params) {
        return params.isGreedy() ? softmax(logits) : Sampler.probabilities(logits, params);
    }

    /** softmax(logits) at temperature 1, in double. */
    public static double[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((double) logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * The (at most) {@code k} most probable tokens of {@code q}, most probable first, ties to the
     * lower id (as {@link Sampler#argmax}); tokens of probability 0 are never proposed.
     */
    public static int[] mostProbable(double[] q, int k) {
        int[] best = new int[Math.min(k, q.length)];
        if (best.length == 0) {
            return best;
        }
        int found = 0;
        for (int token = 0; token < q.length; token++) {
            if (q[token] <= 0 || (found == best.length && q[token] <= q[best[found - 1]])) {
                continue;
            }
            // Insertion into the sorted short list: k is small (<= ~10) next to the vocabulary.
            int at = found < best.length ? found++ : found - 1;
            while (at > 0 && q[best[at - 1]] < q[token]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = token;
        }
        return java.util.Arrays.copyOf(best, found);
    }

    /**
     * {@code k} distinct tokens drawn one after another from {@code q}, each from q without the
     * tokens already drawn, renormalised (sampling without replacement), in draw order. Fewer
     * when q has fewer than k tokens of positive probability. Verification relies on exactly
     * this order: the i-th child was drawn from q with the first i-1 children removed.
     */
    public static int[] drawWithoutReplacement(double[] q, int k, SplittableRandom random) {
        boolean[] drawn = new boolean[q.length];
        int[] out = new int[Math.min(k, q.length)];
        int n = 0;
        for (; n < out.length; n++) {
            double mass = 0;
            for (int t = 0; t < q.length; t++) {
                if (!drawn[t]) {
                    mass += q[t];
                }
            }
            if (mass <= 0) {
                break;
            }
            int token = draw(q, drawn, random.nextDouble() * mass);
            drawn[token] = true;
            out[n] = token;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** One token from {@code p} (need not sum exactly to 1: it is renormalised). */
    public static int sample(double[] p, SplittableRandom random) {
        double mass = 0;
        for (double v : p) {
            mass += v;
        }
        return draw(p, new boolean[p.length], random.nextDouble() * mass);
    }

    /** The token where the running sum of q over tokens not yet drawn passes {@code u}. */
    private static int draw(double[] q, boolean[] drawn, double u) {
        double cumulative = 0;
        int last = -1;
        for (int t = 0; t < q.length; t++) {
            if (!drawn[t] && q[t] > 0) {
                cumulative += q[t];
                last = t;
                if (u < cumulative) {
                    return t;
                }
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("nothing left to draw: the distribution has no mass");
        }
        return last;   // rounding left u just above the total: the last token with mass
    }

    /** KL(softmax(p) || softmax(q)) in nats, in double precision. */
    public static double klDivergence(float[] p, float[] q) {
        double[] lp = logSoftmax(p);
        double[] lq = logSoftmax(q);
        double kl = 0;
        for (int i = 0; i < p.length; i++) {
            kl += Math.exp(lp[i]) * (lp[i] - lq[i]);
        }
        return Math.max(0, kl);
    }

    private static double[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - log;
        }
        return out;
    }
}
