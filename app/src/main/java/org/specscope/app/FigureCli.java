package org.specscope.app;

import org.specscope.engine.cli.SpecScopeCli;
import picocli.CommandLine;

/**
 * The entry point of {@code ./specscope figure}: figures from a saved trace, headless (no JavaFX
 * toolkit, no display; Java2D runs headless).
 */
public final class FigureCli {

    private FigureCli() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command, also used by tests to run it in-process; failures reported as the engine's commands report them. */
    static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new FigureCommand());
        cli.setExecutionExceptionHandler(SpecScopeCli::reportFailure);
        return cli;
    }
}
