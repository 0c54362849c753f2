package org.specscope.engine.session;

import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.ScoreWeighting;
import org.specscope.engine.moe.SelectionPolicy;
import org.specscope.engine.spec.TreeShape;

/**
 * Every knob of a speculative run, as one immutable value. A running session swaps it
 * atomically and applies the new value at the next step boundary.
 *
 * @param budget   the expert budget of verification passes
 * @param scoring  how tree tokens count in the budget's expert scores
 * @param tree     the draft tree shape; with Cascade, the top-k and node budget per depth, and
 *                 its depth the largest K Cascade tries
 * @param cascade  whether Cascade chooses K (the tree depth) each iteration
 * @param sampling temperature, top-k, top-p and seed of the target (and the drafter)
 */
public record Settings(ExpertBudget budget, ScoreWeighting scoring, TreeShape tree, boolean cascade,
                       SamplingParams sampling) {

    public Settings {
        if (budget == null || scoring == null || tree == null || sampling == null) {
            throw new IllegalArgumentException("settings need a budget, a scoring, a tree shape and sampling parameters");
        }
    }

    /** Unbudgeted greedy verification of 4-token chains, K fixed. */
    public static Settings defaults() {
        return new Settings(ExpertBudget.UNLIMITED, ScoreWeighting.UNIFORM, TreeShape.chain(4), false,
                SamplingParams.greedy());
    }

    public Settings withBudget(ExpertBudget b) {
        return new Settings(b, scoring, tree, cascade, sampling);
    }

    public Settings withFixedBudget(int experts) {
        return withBudget(new ExpertBudget(new SelectionPolicy.FixedCount(experts), budget.coverage()));
    }

    public Settings withCoverage(CoveragePolicy coverage) {
        return withBudget(new ExpertBudget(budget.selection(), coverage));
    }

    public Settings withScoring(ScoreWeighting s) {
        return new Settings(budget, s, tree, cascade, sampling);
    }

    public Settings withTree(TreeShape t) {
        return new Settings(budget, scoring, t, cascade, sampling);
    }

    public Settings withCascade(boolean on) {
        return new Settings(budget, scoring, tree, on, sampling);
    }

    public Settings withSampling(SamplingParams s) {
        return new Settings(budget, scoring, tree, cascade, s);
    }

    /** "B=16 substitute, tree 7x10/60, cascade, T=0". */
    public String describe() {
        return budget.describe() + (scoring == ScoreWeighting.DEPTH_WEIGHTED ? " depth-weighted" : "") + ", "
                + tree.describe() + (cascade ? ", cascade" : "") + ", T=" + sampling.temperature();
    }
}
