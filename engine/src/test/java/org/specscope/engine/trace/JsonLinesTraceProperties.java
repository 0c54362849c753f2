package org.specscope.engine.trace;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever valid records a run produces, the JSON lines trace gives them back equal. */
class JsonLinesTraceProperties {

    @Property(tries = 60)
    void everyGeneratedRunReadsBackEqual(@ForAll long seed) {
        RecordedRun run = new TraceFixtures(seed).run((int) Math.floorMod(seed, 6L), seed % 3 != 0);

        assertThat(roundTrip(run)).isEqualTo(run);
    }

    /** Any bit pattern: subnormals, extremes, infinities and NaN (which reads back as the canonical NaN). */
    @Property(tries = 300)
    void everyFloatAndDoubleReadsBackBitForBit(@ForAll int floatBits, @ForAll long doubleBits,
                                               @ForAll @DoubleRange(min = 0, minIncluded = false, max = 1) double tau) {
        float f = Float.intBitsToFloat(floatBits);
        double d = Double.longBitsToDouble(doubleBits);
        RecordedRun base = new TraceFixtures(Float.floatToIntBits(f)).run(1, true);
        StepTrace s = base.steps().getFirst();
        TreeTrace t = s.tree();
        float[] q = t.draftProbs().toArray();
        q[0] = f;
        TreeTrace tree = new TreeTrace(t.tokens(), t.texts(), t.parents(), FloatSeq.of(q), t.targetProbs(),
                t.targetTop(), t.acceptedPath(), t.bonusToken(), t.bonusText());
        StepTrace step = new StepTrace(s.step(), s.settings().withBudget(ExpertBudget.coverage(tau,
                CoveragePolicy.SUBSTITUTE)), tree, s.layers(), s.emittedIds(), s.emittedText(), s.timings(),
                new ControllerState(2, ControllerPhase.TEST, d, 1, 1), s.expertBytes(), s.weightBytes(),
                new VerificationQuality(3, 1, d));
        RecordedRun run = new RecordedRun(base.header(), List.of(step), base.end());

        StepTrace back = roundTrip(run).steps().getFirst();

        assertThat(Float.floatToIntBits(back.tree().draftProbs().get(0))).isEqualTo(Float.floatToIntBits(f));
        assertThat(Double.doubleToLongBits(back.controller().utility())).isEqualTo(Double.doubleToLongBits(d));
        assertThat(Double.doubleToLongBits(back.quality().klSum())).isEqualTo(Double.doubleToLongBits(d));
        assertThat(back).isEqualTo(step);
    }

    private static RecordedRun roundTrip(RecordedRun run) {
        StringWriter out = new StringWriter();
        run.replay(new JsonLinesTraceWriter(out));
        return TraceReader.read(new StringReader(out.toString()), "memory", TraceReader.Mode.STRICT);
    }
}
