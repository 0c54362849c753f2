package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;

/**
 * What the expert budget substituted in one step, per MoE layer: each natural expert that fell
 * outside the kept set paired with the kept expert that ran instead ({@link LayerTrace#substitutions}),
 * counted over the tree's nodes, with the natural routing weight those nodes lost. No JavaFX.
 */
final class SubstitutionSummary {

    /** Natural expert {@code natural} replaced by {@code replacement} (-1: dropped) in {@code nodes} nodes. */
    record Pair(int natural, int replacement, int nodes, int acceptedNodes, double lostWeight) {

        /** "e12 -> e3" or "e12 -> dropped". */
        String describe() {
            return "e" + natural + " \u2192 " + (replacement < 0 ? "dropped" : "e" + replacement);
        }
    }

    /**
     * One layer's substitutions, the heaviest loss first.
     *
     * @param nodesAffected         nodes with at least one substitution
     * @param acceptedNodesAffected those of them on the accepted path
     * @param lostWeight    the natural routing weight lost, summed over the tree's nodes
     */
    record Layer(int layer, boolean budgeted, int kept, List<Pair> pairs, int substitutions, int nodesAffected,
                 int acceptedNodesAffected, double lostWeight) {

        String describe() {
            if (!budgeted) {
                return String.format(Locale.ROOT, "layer %d: no budget", layer);
            }
            return String.format(Locale.ROOT, "layer %d: %d kept, %d substitutions in %d nodes", layer, kept,
                    substitutions, nodesAffected);
        }
    }

    private SubstitutionSummary() {
    }

    /** Each MoE layer of {@code step}, in the step's layer order. */
    static List<Layer> of(StepTrace step) {
        List<Layer> out = new ArrayList<>(step.layers().size());
        for (LayerTrace l : step.layers()) {
            out.add(layer(step, l));
        }
        return out;
    }

    static Layer layer(StepTrace step, LayerTrace l) {
        record Key(int natural, int replacement) {
        }
        // per (natural, replacement): nodes, accepted nodes, weight lost; in first-seen order before sorting
        Map<Key, double[]> acc = new LinkedHashMap<>();
        int substitutions = 0;
        int affected = 0;
        int acceptedAffected = 0;
        double lost = 0;
        for (int node = 0; node < l.nodes(); node++) {
            List<LayerTrace.Substitution> subs = l.substitutions(node);
            boolean accepted = step.tree().isAccepted(node);
            if (!subs.isEmpty()) {
                affected++;
                acceptedAffected += accepted ? 1 : 0;
            }
            for (LayerTrace.Substitution s : subs) {
                double[] a = acc.computeIfAbsent(new Key(s.natural(), s.replacement()), k -> new double[3]);
                a[0]++;
                a[1] += accepted ? 1 : 0;
                a[2] += s.lostWeight();
                lost += s.lostWeight();
                substitutions++;
            }
        }
        List<Pair> pairs = new ArrayList<>();
        acc.forEach((k, a) -> pairs.add(new Pair(k.natural(), k.replacement(), (int) a[0], (int) a[1], a[2])));
        pairs.sort(Comparator.comparingDouble(Pair::lostWeight).reversed().thenComparingInt(Pair::natural)
                .thenComparingInt(Pair::replacement));
        return new Layer(l.layer(), l.budgeted(), l.kept().size(), List.copyOf(pairs), substitutions, affected,
                acceptedAffected, lost);
    }
}
