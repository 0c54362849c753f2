package org.specscope.engine.bench;

import org.junit.jupiter.api.Test;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.TestBackend;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.Model;
import org.specscope.engine.spec.PassCostModel;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A whole bench run on a golden checkpoint: what it measures, in which rounds, and what it leaves behind. */
class BenchmarkTest {

    private static final int[] TEXT = IntStream.range(0, 30).map(i -> 10 + 13 * i % 400).toArray();

    @Test
    void everyPassSizeWithBothRoutingsDecodeBandwidthAndComputePeakAreMeasuredInEveryRound() {
        BenchPlan plan = new BenchPlan(3, 2, List.of(4, 2), 2, 1 << 16, 2);
        List<String> progress = new ArrayList<>();
        try (Model m = Model.open(GoldenCheckpoints.checkpoint("olmoe-tiny"));
             ModelRunner runner = TestBackend.CPU.load(m)) {
            KvCache cache = runner.newKvCache(6 + plan.slotsNeeded());
            PassBenchmark passes = PassBenchmark.afterContext(runner, PassCostModel.of(m), cache, TEXT, 6);
            BenchReport r = Benchmark.run(passes, plan, m.weights().byteSize(), progress::add);

            assertThat(r.passes()).extracting(p -> p.routing() + " " + p.tokens()).containsExactly(
                    "NATURAL 1", "NATURAL 2", "NATURAL 4", "SAME_EXPERTS 1", "SAME_EXPERTS 2", "SAME_EXPERTS 4");
            assertThat(r.passes()).allSatisfy(p -> assertThat(p.repeats()).isEqualTo(2));
            assertThat(r.decode().tokens()).isEqualTo(3);
            assertThat(r.decode().rounds()).isEqualTo(2);
            assertThat(r.bandwidth().repeats()).isEqualTo(2);
            assertThat(r.bandwidth().bufferBytes()).isEqualTo(1 << 16);
            assertThat(r.bandwidth().threads()).isEqualTo(2);
            assertThat(r.compute().repeats()).isEqualTo(2);
            assertThat(r.compute().threads()).isEqualTo(2);
            assertThat(r.compute().bestGflopsPerSecond()).isPositive().isFinite();
            assertThat(r.rooflineFraction(r.pass(4, BatchRouting.NATURAL).orElseThrow())).isPositive().isFinite();
            assertThat(r.weightBytes()).isEqualTo(m.weights().byteSize());
            assertThat(r.pass(4, BatchRouting.SAME_EXPERTS).orElseThrow().meanDistinctExperts()).isEqualTo(4);
            assertThat(cache.length()).as("the context, restored").isEqualTo(6);
        }
        assertThat(progress).first().asString().startsWith("warm-up");
        assertThat(progress).filteredOn(line -> line.startsWith("round ")).hasSize(2)
                .allSatisfy(line -> assertThat(line).contains("a bandwidth read, a compute-peak read"));
    }

    @Test
    void aPlanAlwaysMeasuresTheOneTokenBaselineAndRefusesNonsense() {
        BenchPlan plan = new BenchPlan(32, 3, List.of(64, 16, 4, 16), 5, 1 << 30, 2);
        assertThat(plan.passSizes()).containsExactly(1, 4, 16, 64);
        assertThat(plan.slotsNeeded()).isEqualTo(64);
        assertThat(new BenchPlan(100, 3, List.of(4), 1, 1 << 20, 1).slotsNeeded()).isEqualTo(100);
        assertThatThrownBy(() -> new BenchPlan(32, 3, List.of(1, 0), 5, 1 << 30, 2))
                .hasMessageContaining("--batch sizes must be at least 1 token, got 0");
        assertThatThrownBy(() -> new BenchPlan(0, 3, List.of(1), 5, 1 << 30, 2)).hasMessageContaining("--tokens");
        assertThatThrownBy(() -> new BenchPlan(1, -1, List.of(1), 5, 1 << 30, 2)).hasMessageContaining("--warmup");
        assertThatThrownBy(() -> new BenchPlan(1, 0, List.of(1), 0, 1 << 30, 2)).hasMessageContaining("--repeats");
        assertThatThrownBy(() -> new BenchPlan(1, 0, List.of(1), 1, 10, 2)).hasMessageContaining("--bandwidth-bytes");
        assertThatThrownBy(() -> new BenchPlan(1, 0, List.of(1), 1, 1 << 20, 0)).hasMessageContaining("--threads");
    }
}
