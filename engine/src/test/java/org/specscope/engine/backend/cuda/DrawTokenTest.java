package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.specscope.engine.backend.TokenDraw;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sampling on the device: the draw_token kernel picks, for the same logits, settings and uniform
 * number, the token {@link TokenDraw#pick} picks on the host, over temperatures, top-k and top-p
 * cuts, tied logits and u near the ends of [0, 1). Skipped without a CUDA device; the build's
 * second test run drives it against the CUDA emulator (see {@link CudaTestDevice}).
 */
class DrawTokenTest {

    static final int THREADS = 256;   // draw_token's DRAW_THREADS
    static final double[] TEMPERATURES = {0.3, 1, 2};
    static final int[] TOP_KS = {0, 1, 5, 40};
    static final double[] TOP_PS = {1, 0.9, 0.5};
    /**
     * Near both ends of [0, 1), but not within ~1e-15 of a boundary between tokens: there the host's
     * and the device's double sums, added in different orders, may round to different sides (both
     * then pick a token of the kept set; at u = nextDown(1) at temperature 0.3 they do differ).
     */
    static final double[] EDGE_US = {0, 1e-12, 0.5, 1 - 1e-9};

    @RegisterExtension
    static final CudaContextExtension DEVICE = new CudaContextExtension();

    private static CudaContext cu() {
        return DEVICE.context();
    }

    @Test
    void theDeviceDrawsTheHostsTokenForEverySetting() {
        SplittableRandom random = new SplittableRandom(11);
        List<float[]> rows = List.of(gaussian(random, 3000, 3), gaussian(random, 50_280, 2), peaked(random, 700));
        List<String> mismatches = new ArrayList<>();
        int draws = 0;
        for (float[] row : rows) {
            for (double t : TEMPERATURES) {
                for (int k : TOP_KS) {
                    for (double p : TOP_PS) {
                        for (double u : us(random)) {
                            TokenDraw draw = new TokenDraw(t, k, p, u);
                            int host = draw.pick(row);
                            int device = drawOnDevice(row, draw);
                            draws++;
                            if (host != device) {
                                mismatches.add(row.length + " tokens, " + draw + ": host " + host + ", device " + device);
                            }
                        }
                    }
                }
            }
        }
        assertThat(mismatches).as("of %d draws", draws).isEmpty();
    }

    @Test
    void tiedLogitsGoToTheLowerIdsAsOnTheHost() {
        // 12 tokens of equal logit above a flat tail: top-k 5 keeps the five lowest ids of the tie,
        // top-p 0.5 cuts inside the tie, and u walks the kept ones in id order.
        float[] row = new float[300];
        java.util.Arrays.fill(row, -4f);
        for (int i = 0; i < 12; i++) {
            row[7 + i * 23] = 2.5f;
        }
        row[100] = -0.0f;   // -0 and +0 are one logit for the host's order
        row[101] = 0.0f;
        List<String> mismatches = new ArrayList<>();
        for (int k : new int[]{0, 1, 5, 12, 13}) {
            for (double p : new double[]{1, 0.5, 0.99}) {
                for (int step = 0; step < 40; step++) {
                    TokenDraw draw = new TokenDraw(1, k, p, (step + 0.5) / 40);
                    int host = draw.pick(row);
                    int device = drawOnDevice(row, draw);
                    if (host != device) {
                        mismatches.add(draw + ": host " + host + ", device " + device);
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(drawOnDevice(row, new TokenDraw(1, 5, 1, 1 - 1e-9))).as("the fifth of the tie").isEqualTo(7 + 4 * 23);
    }

    @Test
    void topKOfOneIsTheArgmaxWhateverU() {
        float[] row = gaussian(new SplittableRandom(3), 4096, 1);
        int argmax = TokenDraw.argmax(row);
        for (double u : EDGE_US) {
            assertThat(drawOnDevice(row, new TokenDraw(2, 1, 1, u))).isEqualTo(argmax);
        }
    }

    /** The edge values and a few uniform ones. */
    private static double[] us(SplittableRandom random) {
        double[] us = new double[EDGE_US.length + 3];
        System.arraycopy(EDGE_US, 0, us, 0, EDGE_US.length);
        for (int i = EDGE_US.length; i < us.length; i++) {
            us[i] = random.nextDouble();
        }
        return us;
    }

    private static float[] gaussian(SplittableRandom random, int vocab, double scale) {
        float[] row = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            row[i] = (float) (scale * normal(random));
        }
        return row;
    }

    /** A trained model's shape: a few likely tokens far above a flat tail. */
    private static float[] peaked(SplittableRandom random, int vocab) {
        float[] row = gaussian(random, vocab, 0.5);
        for (int i = 0; i < 6; i++) {
            row[random.nextInt(vocab)] += 8 - i;
        }
        return row;
    }

    private static double normal(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static int drawOnDevice(float[] row, TokenDraw draw) {
        CUdeviceptr logits = cu().alloc((long) row.length * Float.BYTES, "logits");
        CUdeviceptr weights = cu().alloc((long) row.length * Double.BYTES, "sampling scratch");
        CUdeviceptr out = cu().alloc(Integer.BYTES, "token");
        try {
            cu().upload(row, logits);
            cu().launch("draw_token", 1, 1, 1, THREADS, 0, logits, row.length, draw.temperature(), draw.topK(), draw.topP(),
                    draw.u(), weights, out);
            int[] token = new int[1];
            cu().download(out, token, 1);
            return token[0];
        } finally {
            CudaContext.free(logits);
            CudaContext.free(weights);
            CudaContext.free(out);
        }
    }
}
