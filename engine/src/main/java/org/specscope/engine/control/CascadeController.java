package org.specscope.engine.control;

import java.util.List;

/**
 * Cascade's utility-driven draft-length controller for one request (arXiv 2506.20675): a small
 * state machine of three phases.
 * <ul>
 *   <li>BASELINE: {@code baselineIterations} K = 0 iterations; their mean time is t_base. Run at
 *       the start and again once {@code baseRefreshInterval} iterations have passed since the last
 *       baseline, at the next iteration outside a test phase (a set phase it interrupts resumes
 *       afterwards with the iterations it had left).</li>
 *   <li>TEST: a {@link HillClimb} over candidate K, each run for {@code warmupIterations} unmeasured
 *       and {@code testIterations} measured iterations, scored by U = ETR / (t_spec / t_base). The
 *       first candidate is the best non-zero K of the previous test phase (1 in the first): the
 *       latest phase's, because older utilities are stale once the workload drifts.</li>
 *   <li>SET: the chosen K for S iterations, then test again.</li>
 * </ul>
 * Back-off: a test that chooses K = 0 doubles S before its set phase, so S = 16 runs 32, 64, 128,
 * ... K = 0 iterations between tests on a workload where speculation hurts: re-tested exponentially
 * less often, never abandoned. A test that chooses K &gt; 0 leaves S as it is (it does not reset:
 * long set phases cost little while speculation pays, and baseline refreshes still interrupt them).
 * S saturates at {@link Integer#MAX_VALUE}.
 * <p>
 * With {@link CascadeConfig#stopHopelessTests()} a candidate ends early once even its best case
 * (K + 1 tokens per remaining iteration at the fastest time seen) cannot reach U = 1; its U is
 * then measured over the iterations it ran.
 * <p>
 * Deterministic: the same recorded iterations give the same decisions. Not thread-safe; one
 * controller per request.
 */
public final class CascadeController implements DraftLengthPolicy {

    private final CascadeConfig config;

    // Where the controller stands: the phase and K of the coming iteration and how many it has left.
    private ControllerPhase phase = ControllerPhase.BASELINE;
    private int k;
    private int left;
    private int warmupLeft;
    private int pausedSetLeft;             // a set phase interrupted by a baseline refresh; 0 = none

    // The window being measured: one baseline run or one test candidate.
    private long windowTokens;
    private long windowNanos;
    private long windowFastestNanos;       // the shortest iteration in the window
    private int windowIterations;

    private double baseNanos;              // t_base; 0 before the first baseline ends
    private long sinceBaseline;            // iterations since the last baseline run ended
    private double utility = Double.NaN;   // the latest candidate's U
    private int setLength;                 // S
    private int setK;                      // the K the last test chose
    private int startK = 1;                // the next test's first candidate
    private HillClimb climb;               // the test phase under way, or the last one
    private ControllerState state;

    public CascadeController(CascadeConfig config) {
        this.config = config;
        this.setLength = config.initialSetLength();
        this.left = config.baselineIterations();
        this.state = snapshot(k, phase);
    }

    /** A controller with the paper's constants. */
    public CascadeController() {
        this(CascadeConfig.PAPER);
    }

    public CascadeConfig config() {
        return config;
    }

    @Override
    public int nextK() {
        return k;
    }

    /**
     * Takes the iteration that ran with the controller's K. A drafter may propose fewer tokens than
     * asked (an n-gram miss, the end of the token budget), so {@code k} may be smaller than
     * {@link #nextK()}; the iteration still measures the setting the controller chose.
     *
     * @throws IllegalArgumentException if {@code k} exceeds {@link #nextK()} or a count is negative
     */
    @Override
    public void record(int k, int emittedTokens, long iterationNanos) {
        if (k < 0 || k > this.k) {
            throw new IllegalArgumentException("the iteration ran with K=" + k + " but the controller asked for K="
                    + this.k);
        }
        if (emittedTokens < 0 || iterationNanos < 0) {
            throw new IllegalArgumentException("emitted tokens and iteration time must be >= 0, got "
                    + emittedTokens + " tokens in " + iterationNanos + " ns");
        }
        int ranK = this.k;
        ControllerPhase ran = phase;
        switch (phase) {
            case BASELINE -> afterBaselineIteration(iterationNanos);
            case TEST -> afterTestIteration(emittedTokens, iterationNanos);
            case SET -> afterSetIteration();
            case FIXED -> throw new IllegalStateException("a Cascade controller is never FIXED");
        }
        state = snapshot(ranK, ran);
    }

