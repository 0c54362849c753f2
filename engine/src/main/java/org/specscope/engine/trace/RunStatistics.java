package org.specscope.engine.trace;

import java.util.List;
import java.util.TreeMap;

/**
 * The figures a run is summarised by, computed from its steps. Step 0 (the prefill) is left out
 * of every per-step figure: they describe speculative iterations.
 *
 * @param decodeSteps             speculative iterations
 * @param decodeTokens            tokens they emitted
 * @param decodeNanos             their time on the run's clock
 * @param meanAccepted            draft tokens accepted per iteration
 * @param meanTreeNodes           draft nodes verified per iteration
 * @param expertBytesPerStep      expert weight bytes read per verification pass
 * @param weightBytesPerToken     all weight bytes read per emitted token
 * @param meanKeptExperts         experts available per MoE layer per verification pass
 * @param distinctExpertsPerLayer per MoE layer, the mean number of distinct experts run per pass
 * @param distinctNaturalPerLayer per MoE layer, the mean number of distinct natural experts per pass
 * @param distinctOnPathPerLayer  per MoE layer, the mean distinct natural experts of the accepted path
 * @param quality                 summed budgeted-vs-full comparison, or null when not measured
 */
public record RunStatistics(int decodeSteps, int decodeTokens, long decodeNanos, double meanAccepted,
                            double meanTreeNodes, double expertBytesPerStep, double weightBytesPerToken,
                            double meanKeptExperts, List<Double> distinctExpertsPerLayer,
                            List<Double> distinctNaturalPerLayer, List<Double> distinctOnPathPerLayer,
                            VerificationQuality quality) {

    public RunStatistics {
        distinctExpertsPerLayer = List.copyOf(distinctExpertsPerLayer);
        distinctNaturalPerLayer = List.copyOf(distinctNaturalPerLayer);
        distinctOnPathPerLayer = List.copyOf(distinctOnPathPerLayer);
    }

    public static RunStatistics of(List<StepTrace> steps) {
        int n = 0;
        int tokens = 0;
        long nanos = 0;
        double accepted = 0;
        double nodes = 0;
        double expertBytes = 0;
        double weightBytes = 0;
        double kept = 0;
        int keptSamples = 0;
        TreeMap<Integer, double[]> perLayer = new TreeMap<>();   // layer -> {used, natural, path, count}
        VerificationQuality quality = null;
        for (StepTrace s : steps) {
            if (s.step() == 0) {
                continue;
            }
            n++;
            tokens += s.emittedIds().size();
            nanos += s.timings().totalNanos();
            accepted += s.acceptedDrafts();
            nodes += s.tree().size() - 1;
            expertBytes += s.expertBytes();
            weightBytes += s.weightBytes();
            for (LayerTrace l : s.layers()) {
                double[] acc = perLayer.computeIfAbsent(l.layer(), k -> new double[4]);
                acc[0] += l.distinctUsed();
                acc[1] += l.distinctNatural();
                acc[2] += l.distinctNatural(s.tree().acceptedPath());
                acc[3]++;
                kept += l.kept().size();
                keptSamples++;
            }
            if (s.quality() != null) {
                quality = quality == null ? s.quality() : quality.plus(s.quality());
            }
        }
        return new RunStatistics(n, tokens, nanos, n == 0 ? 0 : accepted / n, n == 0 ? 0 : nodes / n,
                n == 0 ? 0 : expertBytes / n, tokens == 0 ? 0 : weightBytes / tokens,
                keptSamples == 0 ? 0 : kept / keptSamples,
                perLayer.values().stream().map(a -> a[0] / a[3]).toList(),
                perLayer.values().stream().map(a -> a[1] / a[3]).toList(),
                perLayer.values().stream().map(a -> a[2] / a[3]).toList(), quality);
    }

    /** Tokens per second of the speculative iterations on the run's clock. */
    public double tokensPerSecond() {
        return decodeNanos == 0 ? 0 : decodeTokens / (decodeNanos / 1e9);
    }

    /** Tokens emitted per iteration (accepted drafts + the bonus token). */
    public double tokensPerStep() {
        return decodeSteps == 0 ? 0 : (double) decodeTokens / decodeSteps;
    }

    /** The mean over layers of {@link #distinctExpertsPerLayer}. */
    public double meanDistinctExperts() {
        return distinctExpertsPerLayer.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
}
