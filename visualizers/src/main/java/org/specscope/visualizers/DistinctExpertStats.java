package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.specscope.engine.trace.IntSeq;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;

/**
 * Distinct experts per MoE layer per step, the quantity that sets an MoE verification pass's
 * memory traffic: over the whole draft tree as routed naturally, over the whole tree after the
 * expert budget (what the pass ran), and over the accepted path only (what the emitted tokens
 * needed). Keeps every step's counts per layer and summarises them as mean, P90 and P99. No
 * JavaFX.
 */
final class DistinctExpertStats {

    /** Which distinct-expert count. */
    enum Measure {
        /** {@link LayerTrace#distinctNatural()}: what unbudgeted verification of the whole tree loads. */
        TREE_NATURAL("whole tree, natural"),
        /** {@link LayerTrace#distinctUsed()}: what the pass ran after the budget. */
        TREE_USED("whole tree, after budget"),
        /** {@link LayerTrace#distinctNatural(IntSeq)} over the accepted path (root included). */
        ACCEPTED_NATURAL("accepted path, natural");

        private final String label;

        Measure(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** One layer's three counts in one step. */
    record LayerCounts(int layer, int treeNatural, int treeUsed, int acceptedNatural) {

        static LayerCounts of(LayerTrace l, IntSeq acceptedPath) {
            return new LayerCounts(l.layer(), l.distinctNatural(), l.distinctUsed(), l.distinctNatural(acceptedPath));
        }

        int get(Measure m) {
            return switch (m) {
                case TREE_NATURAL -> treeNatural;
                case TREE_USED -> treeUsed;
                case ACCEPTED_NATURAL -> acceptedNatural;
            };
        }
    }

    /** Mean, P90 and P99 of one layer's count over {@code steps} steps. */
    record Summary(double mean, int p90, int p99, int steps) {
    }

    /** Per layer id (ascending), per measure, the count of every step that had the layer. */
    private final Map<Integer, EnumMap<Measure, IntList>> byLayer = new TreeMap<>();
    // Summaries are sorted once per change, not once per draw.
    private final Map<Integer, EnumMap<Measure, Summary>> cache = new HashMap<>();
    private int max;

    /** The counts of each MoE layer of {@code step}, in the step's layer order (empty for a dense model or the prefill). */
    static List<LayerCounts> counts(StepTrace step) {
        List<LayerCounts> out = new ArrayList<>(step.layers().size());
        for (LayerTrace l : step.layers()) {
            out.add(LayerCounts.of(l, step.tree().acceptedPath()));
        }
        return out;
    }

    void clear() {
        byLayer.clear();
        cache.clear();
        max = 0;
    }

    void add(StepTrace step) {
        for (LayerCounts c : counts(step)) {
            EnumMap<Measure, IntList> lists = byLayer.computeIfAbsent(c.layer(), k -> {
                EnumMap<Measure, IntList> m = new EnumMap<>(Measure.class);
                for (Measure measure : Measure.values()) {
                    m.put(measure, new IntList());
                }
                return m;
            });
            for (Measure m : Measure.values()) {
                lists.get(m).add(c.get(m));
                max = Math.max(max, c.get(m));
            }
            cache.remove(c.layer());
        }
    }

    /** The MoE layers seen so far, ascending. */
    List<Integer> layers() {
        return List.copyOf(byLayer.keySet());
    }

    /** The largest count of any layer, measure and step so far. */
    int max() {
        return max;
    }

    /** Steps that had {@code layer}. */
    int steps(int layer) {
        EnumMap<Measure, IntList> lists = byLayer.get(layer);
        return lists == null ? 0 : lists.get(Measure.TREE_NATURAL).size;
    }

    /** Every step's {@code m} count in {@code layer}, in step order. */
    int[] values(int layer, Measure m) {
        EnumMap<Measure, IntList> lists = byLayer.get(layer);
        return lists == null ? new int[0] : lists.get(m).toArray();
    }

    /** Mean, P90 and P99 of {@code m} in {@code layer} over all steps so far; null for a layer not seen. */
    Summary summary(int layer, Measure m) {
        EnumMap<Measure, IntList> lists = byLayer.get(layer);
        if (lists == null) {
            return null;
        }
        return cache.computeIfAbsent(layer, k -> new EnumMap<>(Measure.class)).computeIfAbsent(m, k -> {
            int[] sorted = lists.get(m).toArray();
            Arrays.sort(sorted);
            return new Summary(mean(sorted), percentileOfSorted(sorted, 90), percentileOfSorted(sorted, 99),
                    sorted.length);
        });
    }

    static double mean(int[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long sum = 0;
        for (int v : values) {
            sum += v;
        }
        return (double) sum / values.length;
    }

    /**
     * The nearest-rank {@code p}-th percentile: the smallest value with at least p% of the values
     * at or below it (always one of the values, as counts should be). 0 of none.
     */
    static int percentile(int[] values, double p) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        return percentileOfSorted(sorted, p);
    }

    private static int percentileOfSorted(int[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        // p * n / 100 rather than p / 100 * n: 0.9 * 100 is a hair over 90 and would round up a rank
        int rank = (int) Math.ceil(p * sorted.length / 100 - 1e-9);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    /** A growable int array: a long run has thousands of steps per layer. */
    private static final class IntList {
        private int[] values = new int[64];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
