package org.specscope.engine.synth;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Makes random routers prefer some experts, as trained routers do (a heavy-tailed expert
 * popularity), without a router bias, which these families do not have.
 *
 * <p>How: every token embedding gets a constant value {@code c} on hidden channel 0 (the
 * <em>marker</em>), and no attention output projection or expert down projection writes to
 * channel 0 (their row 0 is zero), so the residual stream carries exactly {@code c} there at
 * every layer. {@code c} is chosen to hold half an embedding row's energy, so after the router's
 * RMSNorm channel 0 reads about {@code sqrt(hidden / 2)} for every token. Router row {@code e}
 * gets, on channel 0, {@code log(w_e) / sqrt(hidden / 2)} with {@code w_e} proportional to
 * {@code 1 / rank_e^S} (Zipf; ranks a seeded permutation of the experts, per layer), so every
 * token's router logits carry {@code log(w_e)} plus the random, token-dependent part of the other
 * channels: softmax then gives each expert about its Zipf weight, blurred per token. The random
 * part grows with hidden size and depth (random weights amplify the residual stream), so large
 * models are skewed less sharply than the Zipf weights.
 *
 * <p>{@link #UNIFORM} changes nothing: plain random weights, whose routing is near uniform.
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

    /** The value every token embedding carries on channel 0: half the energy of a row of N(0, std^2) values. */
    public static float markerValue(int hidden, double std) {
        return (float) (std * Math.sqrt(hidden - 1.0));
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

    /** Channel-0 router weights of {@code layer}, indexed by expert: log(Zipf weight) / sqrt(hidden / 2). */
    public float[] routerChannelZero(long seed, int layer, int experts, int hidden) {
        int[] order = popularityOrder(seed, layer, experts);
        float[] out = new float[experts];
        double normalisedMarker = Math.sqrt(hidden / 2.0);
        for (int rank = 0; rank < experts; rank++) {
            // log(1 / (rank+1)^S); the normalising constant of the weights cancels in the softmax
            out[order[rank]] = (float) (-exponent * Math.log(rank + 1) / normalisedMarker);
        }
        return out;
    }
}
