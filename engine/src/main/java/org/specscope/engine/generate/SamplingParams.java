package org.specscope.engine.generate;

import org.specscope.engine.backend.TokenDraw;

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
        TokenDraw.checkSettings(temperature, topK, topP);
    }

    public static SamplingParams greedy() {
        return new SamplingParams(0, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
