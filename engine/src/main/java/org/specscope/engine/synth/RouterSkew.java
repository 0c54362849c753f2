package org.specscope.engine.synth;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How strongly a synthetic model's routers favour some experts: expert popularity falling as
 * rank^-S (Zipf), as trained routers show a heavy-tailed but broad expert use, without a router
 * bias, which these families do not have.
 *
 * <p>Each layer ranks its experts by a seeded permutation ({@link #popularityOrder}) and its router
 * adds {@link #popularityLogits} to every token's logit for the expert of each rank, through the
 * marker channel of the {@link RouterSubspace}; the token-dependent part of the logits, of the same
 * spread whatever S, comes from the subspace's routing code. Softmax then gives each expert, on
 * average over tokens, about its Zipf weight, while every token picks its own top-k.
 *
 * <p>Measured on OLMoE's shape at scale 0.25 (4 layers, 64 experts, top-8), the 60 tokens of text
 * after a 200-token prefix, per layer: zipf:1 touches 49-53 experts, a token's top-8 hold 0.68-0.74
 * of its probability, the quarter of experts with the most mass hold 0.69-0.74 of it and ln(mass)
 * falls against ln(rank) with slope -0.96 to -1.06; zipf:1.5 touches 33-39, slope -1.46 to -1.55;
 * uniform touches 63-64, its top-8 hold 0.51-0.53, slope by intended rank -0.09 to 0.05. Mixtral's
 * shape at 0.25 (8 experts, top-2), zipf:1: slope -0.98 to -1.07.
 *
 * <p>{@link #UNIFORM} (S = 0) keeps the token-dependent part and adds no popularity.
 *
 * @param exponent the Zipf exponent S; 0 means uniform
 */
public record RouterSkew(double exponent) {

    public static final RouterSkew UNIFORM = new RouterSkew(0);

    public RouterSkew {
        if (!(exponent >= 0) || Double.isInfinite(exponent)) {
            throw new IllegalArgumentException("Zipf exponent must be a finite number >= 0, got " + exponent);
        }
    }

    /** Parses "uniform" or "zipf:S" (S a number >= 0). */
    public static RouterSkew parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("uniform")) {
            return UNIFORM;
        }
        if (t.startsWith("zipf:")) {
            try {
                return new RouterSkew(Double.parseDouble(t.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the message below
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--router '" + text + "': " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("--router '" + text + "' is not understood; use zipf:S (S >= 0, e.g. "
                + "zipf:1.0) or uniform");
    }

    public boolean isUniform() {
        return exponent == 0;
    }

    /**
     * The router logit of each popularity rank (index 0 = the favourite) for {@code experts}
     * experts whose logits also carry a token-dependent N(0, spread^2) part: {@code -S' ln(rank + 1)},
     * S' solved so that the softmax mass averaged over tokens falls as rank^-S (least-squares slope of
     * ln(mass) on ln(rank)). S' = S would come out flatter, since the token-dependent part spreads
     * every token's mass from the favourites to the rest: with 8 experts and a spread of 1.25 nats,
     * zipf:1 would give rank^-0.8. S' is 1.25 S for 8 experts, 1.06 S for 64. Deterministic: the
     * average is over a fixed sample of 4096 tokens.
     */
    public double[] popularityLogits(int experts, double spread) {
        double[] logits = new double[experts];
        if (isUniform() || experts < 2) {
            return logits;
        }
        double[][] tokens = new double[CALIBRATION_TOKENS][experts];
        GaussianStream normal = new GaussianStream(SeededTensors.mix(0, "router-popularity-calibration"), spread);
        for (double[] token : tokens) {
            for (int e = 0; e < experts; e++) {
                token[e] = normal.next();
            }
        }
        double stretched = exponent;
        for (int i = 0; i < 20; i++) {
            double slope = meanMassSlope(stretched, tokens);
            if (Math.abs(slope + exponent) < 1e-4 * exponent) {
                break;
            }
            stretched *= exponent / -slope;   // the realised slope grows about in proportion
        }
        for (int rank = 0; rank < experts; rank++) {
            logits[rank] = -stretched * Math.log(rank + 1);
        }
        return logits;
    }

    static final int CALIBRATION_TOKENS = 4096;

    /** Least-squares slope of ln(mean softmax mass) on ln(rank + 1), logits -s ln(rank + 1) plus each token's part. */
    private static double meanMassSlope(double s, double[][] tokens) {
        int n = tokens[0].length;
        double[] mass = new double[n];
        double[] p = new double[n];
        for (double[] token : tokens) {
            double max = Double.NEGATIVE_INFINITY;
            for (int e = 0; e < n; e++) {
                p[e] = token[e] - s * Math.log(e + 1);
                max = Math.max(max, p[e]);
            }
            double sum = 0;
            for (int e = 0; e < n; e++) {
                p[e] = Math.exp(p[e] - max);
                sum += p[e];
            }
            for (int e = 0; e < n; e++) {
                mass[e] += p[e] / sum;
            }
        }
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int e = 0; e < n; e++) {
            double x = Math.log(e + 1);
            double y = Math.log(mass[e]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    /**
     * The experts of {@code layer} from most to least popular: a permutation seeded by the
     * checkpoint seed and the layer, so each layer favours different experts.
     */
    public static int[] popularityOrder(long seed, int layer, int experts) {
        SplittableRandom random = new SplittableRandom(SeededTensors.mix(seed, "router-popularity." + layer));
        int[] order = new int[experts];
        for (int i = 0; i < experts; i++) {
            order[i] = i;
        }
        for (int i = experts - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }
}
