package org.specscope.engine.cli;

import picocli.CommandLine.Option;

/** What to continue and for how long (generate, run). */
final class PromptOptions {

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt text.")
    String prompt;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "128", paramLabel = "N",
            description = "Stop after N generated tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;
}
