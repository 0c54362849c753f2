package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.stage.Stage;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.Themes;

/**
 * How long one redraw of a view costs, headless (Monocle, software pipeline), against the 8 ms a
 * redraw may take to leave a 60 Hz pulse room for everything else. Not a test: a main.
 *
 * <p>Each round asks the view for a redraw (a new selection or theme), then measures, on the FX
 * thread, (1) the pulse's animation phase in which the view's {@link PulseRedraw} runs its draw
 * (model work and canvas command recording), bracketed by two animation timers started before and
 * after the request, and (2) a snapshot of the view's canvas right after, which rasterises the
 * recorded commands in software (plus reading the pixels back: an upper bound on the raster cost).
 * Each round then snapshots the unchanged canvas once more, which measures what a snapshot costs
 * by itself (compositing the canvas and reading it back, which a frame on screen does not do);
 * the targets are judged on the median over rounds of draw + raster less that round's overhead,
 * the frame's cost, with the upper bound printed beside it.
 */
public final class RenderBenchmark {

    static final int WARMUP = 40;
    static final int ROUNDS = 200;
    static final double TARGET_MS = 8;

    private RenderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        headless();
        startToolkit();
        run().forEach(System.out::println);
        Platform.exit();
    }

    /** Starts the JavaFX toolkit, or joins it when it runs already, and keeps it up between stages. */
    static void startToolkit() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        try {
            Platform.startup(started::countDown);
        } catch (IllegalStateException alreadyRunning) {
            started.countDown();
        }
        started.await(10, TimeUnit.SECONDS);
        Platform.setImplicitExit(false);
    }

    /** The Monocle headless settings the surefire configuration uses, set before the toolkit starts. */
    static void headless() {
        System.setProperty("testfx.robot", "glass");
        System.setProperty("testfx.headless", "true");
        System.setProperty("glass.platform", "Monocle");
        System.setProperty("monocle.platform", "Headless");
        System.setProperty("prism.order", "sw");
        System.setProperty("java.awt.headless", "true");
    }

    /** One line per measurement; the toolkit must be running. */
    static List<String> run() throws Exception {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%s, %d rounds after %d warm-up, target %.0f ms per redraw",
                System.getProperty("java.vm.name") + " " + Runtime.version(), ROUNDS, WARMUP, TARGET_MS));
        List<StepTrace> big = new SyntheticRun(48, 128, 8, 64, 32, 42).steps(8);

        ExpertHeatmapView heatmap = new ExpertHeatmapView();
        Stage heatStage = show(heatmap, 1200, 700);
        feed(heatmap, big);
        Canvas heatCanvas = canvasOf(heatmap);
        out.add(line("snapshot of an unchanged 1200x700 canvas (baseline)", measure(i -> { }, heatCanvas)));
        double[][] heatSwitch = measure(i -> heatmap.select(6 + i % 2), heatCanvas);
        out.add(line("ExpertHeatmapView 48x128, step switch (recompute + draw)", heatSwitch));
        out.add(line("ExpertHeatmapView 48x128, window 8 step switch",
                measure(i -> {
                    heatmap.windowProperty().set(8);
                    heatmap.select(6 + i % 2);
                }, heatCanvas)));
        double[][] heatRedraw = measure(i -> heatmap.themeProperty().set(i % 2 == 0 ? Themes.DARK : Themes.LIGHT),
                heatCanvas);
        out.add(line("ExpertHeatmapView 48x128, redraw only (theme)", heatRedraw));
        hide(heatStage);

        DraftTreeView tree = new DraftTreeView();
        Stage treeStage = show(tree, 1200, 700);
        feed(tree, big);
        Canvas treeCanvas = canvasOf(tree);
        double[][] treeSwitch = measure(i -> tree.select(i % 2), treeCanvas);
        out.add(line("DraftTreeView 64 nodes, step switch", treeSwitch));
        out.add(String.format(Locale.ROOT, "  (the tree's canvas: %.0f x %.0f in a 1200 x 700 view)", onFx(treeCanvas::getWidth),
                onFx(treeCanvas::getHeight)));
        hide(treeStage);

        UsageDistributionView usage = new UsageDistributionView();
        Stage usageStage = show(usage, 1200, 700);
        feed(usage, big);
        Canvas usageCanvas = canvasOf(usage);
        out.add(line("UsageDistributionView 48x128 pooled, layer switch",
                measure(i -> usage.layerProperty().set(i % 2 == 0 ? -1 : 3), usageCanvas)));
        hide(usageStage);

        // the target, on the median frame (the usage view is reported, not targeted)
        out.add(String.format(Locale.ROOT, "TARGET median frame < %.0f ms per redraw (frame = draw + raster less the "
                + "round's own snapshot of the unchanged canvas; the upper bound keeps it):", TARGET_MS));
        out.add(verdict("heatmap 48x128 redraw", heatRedraw));
        out.add(verdict("heatmap 48x128 step switch", heatSwitch));
        out.add(verdict("draft tree 64 nodes step switch", treeSwitch));
        return out;
    }

    private static Stage show(TraceView view, double w, double h) throws Exception {
        return onFx(() -> {
            Stage stage = new Stage();
            Scene scene = new Scene((Parent) view.node(), w, h);
            scene.getStylesheets().add(Themes.LIGHT.stylesheet());
            stage.setScene(scene);
            stage.show();
            return stage;
        });
    }

    private static void hide(Stage stage) throws Exception {
        onFx(() -> {
            stage.hide();
            return null;
        });
    }

    private static void feed(TraceView view, List<StepTrace> steps) throws Exception {
        onFx(() -> {
            view.start(Traces.header());
            steps.forEach(view::append);
            return null;
        });
        Thread.sleep(300); // a few pulses: laid out and drawn once
    }

    private static Canvas canvasOf(TraceView view) throws Exception {
        return onFx(() -> (Canvas) view.node().lookupAll("Canvas").stream()
                .filter(n -> ((Canvas) n).getWidth() > 200).findFirst().orElseThrow());
    }

    /** Median and P90 of the draw phase and of draw + raster, in ms. */
    private static double[][] measure(IntConsumer request, Canvas canvas) throws Exception {
        double[] draw = new double[ROUNDS];
        double[] total = new double[ROUNDS];
        double[] frame = new double[ROUNDS];
        for (int round = 0; round < WARMUP + ROUNDS; round++) {
            int i = round;
            CompletableFuture<long[]> done = new CompletableFuture<>();
            long[] t = new long[4];
            Platform.runLater(() -> {
                AnimationTimer before = new AnimationTimer() {
                    @Override
                    public void handle(long now) {
                        stop();
                        t[0] = System.nanoTime();
                    }
                };
                AnimationTimer after = new AnimationTimer() {
                    @Override
                    public void handle(long now) {
                        stop();
                        t[1] = System.nanoTime();
                        canvas.snapshot(null, null);
                        t[2] = System.nanoTime();
                        canvas.snapshot(null, null);   // unchanged now: what a snapshot costs by itself
                        t[3] = System.nanoTime();
                        done.complete(t);
                    }
                };
                before.start();
                request.accept(i); // starts the view's redraw timer between the two
                after.start();
            });
            long[] r = done.get(10, TimeUnit.SECONDS);
            if (round >= WARMUP) {
                draw[round - WARMUP] = (r[1] - r[0]) / 1e6;
                total[round - WARMUP] = (r[2] - r[0]) / 1e6;
                // this round's own snapshot overhead, not one measured elsewhere: the machine's
                // load moves both alike
                frame[round - WARMUP] = Math.max((r[1] - r[0]) / 1e6, (r[2] - r[0] - (r[3] - r[2])) / 1e6);
            }
        }
        return new double[][] {quantiles(draw), quantiles(total), quantiles(frame)};
    }

    private static double[] quantiles(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return new double[] {s[s.length / 2], s[(int) (s.length * 0.9)]};
    }

    private static String line(String what, double[][] m) {
        return String.format(Locale.ROOT, "%-52s draw median %6.2f ms (p90 %6.2f) | draw+raster median %6.2f ms "
                        + "(p90 %6.2f) | %s", what, m[0][0], m[0][1], m[1][0], m[1][1],
                m[1][0] <= TARGET_MS ? "within 8 ms" : "OVER 8 ms");
    }

    private static String verdict(String what, double[][] m) {
        double frame = m[2][0];
        return String.format(Locale.ROOT, "  %-34s frame %6.2f ms (upper bound %6.2f)  %s", what, frame, m[1][0],
                frame < TARGET_MS ? "MET (< " + (int) TARGET_MS + " ms)" : "MISSED (>= " + (int) TARGET_MS + " ms)");
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }
}
