package org.specscope.visualizers;

import java.util.Arrays;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;

/**
 * How often each expert of each MoE layer was used over the steps accumulated so far: the heavy
 * tail that lets MoE-Spec drop experts cheaply. Two measures: natural selections (how many tree
 * nodes named the expert in their natural top-k) and routed mass (the full-softmax probability
 * {@link LayerTrace#mass} summed over nodes, the paper's expert score). Layers are addressed by their
 * position in {@link StepTrace#layers()}; layer {@link #ALL_LAYERS} pools every (layer, expert) pair
 * as one expert of its own, since expert 5 of layer 0 and expert 5 of layer 1 are unrelated.
 * Plain Java, no JavaFX.
 */
public final class ExpertUsage {

    /** The pooled pseudo-layer. */
    public static final int ALL_LAYERS = -1;

    /** What "use" counts. */
    public enum Measure {
        NATURAL_SELECTIONS("natural selections"), ROUTED_MASS("routed mass");

        private final String label;

        Measure(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * A cumulative-share curve: point i is (i / n, share of all use held by the i most used
     * experts), from (0, 0) to (1, 1); n + 1 points for n experts.
     */
    public record Curve(double[] experts, double[] share) {

        public int size() {
            return experts.length;
        }
    }

    private int numExperts;
    private double[][] selections = new double[0][];
    private double[][] mass = new double[0][];
    private int[] layerNumbers = new int[0];
    private int steps;

    /** Forgets every step. */
    public void clear() {
        numExperts = 0;
        selections = new double[0][];
        mass = new double[0][];
        layerNumbers = new int[0];
        steps = 0;
    }

    /** Adds one step's verification routing. */
    public void add(StepTrace step) {
        steps++;
        for (int li = 0; li < step.layers().size(); li++) {
            LayerTrace l = step.layers().get(li);
            ensure(li + 1, l.numExperts());
            layerNumbers[li] = l.layer();
            double[] sel = selections[li];
            for (int i = 0; i < l.naturalIds().size(); i++) {
                sel[l.naturalIds().get(i)]++;
            }
            double[] m = mass[li];
            for (int e = 0; e < l.numExperts(); e++) {
                m[e] += l.mass().get(e);
            }
        }
    }

    private void ensure(int layers, int experts) {
        if (experts > numExperts) {
            numExperts = experts;
            for (int i = 0; i < selections.length; i++) {
                selections[i] = Arrays.copyOf(selections[i], experts);
                mass[i] = Arrays.copyOf(mass[i], experts);
            }
        }
        if (layers > selections.length) {
            int old = selections.length;
            selections = Arrays.copyOf(selections, layers);
            mass = Arrays.copyOf(mass, layers);
            layerNumbers = Arrays.copyOf(layerNumbers, layers);
            for (int i = old; i < layers; i++) {
                selections[i] = new double[numExperts];
                mass[i] = new double[numExperts];
            }
        }
    }

    /** Steps added since the last {@link #clear()}. */
    public int steps() {
        return steps;
    }

    /** MoE layers seen. */
    public int layers() {
        return selections.length;
    }

    /** Experts per layer. */
    public int numExperts() {
        return numExperts;
    }

    /** The decoder layer number of MoE layer {@code layer} (its {@link LayerTrace#layer()}). */
    public int layerNumber(int layer) {
        return layerNumbers[layer];
    }

    /** The use of every expert of {@code layer} (a copy; for {@link #ALL_LAYERS}, layer-major pairs). */
    public double[] usage(int layer, Measure measure) {
        double[][] table = measure == Measure.ROUTED_MASS ? mass : selections;
        if (layer == ALL_LAYERS) {
            double[] all = new double[table.length * numExperts];
            for (int i = 0; i < table.length; i++) {
                System.arraycopy(table[i], 0, all, i * numExperts, numExperts);
            }
            return all;
        }
        if (layer < 0 || layer >= table.length) {
            return new double[0];
        }
        return table[layer].clone();
    }

    /** Routed mass of {@code layer}'s experts, most used first. */
    public double[] sortedUsage(int layer) {
        return sortedUsage(layer, Measure.ROUTED_MASS);
    }

    /** Use of {@code layer}'s experts under {@code measure}, most used first. */
    public double[] sortedUsage(int layer, Measure measure) {
        double[] u = usage(layer, measure);
        Arrays.sort(u);
        for (int i = 0, j = u.length - 1; i < j; i++, j--) {
            double t = u[i];
            u[i] = u[j];
            u[j] = t;
        }
        return u;
    }

    /** The cumulative share of routed mass over {@code layer}'s experts, most used first. */
    public Curve cumulativeShare(int layer) {
        return cumulativeShare(layer, Measure.ROUTED_MASS);
    }

    /**
     * The cumulative share of use over {@code layer}'s experts, most used first: concave, from
     * (0, 0) to (1, 1), on the diagonal when use is uniform and above it the heavier the tail.
     * With no use at all the curve is the diagonal (no expert is preferred).
     */
    public Curve cumulativeShare(int layer, Measure measure) {
        return cumulativeShare(sortedUsage(layer, measure));
    }

    /** The cumulative share of the given use, sorted most used first. */
    static Curve cumulativeShare(double[] sortedDescending) {
        int n = sortedDescending.length;
        double[] x = new double[n + 1];
        double[] y = new double[n + 1];
        double total = 0;
        for (double v : sortedDescending) {
            total += v;
        }
        double run = 0;
        for (int i = 1; i <= n; i++) {
            run += sortedDescending[i - 1];
            x[i] = (double) i / n;
            y[i] = total > 0 ? Math.min(1, run / total) : x[i];
        }
        if (n > 0) {
            y[n] = 1; // rounding must not leave the curve short of (1, 1)
        }
        return new Curve(x, y);
    }

    /** The fewest experts of {@code layer} holding at least {@code fraction} of its use (MoE-Spec's coverage budget). */
    public int expertsCovering(int layer, Measure measure, double fraction) {
        Curve c = cumulativeShare(layer, measure);
        for (int i = 0; i < c.size(); i++) {
            if (c.share()[i] >= fraction) {
                return i;
            }
        }
        return c.size() - 1;
    }
}
