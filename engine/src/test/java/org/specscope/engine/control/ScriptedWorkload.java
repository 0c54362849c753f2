package org.specscope.engine.control;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * A fake speculative decoder with a known utility curve: an iteration at K takes
 * base x (1 + costPerDraft x K) on a {@link ManualClock} and emits tokens(K), so
 * U(K) = tokens(K) / (1 + costPerDraft x K) exactly. The curve can be swapped mid-run.
 */
final class ScriptedWorkload {

    /** One iteration as it ran: its index, the K it used, what it produced and the controller's state after it. */
    record Step(int index, int k, int tokens, long nanos, ControllerState state) {
    }

    private final ManualClock clock = new ManualClock();
    private final List<Step> steps = new ArrayList<>();
    private long baseNanos;
    private double costPerDraft;
    private IntUnaryOperator tokens;
    private long switchPenaltyNanos;   // extra time of the first iteration after K changes
    private int lastK = -1;

    ScriptedWorkload(long baseNanos, double costPerDraft, IntUnaryOperator tokens) {
        curve(baseNanos, costPerDraft, tokens);
    }

    /** Every draft rejected and each costing half a plain step: U(K) = 1 / (1 + K/2), U(1) = 0.67. */
    static ScriptedWorkload harmful() {
        return new ScriptedWorkload(1_000_000, 0.5, k -> 1);
    }

    /** U(K) = min(K + 1, 4) / (1 + K/4): 1.6, 2.0, 2.29, 2.0, 1.78, ... unimodal with its peak at K = 3. */
    static ScriptedWorkload peakAtThree() {
        return new ScriptedWorkload(1_000_000, 0.25, k -> Math.min(k + 1, 4));
    }

    static double utility(double costPerDraft, int tokens, int k) {
        return tokens / (1 + costPerDraft * k);
    }

    /** Switches the curve from the next iteration on. */
    ScriptedWorkload curve(long baseNanos, double costPerDraft, IntUnaryOperator tokens) {
        this.baseNanos = baseNanos;
        this.costPerDraft = costPerDraft;
        this.tokens = tokens;
        return this;
    }

    ScriptedWorkload curveOf(ScriptedWorkload other) {
        return curve(other.baseNanos, other.costPerDraft, other.tokens);
    }

    ScriptedWorkload switchPenalty(long nanos) {
        this.switchPenaltyNanos = nanos;
        return this;
    }

    long nanos(int k) {
        return Math.round(baseNanos * (1 + costPerDraft * k));
    }

    /** Runs {@code iterations} iterations the way a generator would: ask K, time the iteration, report. */
    List<Step> run(DraftLengthPolicy policy, int iterations) {
        List<Step> ran = new ArrayList<>(iterations);
        for (int i = 0; i < iterations; i++) {
            int k = policy.nextK();
            long start = clock.nanoTime();
            clock.advance(nanos(k) + (k != lastK && lastK >= 0 ? switchPenaltyNanos : 0));
            lastK = k;
            int emitted = tokens.applyAsInt(k);
            policy.record(k, emitted, clock.nanoTime() - start);
            Step s = new Step(steps.size(), k, emitted, clock.nanoTime() - start, policy.state());
            steps.add(s);
            ran.add(s);
        }
        return ran;
    }

    /** Every iteration run so far. */
    List<Step> steps() {
        return List.copyOf(steps);
    }

    long elapsedNanos() {
        return clock.nanoTime();
    }

    long emittedTokens() {
        return steps.stream().mapToLong(Step::tokens).sum();
    }
}
