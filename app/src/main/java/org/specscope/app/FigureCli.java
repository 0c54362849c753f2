package org.specscope.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.specscope.engine.trace.TraceFormatException;
import picocli.CommandLine;

/**
 * The entry point of {@code ./specscope figure}: figures from a saved trace, headless (no JavaFX
 * toolkit, no display; Java2D runs headless).
 */
public final class FigureCli {

    /** Exit status for bad input: a trace, view or option the user can fix. */
    static final int EXIT_BAD_INPUT = 2;

    private FigureCli() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command, also used by tests to run it in-process. */
    static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new FigureCommand());
        cli.setExecutionExceptionHandler(FigureCli::reportFailure);
        return cli;
    }

    /** One line for what the user can fix, a stack trace only for our own bugs. */
    private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof TraceFormatException || cause instanceof IllegalArgumentException
                || cause instanceof IOException) {
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
