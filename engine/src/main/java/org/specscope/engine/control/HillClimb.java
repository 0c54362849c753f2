package org.specscope.engine.control;

import java.util.ArrayList;
import java.util.List;

/**
 * One Cascade test phase's search for the draft length with the highest utility. It starts from
 * the given K, steps upward first (downward from maxK), and keeps moving in the direction that
 * raised U. If the very first step lowered U it turns round once and climbs the other side of the
 * start, since the peak may lie below it. It stops
 * <ul>
 *   <li>when K = 1 gives U &lt; 1: speculation does not pay even at its cheapest;</li>
 *   <li>when two consecutive candidates' U are within the convergence tolerance;</li>
 *   <li>when U fell: the maximum is passed;</li>
 *   <li>when the next step would leave [1, maxK] (reaching K = 0 needs no measurement: its U is 1
 *       by definition);</li>
 *   <li>after maxCandidates candidates.</li>
 * </ul>
 * The choice is the best K measured, or 0 when none beats U = 1; ties go to the smaller K.
 */
final class HillClimb {

    private static final int DONE = -1;

    private final CascadeConfig config;
    private final int start;
    private final List<UtilityMeasurement> measured = new ArrayList<>();
    private int direction;
    private UtilityMeasurement previous;   // what the next candidate's U is compared with
    private int candidate;                 // the K to measure next, or DONE

    HillClimb(int startK, CascadeConfig config) {
        this.config = config;
        this.start = Math.clamp(startK, 1, config.maxK());
        this.direction = start < config.maxK() ? +1 : -1;
        this.candidate = start;
    }

    boolean done() {
        return candidate == DONE;
    }

    /** The K to measure next. */
    int candidate() {
        if (done()) {
            throw new IllegalStateException("the test phase is over");
        }
        return candidate;
    }

    /** Takes the current candidate's measurement and decides the next candidate, if any. */
    void record(UtilityMeasurement m) {
        if (m.k() != candidate()) {
            throw new IllegalArgumentException("measured K=" + m.k() + " but the candidate is K=" + candidate);
        }
        measured.add(m);
        candidate = next(m);
    }

    private int next(UtilityMeasurement m) {
        if (m.k() == 1 && m.utility() < 1) {
            return DONE;
        }
        if (measured.size() >= config.maxCandidates()) {
            return DONE;
        }
        if (previous != null) {
            if (converged(previous.utility(), m.utility())) {
                return DONE;
            }
            if (m.utility() < previous.utility()) {
                if (measured.size() == 2) {
                    // The first step went the wrong way: try the other side of the start.
                    direction = -direction;
                    return step(start);
                }
                return DONE;
            }
        }
        previous = m;
        return step(m.k());
    }

    private int step(int from) {
        int k = from + direction;
        return k >= 1 && k <= config.maxK() ? k : DONE;
    }

    private boolean converged(double a, double b) {
        return Math.abs(a - b) <= config.convergenceTolerance() * Math.max(a, b);
    }

    /** The K to set: the best measured, or 0 when none beats not speculating (U = 1). */
    int choice() {
        int best = 0;
        double bestUtility = 1.0;
        for (UtilityMeasurement m : measured) {
            if (m.utility() > bestUtility || (m.utility() == bestUtility && m.k() < best)) {
                best = m.k();
                bestUtility = m.utility();
            }
        }
        return best;
    }

    /** The measured K > 0 with the highest U (ties to the smaller): where the next test starts. */
    int bestNonZero() {
        UtilityMeasurement best = null;
        for (UtilityMeasurement m : measured) {
            if (best == null || m.utility() > best.utility() || (m.utility() == best.utility() && m.k() < best.k())) {
                best = m;
            }
        }
        return best == null ? start : best.k();
    }

    List<UtilityMeasurement> measurements() {
        return List.copyOf(measured);
    }
}
