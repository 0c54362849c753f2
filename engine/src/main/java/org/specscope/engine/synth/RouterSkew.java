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
 * every layer; {@code c} holds half an embedding row's energy. After the RMSNorm in front of a
 * router, channel 0 then reads the same value {@code m_l} for every token, which
 * {@link #normalisedMarker} estimates from the shape by random-matrix variance propagation (the
 * other channels grow layer by layer with what attention and experts add). Router row {@code e}
 * gets, on channel 0, {@code log(w_e) / m_l} with {@code w_e} proportional to
 * {@code 1 / rank_e^S} (Zipf; ranks a seeded permutation of the experts, per layer), so every
 * token's router logits carry {@code log(w_e)} plus the random, token-dependent part of the other
 * channels: softmax then gives each expert about its Zipf weight, blurred per token.
 *
 * <p>Measured (48 tokens, zipf:1, share of routing mass on each layer's top quarter of experts by
 * intended rank; Zipf's own share in brackets): tiny test models 0.52-0.72 [0.48-0.62], Qwen3 at
 * scale 0.25 with 8 layers 0.61-0.86 [0.67], OLMoE at 0.5 with 4 layers 0.63-0.84 [0.67];
 * uniform routers 0.12-0.33 [0.25].
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

    /**
     * What channel 0 reads after the RMSNorm in front of {@code layer}'s router: the marker over the
     * root-mean-square of the residual stream, whose other channels carry the embedding's N(0, std^2)
     * plus what every attention block (and MoE block before this layer) added. Random-matrix variance
     * propagation, the normed input having squared length = hidden: an attention output channel adds
     * std^2 * qdim * std^2 * hidden; an expert, whose gate and up channels have variance
     * s^2 = std^2 * hidden and silu(g) * u about s^4 / 4, adds std^2 * width * s^4 / 4.
     */
    static double normalisedMarker(SyntheticShape s, int layer, double std) {
        double var = std * std;
        double h = s.hiddenSize();
        double attention = var * s.queryDim() * var * h;
        double gateVar = var * h;
        double expert = var * s.expertIntermediateSize() * gateVar * gateVar / 4;
        double perChannel = var + (layer + 1) * attention + layer * expert;
        double c = markerValue(s.hiddenSize(), std);
        return c * Math.sqrt(h) / Math.sqrt(c * c + (h - 1) * perChannel);
    }

    /** Channel-0 router weights of {@code layer}, indexed by expert: log(Zipf weight) / the normed marker. */
    public float[] routerChannelZero(long seed, int layer, SyntheticShape shape, double std) {
        int experts = shape.numExperts();
        int[] order = popularityOrder(seed, layer, experts);
        float[] out = new float[experts];
        double normalisedMarker = normalisedMarker(shape, layer, std);
        for (int rank = 0; rank < experts; rank++) {
            // log(1 / (rank+1)^S); the normalising constant of the weights cancels in the softmax
            out[order[rank]] = (float) (-exponent * Math.log(rank + 1) / normalisedMarker);
        }
        return out;
    }
}
