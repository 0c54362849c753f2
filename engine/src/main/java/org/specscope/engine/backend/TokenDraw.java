package org.specscope.engine.backend;

import java.util.Arrays;

/**
 * One draw of the next token from a row of logits: the sampling settings and the uniform number
 * the generation's seeded stream gave for this token. Carrying u (rather than a random stream)
 * lets a device draw on the device the very token {@link #pick} draws on the host, and keeps the
 * stream's order the same whichever backend runs.
 *
 * <p>The distribution is Hugging Face's order: softmax(logits / temperature), cut to the top-k
 * tokens, then to the smallest set (highest logits first, equal logits by lower id) whose mass
 * reaches top-p, renormalised; the token is the first id, in id order, whose cumulative
 * probability exceeds u. Temperature 0 is greedy (the argmax; u is unused).
 *
 * @param topK 0 keeps every token
 * @param topP 1 keeps every token
 * @param u    uniform in [0, 1)
 */
public record TokenDraw(double temperature, int topK, double topP, double u) {

    public TokenDraw {
        checkSettings(temperature, topK, topP);
        if (!(u >= 0 && u < 1)) {
            throw new IllegalArgumentException("u must be in [0, 1), got " + u);
        }
    }

    /** Refuses sampling settings outside their ranges, naming the setting (SamplingParams checks its own here too). */
    public static void checkSettings(double temperature, int topK, double topP) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 keeps every token), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
    }

    /** The argmax draw. */
    public static TokenDraw greedy() {
        return new TokenDraw(0, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    /** The drawn token of one row of logits, on the host (the reference a device's draw must equal). */
    public int pick(float[] logits) {
        return isGreedy() ? argmax(logits) : first(probabilities(logits), u);
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
     * The distribution this draw samples from (the record's doc); tokens cut away get probability
     * 0. Defined for temperature > 0.
     */
    public double[] probabilities(float[] logits) {
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int keep = topK > 0 ? Math.min(topK, n) : n;
        double max = logits[order[0]];
        double[] probs = new double[n];
        double sum = 0;
        for (int r = 0; r < keep; r++) {
            double e = Math.exp((logits[order[r]] - max) / temperature);
            probs[order[r]] = e;
            sum += e;
        }
        if (topP < 1) {
            // Keep tokens while the mass BEFORE them is below top-p: the token that crosses the line stays.
            double cumulative = 0;
            int r = 0;
            for (; r < keep; r++) {
                if (cumulative >= topP * sum) {
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

    /** The token whose cumulative probability interval, in id order, holds {@code u}. */
    private static int first(double[] probs, double u) {
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
