package org.specscope.engine.moe;

/**
 * The MoE-Spec budget of a verification pass: which experts each layer keeps and what happens
 * to tokens routed elsewhere. {@link #UNLIMITED} keeps everything, which is exact.
 */
public record ExpertBudget(SelectionPolicy selection, CoveragePolicy coverage) {

    public static final ExpertBudget UNLIMITED = new ExpertBudget(SelectionPolicy.UNLIMITED, CoveragePolicy.SUBSTITUTE);

    public ExpertBudget {
        if (selection == null || coverage == null) {
            throw new IllegalArgumentException("an expert budget needs a selection and a coverage policy");
        }
    }

    public static ExpertBudget fixed(int experts, CoveragePolicy coverage) {
        return new ExpertBudget(new SelectionPolicy.FixedCount(experts), coverage);
    }

    public static ExpertBudget coverage(double tau, CoveragePolicy coverage) {
        return new ExpertBudget(new SelectionPolicy.Coverage(tau), coverage);
    }

    public boolean isUnlimited() {
        return selection.isUnlimited();
    }

    /** "B=16 substitute", "tau=0.8 truncate", "unbudgeted". */
    public String describe() {
        return isUnlimited() ? selection.describe() : selection.describe() + " " + coverage.name().toLowerCase();
    }
}
