package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.visualizers.SweepResults.Point;
import org.specscope.visualizers.SweepResults.Quality;
import org.specscope.visualizers.SweepResults.Speed;

/**
 * The sweep's files as written by {@code ./specscope sweep --prompts sample-models/prompts/bible.txt
 * --max-prompts 1 --max-tokens 8 --budgets 8,16 --no-cascade --clock h100} on the sample model
 * (test resources sweep/): read, grouped into policy lines, and their Pareto frontier.
 */
class SweepResultsTest {

    @TempDir
    Path tmp;

    /** A copy of the real sweep output in a fresh directory (tests corrupt their copy). */
    static Path realSweep(Path into) throws IOException {
        Files.createDirectories(into);
        for (String name : List.of(SweepResults.SUMMARY, SweepResults.JSON)) {
            try (InputStream in = SweepResultsTest.class.getResourceAsStream("sweep/" + name)) {
                Files.copy(in, into.resolve(name));
            }
        }
        return into;
    }

    @Test
    void readsTheRealSweepOutput() throws IOException {
        SweepResults r = SweepResults.read(realSweep(tmp.resolve("sw")));
        assertThat(r.model()).isEqualTo("specscope-moe-mini");
        assertThat(r.experts()).isEqualTo(32);
        assertThat(r.drafter()).isEqualTo("draft_model");
        assertThat(r.clock()).startsWith("cost model: H100");
        assertThat(r.points()).extracting(Point::setting).containsExactly("autoregressive", "unbudgeted",
                "B=8 substitute", "B=16 substitute", "B=8 truncate", "B=16 truncate");
        Point b8 = r.points().get(2);
        assertThat(b8.kind()).isEqualTo("budget");
        assertThat(b8.policy()).isEqualTo("substitute");
        assertThat(b8.budget()).isEqualTo(8);
        assertThat(b8.meanAccepted()).isEqualTo(2.5);
        assertThat(b8.meanKeptExperts()).isEqualTo(8);
        assertThat(b8.exactMatch()).isEqualTo(0.625);
        assertThat(b8.top1Agreement()).isEqualTo(0.875);
        assertThat(b8.speedup()).isEqualTo(0.8613);
        assertThat(b8.label()).isEqualTo("B=8, acc 2.50");

        // Plotted: the budgets and the unbudgeted reference, not the autoregressive speed reference.
        assertThat(r.plotted()).extracting(Point::setting).doesNotContain("autoregressive").hasSize(5);
        assertThat(r.unbudgeted()).hasValueSatisfying(u -> assertThat(u.budget()).isEqualTo(32));
        assertThat(r.series()).containsOnlyKeys("substitute", "truncate");
        assertThat(r.series().get("truncate")).extracting(Point::setting).containsExactly("B=8 truncate", "B=16 truncate");
    }

    @Test
    void theFrontierHoldsThePointsNoOtherBeatsOnBothAxes() throws IOException {
        SweepResults r = SweepResults.read(realSweep(tmp.resolve("sw")));
        // Speedup vs exact match: B=16 truncate is as exact as unbudgeted and B=16 substitute and faster;
        // B=8 truncate is the fastest, B=8 substitute trades a little speed for more exactness.
        assertThat(r.frontier(Speed.SPEEDUP, Quality.EXACT_MATCH)).extracting(Point::setting)
                .containsExactly("B=16 truncate", "B=8 substitute", "B=8 truncate");
        // Kept experts is a cost (fewer is better): B=8 substitute beats B=8 truncate at the same count;
        // the two B=16 points tie; unbudgeted keeps all 32 for no better exactness.
        assertThat(r.frontier(Speed.MEAN_KEPT_EXPERTS, Quality.EXACT_MATCH)).extracting(Point::setting)
                .containsExactlyInAnyOrder("B=8 substitute", "B=16 substitute", "B=16 truncate");
        for (Speed s : Speed.values()) {
            for (Quality q : Quality.values()) {
                List<Point> front = r.frontier(s, q);
                for (Point p : r.plotted()) {
                    boolean dominated = r.plotted().stream().anyMatch(o -> SweepResults.dominates(o, p, s, q));
                    assertThat(front.contains(p)).as(p.setting() + " under " + s + ", " + q).isEqualTo(!dominated);
                }
            }
        }
    }

    @Test
    void dominanceNeedsBothAxesAtLeastAsGoodAndOneBetter() {
        Point fastExact = point("a", 2.0, 1.0);
        Point slowExact = point("b", 1.0, 1.0);
        Point fastSloppy = point("c", 3.0, 0.5);
        assertThat(SweepResults.dominates(fastExact, slowExact, Speed.SPEEDUP, Quality.EXACT_MATCH)).isTrue();
        assertThat(SweepResults.dominates(fastExact, fastSloppy, Speed.SPEEDUP, Quality.EXACT_MATCH)).isFalse();
        assertThat(SweepResults.dominates(fastExact, fastExact, Speed.SPEEDUP, Quality.EXACT_MATCH)).isFalse();
        SweepResults r = new SweepResults(Path.of("x"), "m", 32, "", "", "", List.of(fastExact, slowExact, fastSloppy));
        assertThat(r.frontier(Speed.SPEEDUP, Quality.EXACT_MATCH)).extracting(Point::setting).containsExactly("a", "c");
    }

    private static Point point(String name, double speedup, double exact) {
        return new Point(name, "budget", "substitute", 8, 1, 100 * speedup, 1, 8, exact, exact, 0, speedup);
    }

    @Test
    void aMissingSummaryIsNamed() {
        assertThatThrownBy(() -> SweepResults.read(tmp))
                .isInstanceOf(SweepResults.FormatException.class)
                .hasMessageContaining(tmp.resolve("summary.csv").toString())
                .hasMessageContaining("no such file");
    }

    @Test
    void aBadCellIsNamedByFileLineAndColumn() throws IOException {
        Path dir = realSweep(tmp.resolve("sw"));
        Path summary = dir.resolve("summary.csv");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(summary));
        lines.set(3, lines.get(3).replace(",0.8613", ",fast"));
        Files.write(summary, lines);
        assertThatThrownBy(() -> SweepResults.read(dir))
                .isInstanceOfSatisfying(SweepResults.FormatException.class, e -> {
                    assertThat(e.column()).isEqualTo("speedup");
                    assertThat(e.file()).isEqualTo(summary);
                })
                .hasMessageContaining("summary.csv line 4, column speedup: 'fast' is not a number");
    }

    @Test
    void aMissingColumnAndABrokenJsonAreNamed() throws IOException {
        Path dir = realSweep(tmp.resolve("sw"));
        Path summary = dir.resolve("summary.csv");
        String text = Files.readString(summary);
        Files.writeString(summary, text.replaceFirst("top1_agreement", "top1"));
        assertThatThrownBy(() -> SweepResults.read(dir)).hasMessageContaining("line 1, column top1_agreement: missing");
        Files.writeString(summary, text);
        Files.writeString(dir.resolve("sweep.json"), "{\"model\": ");
        assertThatThrownBy(() -> SweepResults.read(dir)).hasMessageContaining("sweep.json").hasMessageContaining("not valid JSON");
        // The summary alone is enough: the model is then the directory's name.
        Files.delete(dir.resolve("sweep.json"));
        assertThat(SweepResults.read(summary).model()).isEqualTo("sw");
    }

    @Test
    void csvCellsMayBeQuoted() {
        assertThat(SweepResults.split("a,\"b,c\",\"d\"\"e\",")).containsExactly("a", "b,c", "d\"e", "");
    }
}
