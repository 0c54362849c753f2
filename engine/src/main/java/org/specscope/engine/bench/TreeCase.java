package org.specscope.engine.bench;

import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.spec.DraftTree;

/**
 * One draft tree verified twice per round: unbudgeted and under {@code budget}, the MoE-Spec
 * comparison. The same tree both times, so that only the budget differs.
 *
 * @param shape      how the tree was made, e.g. "grown as tree 6x8/63 by the target itself" (with
 *                   {@link org.specscope.engine.spec.TreeShape#describe})
 * @param numExperts routed experts per MoE layer (for the report: B against N)
 */
public record TreeCase(DraftTree tree, String shape, ExpertBudget budget, int numExperts) {

    public TreeCase {
        if (budget.isUnlimited()) {
            throw new IllegalArgumentException("the tree row compares a budget against none; got no budget");
        }
    }
}
