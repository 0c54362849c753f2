package org.specscope.engine.cli;

import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import picocli.CommandLine.Option;

import java.util.Locale;

/** One expert budget: --budget B or --coverage TAU, with --policy. */
final class BudgetOptions {

    @Option(names = {"-B", "--budget"}, paramLabel = "B",
            description = "Experts each MoE layer may load per verification pass (MoE-Spec). The expert count, or no "
                    + "budget option, means unbudgeted.")
    Integer budget;

    @Option(names = "--coverage", paramLabel = "TAU",
            description = "Keep the fewest experts holding TAU of the tree's routing mass (0 < TAU <= 1), per layer.")
    Double coverage;

    @Option(names = "--policy", defaultValue = "substitute", paramLabel = "POLICY",
            description = "What tokens routed outside the budget get: substitute (top-k inside it) or truncate (dropped).")
    String policy;

    ExpertBudget expertBudget(ModelConfig config) {
        CoveragePolicy coveragePolicy = coveragePolicy(policy);
        if (budget != null && coverage != null) {
            throw new IllegalArgumentException("--budget and --coverage exclude each other: pick one selection policy");
        }
        if ((budget != null || coverage != null) && config.moe().isEmpty()) {
            throw new IllegalArgumentException("the model " + config.architecture().className()
                    + " has no experts: an expert budget does not apply");
        }
        if (budget != null) {
            int n = config.moe().orElseThrow().numExperts();
            if (budget < 1) {
                throw new IllegalArgumentException("--budget must be >= 1, got " + budget);
            }
            return budget >= n ? ExpertBudget.UNLIMITED : ExpertBudget.fixed(budget, coveragePolicy);
        }
        if (coverage != null) {
            return coverage >= 1 ? ExpertBudget.UNLIMITED : ExpertBudget.coverage(coverage, coveragePolicy);
        }
        return ExpertBudget.UNLIMITED;
    }

    static CoveragePolicy coveragePolicy(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "substitute", "substitution" -> CoveragePolicy.SUBSTITUTE;
            case "truncate", "truncation" -> CoveragePolicy.TRUNCATE;
            default -> throw new IllegalArgumentException("a coverage policy is substitute or truncate, got '" + name + "'");
        };
    }
}