    /** The iteration last recorded (its K and phase) with S, t_base and U as it left them; before any, the coming one. */
    @Override
    public ControllerState state() {
        return state;
    }

    /** The candidates measured by the test phase under way, or by the last one; empty before the first. */
    public List<UtilityMeasurement> lastTest() {
        return climb == null ? List.of() : climb.measurements();
    }

    private void afterBaselineIteration(long nanos) {
        addToWindow(1, nanos);
        if (--left > 0) {
            return;
        }
        baseNanos = (double) windowNanos / windowIterations;
        sinceBaseline = 0;
        if (pausedSetLeft > 0) {
            int resume = pausedSetLeft;
            pausedSetLeft = 0;
            runSet(resume);
        } else {
            startTest();
        }
    }

    private void afterTestIteration(int tokens, long nanos) {
        sinceBaseline++;
        if (warmupLeft > 0) {
            warmupLeft--;
        } else {
            addToWindow(tokens, nanos);
            if (config.stopHopelessTests() && left > 1 && !canStillPay(left - 1)) {
                left = 1;
            }
        }
        if (--left > 0) {
            return;
        }
        UtilityMeasurement m = UtilityMeasurement.of(k, (double) windowTokens / windowIterations,
                (double) windowNanos / windowIterations, baseNanos);
        utility = m.utility();
        climb.record(m);
        if (!climb.done()) {
            startCandidate(climb.candidate());
            return;
        }
        setK = climb.choice();
        startK = climb.bestNonZero();
        if (setK == 0) {
            setLength = setLength > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : setLength * 2;
        }
        runSet(setLength);
    }

    private void afterSetIteration() {
        sinceBaseline++;
        if (--left > 0) {
            runSet(left);
        } else {
            runTest();
        }
    }

    /** Continues (or starts) a set phase with {@code remaining} iterations, unless t_base is due first. */
    private void runSet(int remaining) {
        if (refreshDue()) {
            pausedSetLeft = remaining;
            startBaseline();
        } else {
            phase = ControllerPhase.SET;
            k = setK;
            left = remaining;
        }
    }

    private void runTest() {
        if (refreshDue()) {
            startBaseline();
        } else {
            startTest();
        }
    }

    /**
     * Whether the candidate under test could still reach U &gt;= 1 if each of its {@code remaining}
     * measured iterations emitted K + 1 tokens (every draft accepted, plus the bonus) in the
     * shortest iteration time the window has seen.
     */
    private boolean canStillPay(int remaining) {
        double bestTokens = windowTokens + (double) remaining * (k + 1);
        double bestNanos = windowNanos + (double) remaining * windowFastestNanos;
        return bestNanos <= 0 || bestTokens * baseNanos >= bestNanos;
    }

    private boolean refreshDue() {
        return sinceBaseline >= config.baseRefreshInterval();
    }

    private void startBaseline() {
        phase = ControllerPhase.BASELINE;
        k = 0;
        left = config.baselineIterations();
        clearWindow();
    }

    private void startTest() {
        phase = ControllerPhase.TEST;
        climb = new HillClimb(startK, config);
        startCandidate(climb.candidate());
    }

    private void startCandidate(int candidate) {
        k = candidate;
        left = config.iterationsPerCandidate();
        warmupLeft = config.warmupIterations();
        clearWindow();
    }

    private void addToWindow(int tokens, long nanos) {
        windowTokens += tokens;
        windowNanos += nanos;
        windowFastestNanos = windowIterations == 0 ? nanos : Math.min(windowFastestNanos, nanos);
        windowIterations++;
    }

    private void clearWindow() {
        windowTokens = 0;
        windowNanos = 0;
        windowIterations = 0;
    }

    private ControllerState snapshot(int k, ControllerPhase phase) {
        return new ControllerState(k, phase, utility, setLength, Math.round(baseNanos));
    }
}
