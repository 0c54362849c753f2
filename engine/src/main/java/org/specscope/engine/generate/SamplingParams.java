package org.specscope.engine.generate;

/**
 * How the next token is picked from the logits, in Hugging Face's order: temperature, then
 * top-k, then top-p (nucleus). Temperature 0 means greedy (argmax).
 *
 * @param topK 0 keeps every token
 * @param topP 1 keeps every token
 * @param seed the random stream's seed: the same seed, prompt and model give the same tokens
 */
public record SamplingParams(double temperature, int topK, double topP, long seed) {

    public SamplingParams {
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

    public static SamplingParams greedy() {
        return new SamplingParams(0, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
