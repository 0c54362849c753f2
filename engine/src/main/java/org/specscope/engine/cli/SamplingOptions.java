package org.specscope.engine.cli;

import org.specscope.engine.generate.SamplingParams;
import picocli.CommandLine.Option;

/** How tokens are picked: temperature, top-k, top-p and the seed (generate, run, sweep). */
final class SamplingOptions {

    @Option(names = {"-t", "--temperature"}, defaultValue = "0", paramLabel = "T",
            description = "0 = greedy (default); higher samples more freely (speculative acceptance stays lossless).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "Sample among the K likeliest tokens (0 = all).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", paramLabel = "P", description = "Sample within nucleus mass P (1 = all).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the sampling random stream.")
    long seed;

    SamplingParams params() {
        return new SamplingParams(temperature, topK, topP, seed);
    }
}
