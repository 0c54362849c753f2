package org.specscope.engine.control;

/**
 * The constants of Cascade's test-and-set draft-length controller (arXiv 2506.20675). The
 * defaults are the paper's.
 *
 * @param baselineIterations   K = 0 iterations whose mean time is t_base, run at the start of a
 *                             request and at every refresh
 * @param baseRefreshInterval  iterations after a baseline before t_base is measured again
 *                             (deferred to the end of a test phase that is under way)
 * @param warmupIterations     iterations each test candidate runs before its measurement starts,
 *                             so that a switch of K (cold caches, new kernel shapes) is not measured
 * @param testIterations       t, measured iterations per test candidate
 * @param maxCandidates        M, candidates tried per test phase
 * @param convergenceTolerance a hill-climb stops when two consecutive candidates' U differ by at
 *                             most this fraction of the larger
 * @param initialSetLength     S at the start of a request
 * @param maxK                 the largest draft length the hill-climb tries
 * @param stopHopelessTests    end a test candidate as soon as its utility cannot reach 1 any more,
 *                             even if every remaining measured iteration emitted K + 1 tokens in
 *                             the shortest iteration time seen so far. The paper always runs t
 *                             iterations; where speculation does not pay (a draft model as dear as
 *                             the target), that makes every re-test cost t slow iterations, which
 *                             on a short request is most of the slowdown. The bound is sound: a
 *                             candidate it stops could not have been chosen over K = 0.
 */
public record CascadeConfig(int baselineIterations, int baseRefreshInterval, int warmupIterations,
                            int testIterations, int maxCandidates, double convergenceTolerance,
                            int initialSetLength, int maxK, boolean stopHopelessTests) {

    /** The paper's constants: 3 baseline iterations refreshed every 100, t = 4, M = 4, 10 %, S = 16; K up to 8. */
    public static final CascadeConfig PAPER = new CascadeConfig(3, 100, 0, 4, 4, 0.10, 16, 8);

    /** SpecScope's default: the paper's constants, and tests stopped once they cannot pay. */
    public static final CascadeConfig DEFAULT = PAPER.withStopHopelessTests(true);

    public CascadeConfig {
        atLeast("baselineIterations", baselineIterations, 1);
        atLeast("baseRefreshInterval", baseRefreshInterval, 1);
        atLeast("warmupIterations", warmupIterations, 0);
        atLeast("testIterations", testIterations, 1);
        atLeast("maxCandidates", maxCandidates, 1);
        if (!(convergenceTolerance >= 0 && convergenceTolerance < 1)) {
            throw new IllegalArgumentException("convergenceTolerance must be in [0, 1) (a fraction of U, 0.10 = 10 %),"
                    + " got " + convergenceTolerance);
        }
        atLeast("initialSetLength", initialSetLength, 1);
        atLeast("maxK", maxK, 1);
    }

    /** The given constants, every test candidate running its t iterations (as in the paper). */
    public CascadeConfig(int baselineIterations, int baseRefreshInterval, int warmupIterations, int testIterations,
                         int maxCandidates, double convergenceTolerance, int initialSetLength, int maxK) {
        this(baselineIterations, baseRefreshInterval, warmupIterations, testIterations, maxCandidates,
                convergenceTolerance, initialSetLength, maxK, false);
    }

    public CascadeConfig withMaxK(int maxK) {
        return new CascadeConfig(baselineIterations, baseRefreshInterval, warmupIterations, testIterations,
                maxCandidates, convergenceTolerance, initialSetLength, maxK, stopHopelessTests);
    }

    public CascadeConfig withBaseRefreshInterval(int baseRefreshInterval) {
        return new CascadeConfig(baselineIterations, baseRefreshInterval, warmupIterations, testIterations,
                maxCandidates, convergenceTolerance, initialSetLength, maxK, stopHopelessTests);
    }

    public CascadeConfig withWarmupIterations(int warmupIterations) {
        return new CascadeConfig(baselineIterations, baseRefreshInterval, warmupIterations, testIterations,
                maxCandidates, convergenceTolerance, initialSetLength, maxK, stopHopelessTests);
    }

    public CascadeConfig withStopHopelessTests(boolean stopHopelessTests) {
        return new CascadeConfig(baselineIterations, baseRefreshInterval, warmupIterations, testIterations,
                maxCandidates, convergenceTolerance, initialSetLength, maxK, stopHopelessTests);
    }

    /** Iterations one test candidate takes, warm-up included. */
    public int iterationsPerCandidate() {
        return warmupIterations + testIterations;
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
    }
}
