package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.ScoreWeighting;
import org.specscope.engine.moe.SelectionPolicy;
import org.specscope.engine.session.Settings;
import org.specscope.engine.spec.TreeShape;
import org.specscope.engine.trace.StepTrace;

/**
 * At {@code step} the settings became {@code after}; the step before ran {@code before}. The
 * views mark such steps, since a live control moved mid-run takes effect at the next step.
 */
public record SettingsChange(int step, Settings before, Settings after) {

    /** Where the views write their mark: "⚑", like Cascade's flags. */
    public static final String FLAG = "\u2691";

    /** The change from {@code previous} to {@code step}, or null when their settings are equal. */
    public static SettingsChange between(StepTrace previous, StepTrace step) {
        // Settings are values: equals says whether any knob moved between the two steps.
        return previous == null || previous.settings().equals(step.settings()) ? null
                : new SettingsChange(step.step(), previous.settings(), step.settings());
    }

    /** Each knob that moved, in the field's words: "B 16 -> 8", "policy substitute -> truncate", "cascade on". */
    public List<String> differences() {
        List<String> out = new ArrayList<>();
        budget(before.budget(), after.budget(), out);
        if (before.scoring() != after.scoring()) {
            out.add("scoring " + name(before.scoring()) + " -> " + name(after.scoring()));
        }
        if (!before.tree().equals(after.tree())) {
            out.add(shape(before.tree()) + " -> " + after.tree().describe());
        }
        if (before.cascade() != after.cascade()) {
            out.add(after.cascade() ? "cascade on" : "cascade off");
        }
        sampling(before.sampling(), after.sampling(), out);
        return out;
    }

    /** The differences on one line: "B 16 -> 8, tree 7x10/60 -> chain 4". */
    public String summary() {
        return String.join(", ", differences());
    }

    /** The mark's caption for a view showing this step: "⚑ settings changed at this step: B 16 -> 8". */
    public String atThisStep() {
        return FLAG + " settings changed at this step: " + summary();
    }

    /** A tooltip: the step, what changed, and the settings before and after. */
    public String describe() {
        return "step " + step + ": settings changed: " + summary() + "\nfrom " + before.describe() + "\nto   "
                + after.describe();
    }

    /**
     * What a view of many steps (a window, the run so far: its {@code subject}) says about the
     * {@code changes} among them: "⚑ window spans a settings change at step 5: B 16 -> 8"; "" for none.
     */
    public static String spanned(String subject, List<SettingsChange> changes) {
        if (changes.isEmpty()) {
            return "";
        }
        if (changes.size() == 1) {
            SettingsChange c = changes.getFirst();
            return FLAG + " " + subject + " spans a settings change at step " + c.step() + ": " + c.summary();
        }
        return FLAG + " " + subject + " spans " + changes.size() + " settings changes, at steps "
                + String.join(", ", changes.stream().map(c -> Integer.toString(c.step())).toList());
    }

    private static void budget(ExpertBudget b, ExpertBudget a, List<String> out) {
        SelectionPolicy sb = b.selection();
        SelectionPolicy sa = a.selection();
        if (sb instanceof SelectionPolicy.FixedCount(int eb) && sa instanceof SelectionPolicy.FixedCount(int ea)) {
            if (eb != ea) {
                out.add("B " + eb + " -> " + ea);
            }
        } else if (sb instanceof SelectionPolicy.Coverage(double tb) && sa instanceof SelectionPolicy.Coverage(double ta)) {
            if (tb != ta) {
                out.add("tau " + number(tb) + " -> " + number(ta));
            }
        } else if (!sb.equals(sa)) {
            out.add("budget " + sb.describe() + " -> " + sa.describe());
        }
        if (b.coverage() != a.coverage()) {
            out.add("policy " + b.coverage().name().toLowerCase(Locale.ROOT) + " -> "
                    + a.coverage().name().toLowerCase(Locale.ROOT));
        }
    }

    private static void sampling(SamplingParams b, SamplingParams a, List<String> out) {
        if (b.temperature() != a.temperature()) {
            out.add("temperature " + number(b.temperature()) + " -> " + number(a.temperature()));
        }
        if (b.topK() != a.topK()) {
            out.add("top-k " + b.topK() + " -> " + a.topK());
        }
        if (b.topP() != a.topP()) {
            out.add("top-p " + number(b.topP()) + " -> " + number(a.topP()));
        }
        if (b.seed() != a.seed()) {
            out.add("seed " + b.seed() + " -> " + a.seed());
        }
    }

    /** "tree 7x10/60", "chain 4", and "tree none" rather than a bare "none". */
    private static String shape(TreeShape t) {
        return t.drafts() ? t.describe() : "tree " + t.describe();
    }

    private static String name(ScoreWeighting s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** 0.8, 0.85, 1: no trailing zeros. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
    }
}
