package org.specscope.engine.cli;

import org.specscope.engine.model.ModelFormatException;
import org.specscope.engine.trace.TraceFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The headless command line: {@code ./specscope generate|run|sweep|logits|info|synth|bench|export ...}. */
@Command(name = "specscope", mixinStandardHelpOptions = true, version = "SpecScope 0.1.0",
        description = "Runs Mixture-of-Experts language models and shows what speculative decoding does inside them.",
        subcommands = {GenerateCommand.class, RunCommand.class, SweepCommand.class, LogitsCommand.class, InfoCommand.class, SynthCommand.class, BenchCommand.class, ExportCommand.class, CommandLine.HelpCommand.class})
public final class SpecScopeCli implements Runnable {

    /** Exit status for bad input: a model, prompt or option the user can fix. */
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new SpecScopeCli());
        cli.setExecutionExceptionHandler(SpecScopeCli::reportFailure);
        return cli;
    }

    /**
     * One clear line for the failures a user can fix, a stack trace only for our own bugs: the
     * execution exception handler of every SpecScope command line (the app's {@code figure} too).
     */
    public static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof ModelFormatException || cause instanceof TraceFormatException
                || cause instanceof IllegalArgumentException
                || cause instanceof IllegalStateException || cause instanceof IOException) {
            err.println("error: " + cause.getMessage());
            err.flush();
            return EXIT_BAD_INPUT;
        }
        err.println("error: unexpected failure, please report it:");
        e.printStackTrace(err);
        err.flush();
        return 1;
    }
}
