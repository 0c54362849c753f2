package org.specscope.app;

import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.ScoreWeighting;
import org.specscope.engine.session.Settings;
import org.specscope.engine.spec.TreeShape;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The inspector's live controls as JavaFX properties. Every change builds a new immutable
 * engine {@link Settings} and hands it to the settings target (the running session, which
 * applies it at its next step). Invalid combinations (a tree that cannot hold its nodes) keep
 * the last valid settings and say why in {@link #problemProperty()}.
 */
public final class SettingsViewModel {

    /** How the budget picks how many experts a layer keeps. */
    public enum Selection {
        FIXED("fixed budget B"), COVERAGE("coverage τ");

        private final String label;

        Selection(String label) { this.label = label; }

        /** What the inspector shows. */
        public String label() { return label; }
    }

    /** A chain of K drafts or an EAGLE-2 tree. */
    public enum Shape {
        CHAIN("chain"), TREE("tree");

        private final String label;

        Shape(String label) { this.label = label; }

        /** What the inspector shows. */
        public String label() { return label; }
    }

    /** What the inspector shows for a coverage policy. */
    public static String label(CoveragePolicy policy) {
        return policy == null ? "" : switch (policy) {
            case SUBSTITUTE -> "substitute";
            case TRUNCATE -> "truncate";
        };
    }

    private final IntegerProperty numExperts = new SimpleIntegerProperty(1);
    private final IntegerProperty topK = new SimpleIntegerProperty(1);
    private final IntegerProperty budget = new SimpleIntegerProperty(1);
    private final ObjectProperty<Selection> selection = new SimpleObjectProperty<>(Selection.FIXED);
    private final DoubleProperty coverageTau = new SimpleDoubleProperty(0.9);
    private final ObjectProperty<CoveragePolicy> policy = new SimpleObjectProperty<>(CoveragePolicy.SUBSTITUTE);
    private final ObjectProperty<Shape> shape = new SimpleObjectProperty<>(Shape.CHAIN);
    private final IntegerProperty chainK = new SimpleIntegerProperty(4);
    private final IntegerProperty treeDepth = new SimpleIntegerProperty(TreeShape.EAGLE_DEFAULT.depth());
    private final IntegerProperty treeTopK = new SimpleIntegerProperty(TreeShape.EAGLE_DEFAULT.topK());
    private final IntegerProperty treeTotal = new SimpleIntegerProperty(TreeShape.EAGLE_DEFAULT.totalNodes());
    private final BooleanProperty cascade = new SimpleBooleanProperty(false);
    private final DoubleProperty temperature = new SimpleDoubleProperty(0);
    private final LongProperty seed = new SimpleLongProperty(0);

    private final ReadOnlyObjectWrapper<Settings> settings = new ReadOnlyObjectWrapper<>(Settings.defaults());
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");
    private Consumer<Settings> target = s -> { };

    public SettingsViewModel() {
        numExperts.addListener((obs, old, n) -> {
            // A new model: keep B within 1..N; a budget that was "all experts" stays unbudgeted.
            int max = Math.max(1, n.intValue());
            if (budget.get() > max || budget.get() == old.intValue()) {
                budget.set(max);
            }
        });
        topK.addListener((obs, old, k) -> {
            // The engine clamps a fixed budget to at least k: so does the inspector.
            if (budget.get() < minBudget()) {
                budget.set(minBudget());
            }
        });
        Observable[] inputs = {numExperts, topK, budget, selection, coverageTau, policy, shape, chainK, treeDepth, treeTopK,
                treeTotal, cascade, temperature, seed};
        for (Observable input : inputs) {
            input.addListener(o -> rebuild());
        }
        rebuild();
    }

    /** Where every new Settings goes (the live session); null for nowhere. */
    public void setTarget(Consumer<Settings> target) {
        this.target = target == null ? s -> { } : target;
    }

    /** The controls as an engine value, or throws IllegalArgumentException for an invalid combination. */
    public Settings build() {
        int n = Math.max(1, numExperts.get());
        int b = Math.clamp(budget.get(), Math.min(minBudget(), n), n);
        ExpertBudget expertBudget = switch (selection.get()) {
            case FIXED -> b >= n ? ExpertBudget.UNLIMITED : ExpertBudget.fixed(b, policy.get());
            case COVERAGE -> coverageTau.get() >= 1 ? ExpertBudget.UNLIMITED
                    : ExpertBudget.coverage(coverageTau.get(), policy.get());
        };
        TreeShape tree = shape.get() == Shape.CHAIN ? TreeShape.chain(chainK.get())
                : new TreeShape(treeDepth.get(), treeTopK.get(), treeTotal.get());
        SamplingParams sampling = new SamplingParams(temperature.get(), 0, 1, seed.get());
        return new Settings(expertBudget, ScoreWeighting.UNIFORM, tree, cascade.get(), sampling);
    }

    private void rebuild() {
        Settings next;
        try {
            next = build();
        } catch (IllegalArgumentException e) {
            problem.set(e.getMessage());
            return;
        }
        problem.set("");
        if (!Objects.equals(next, settings.get())) {
            settings.set(next);
            target.accept(next);
        }
    }

    /** Whether B = N (no budget). */
    public boolean isUnbudgeted() {
        return settings.get().budget().isUnlimited();
    }

    /** The smallest budget the engine keeps: the model's top-k, within 1..N. */
    public int minBudget() {
        return Math.clamp(topK.get(), 1, Math.max(1, numExperts.get()));
    }

    public IntegerProperty numExpertsProperty() { return numExperts; }
    /** The loaded model's experts per token (k); a fixed budget is never below it. */
    public IntegerProperty topKProperty() { return topK; }
    public IntegerProperty budgetProperty() { return budget; }
    public ObjectProperty<Selection> selectionProperty() { return selection; }
    public DoubleProperty coverageTauProperty() { return coverageTau; }
    public ObjectProperty<CoveragePolicy> policyProperty() { return policy; }
    public ObjectProperty<Shape> shapeProperty() { return shape; }
    public IntegerProperty chainKProperty() { return chainK; }
    public IntegerProperty treeDepthProperty() { return treeDepth; }
    public IntegerProperty treeTopKProperty() { return treeTopK; }
    public IntegerProperty treeTotalProperty() { return treeTotal; }
    public BooleanProperty cascadeProperty() { return cascade; }
    public DoubleProperty temperatureProperty() { return temperature; }
    public LongProperty seedProperty() { return seed; }

    /** The current valid settings. */
    public ReadOnlyObjectProperty<Settings> settingsProperty() { return settings.getReadOnlyProperty(); }

    public Settings settings() { return settings.get(); }

    /** Why the last change was refused, or empty. */
    public ReadOnlyStringProperty problemProperty() { return problem.getReadOnlyProperty(); }
}
