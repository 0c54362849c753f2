package org.specscope.engine.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * One MoE layer of one verification pass: the routing of every tree node, the expert scores,
 * the kept set and what the budget changed.
 *
 * @param naturalIds     [nodes * topK] each node's natural top-k experts, descending
 * @param naturalWeights [nodes * topK] their weights under the family's rule
 * @param usedIds        [nodes * topK] the experts each node finally used (-1 = dropped by truncation)
 * @param usedWeights    [nodes * topK] their mixing weights
 * @param mass           [numExperts] routing mass: the sum over nodes of each expert's full-softmax probability
 * @param scores         [numExperts] the budget's selection scores (equal to mass under uniform weighting)
 * @param kept           ascending ids of the experts whose weights the pass loaded (all when unbudgeted)
 * @param budgeted       whether a budget applied
 * @param expertBytes    bytes of expert weights the pass read in this layer
 */
public record LayerTrace(int layer, int numExperts, int topK, IntSeq naturalIds, FloatSeq naturalWeights,
                         IntSeq usedIds, FloatSeq usedWeights, FloatSeq mass, FloatSeq scores, IntSeq kept,
                         boolean budgeted, long expertBytes) {

    public LayerTrace {
        int slots = naturalIds.size();
        if (topK < 1 || slots % topK != 0 || naturalWeights.size() != slots || usedIds.size() != slots
                || usedWeights.size() != slots || mass.size() != numExperts || scores.size() != numExperts) {
            throw new IllegalArgumentException("layer " + layer + ": routing arrays do not match top-" + topK + " of "
                    + numExperts + " experts");
        }
    }

    /** A substitution in one node: {@code natural} fell outside the kept set, {@code replacement} ran instead. */
    public record Substitution(int node, int natural, int replacement, float lostWeight) {
    }

    public int nodes() {
        return naturalIds.size() / topK;
    }

    public int naturalExpert(int node, int rank) {
        return naturalIds.get(node * topK + rank);
    }

    public int usedExpert(int node, int rank) {
        return usedIds.get(node * topK + rank);
    }

    public boolean isKept(int expert) {
        return kept.contains(expert);
    }

    /** How many of the node's natural experts the budget left out (the MoE-Spec tree colouring). */
    public int missingNatural(int node) {
        int missing = 0;
        for (int r = 0; r < topK; r++) {
            if (!isKept(naturalExpert(node, r))) {
                missing++;
            }
        }
        return missing;
    }

    /** The natural routing weight of the node's experts that fell outside the kept set. */
    public float lostWeight(int node) {
        float lost = 0;
        for (int r = 0; r < topK; r++) {
            if (!isKept(naturalExpert(node, r))) {
                lost += naturalWeights.get(node * topK + r);
            }
        }
        return lost;
    }

    /**
     * The node's substitutions: each natural expert outside the kept set, paired with an expert
     * the node used that was not among its natural ones (-1 when truncation dropped it).
     */
    public List<Substitution> substitutions(int node) {
        List<Integer> replacements = new ArrayList<>();
        for (int r = 0; r < topK; r++) {
            int u = usedExpert(node, r);
            if (u >= 0 && !isNatural(node, u)) {
                replacements.add(u);
            }
        }
        List<Substitution> out = new ArrayList<>();
        int next = 0;
        for (int r = 0; r < topK; r++) {
            int e = naturalExpert(node, r);
            if (!isKept(e)) {
                int replacement = next < replacements.size() ? replacements.get(next++) : -1;
                out.add(new Substitution(node, e, replacement, naturalWeights.get(node * topK + r)));
            }
        }
        return out;
    }

    private boolean isNatural(int node, int expert) {
        for (int r = 0; r < topK; r++) {
            if (naturalExpert(node, r) == expert) {
                return true;
            }
        }
        return false;
    }

    /** Distinct experts named by the natural top-k of all nodes (what unbudgeted verification loads). */
    public int distinctNatural() {
        return distinct(naturalIds, null);
    }

    /** Distinct experts actually run. */
    public int distinctUsed() {
        return distinct(usedIds, null);
    }

    /** Distinct natural experts of the given nodes only (the accepted path, say). */
    public int distinctNatural(IntSeq onlyNodes) {
        return distinct(naturalIds, onlyNodes);
    }

    private int distinct(IntSeq ids, IntSeq onlyNodes) {
        boolean[] seen = new boolean[numExperts];
        int n = 0;
        for (int i = 0; i < ids.size(); i++) {
            int e = ids.get(i);
            if (e >= 0 && !seen[e] && (onlyNodes == null || onlyNodes.contains(i / topK))) {
                seen[e] = true;
                n++;
            }
        }
        return n;
    }
}
