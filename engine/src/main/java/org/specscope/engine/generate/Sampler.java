package org.specscope.engine.generate;

import org.specscope.engine.backend.TokenDraw;

import java.util.SplittableRandom;

/**
 * Picks tokens from logits under {@link SamplingParams}, with its own seeded random stream: each
 * non-greedy token takes one uniform number from the stream ({@link #nextDraw}), greedy tokens
 * none, so the same seed gives the same tokens whether the host or a device draws them.
 */
public final class Sampler {

    private final SamplingParams params;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /** The next token's draw: the settings and the stream's next uniform number. */
    public TokenDraw nextDraw() {
        return draw(params, random);
    }

    /** The next token for one row of logits. */
    public int sample(float[] logits) {
        return nextDraw().pick(logits);
    }

    /** The next token for one row of logits, drawing from {@code random} (a caller's own stream). */
    public static int sample(float[] logits, SamplingParams params, SplittableRandom random) {
        return draw(params, random).pick(logits);
    }

    /** A draw under {@code params} taking its uniform number from {@code random} (none when greedy). */
    public static TokenDraw draw(SamplingParams params, SplittableRandom random) {
        return params.isGreedy() ? TokenDraw.greedy()
                : new TokenDraw(params.temperature(), params.topK(), params.topP(), random.nextDouble());
    }

    /** Index of the largest value; ties go to the lower index. */
    public static int argmax(float[] logits) {
        return TokenDraw.argmax(logits);
    }

    /**
     * The distribution sampling draws from: softmax(logits / temperature) restricted to the top-k
     * tokens and then to the smallest set whose mass reaches top-p, renormalised. Tokens cut
     * away get probability 0.
     */
    public static double[] probabilities(float[] logits, SamplingParams p) {
        return new TokenDraw(p.temperature(), p.topK(), p.topP(), 0).probabilities(logits);
    }
}
