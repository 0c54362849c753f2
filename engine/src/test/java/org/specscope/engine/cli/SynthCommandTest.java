package org.specscope.engine.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.model.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code synth} on the command line: prints the shape and progress, writes a loadable model, refuses bad input in one line. */
class SynthCommandTest {

    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private String previousHome;

    @BeforeEach
    void pointAtTheProjectRoot() {
        previousHome = System.getProperty(ModelOptions.HOME_PROPERTY);
        System.setProperty(ModelOptions.HOME_PROPERTY, HOME.toString());
    }

    @AfterEach
    void restoreHome() {
        if (previousHome == null) {
            System.clearProperty(ModelOptions.HOME_PROPERTY);
        } else {
            System.setProperty(ModelOptions.HOME_PROPERTY, previousHome);
        }
    }

    private CliRun synth(Path out, String... more) {
        String[] base = {"synth", "--like", "olmoe-1b-7b", "--scale", "0.03", "--layers", "2", "--vocab", "4096",
                "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void writesALoadableModelPrintingItsShapeProgressAndSize() {
        Path out = tmp.resolve("olmoe-mini");
        CliRun r = synth(out, "--dtype", "f16", "--router", "zipf:1.2", "--seed", "3", "--shard-size", "1000000");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("OlmoeForCausalLM").contains("2 layers, hidden 128")
                .contains("16 experts, top-8").contains("active per token").contains("wrote " + out);
        assertThat(r.err()).contains("(100%)");
        try (var files = Files.list(out)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("model-0000"))).hasSizeGreaterThan(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(out.resolve("model.safetensors.index.json")).isRegularFile();
        try (Model model = Model.open(out)) {
            assertThat(model.config().hiddenSize()).isEqualTo(128);
            assertThat(model.weights().dtype().name()).isEqualTo("F16");
        }
    }

    @Test
    void refusesAnUnknownModelListingTheValidOnes() {
        CliRun r = CliRun.of("synth", "--like", "gpt-5", "--out", tmp.resolve("x").toString());
        assertBadInput(r, "gpt-5", "mixtral-8x7b, olmoe-1b-7b, qwen3-30b-a3b");
    }

    @Test
    void refusesAScaleOutsideZeroToOne() {
        for (String scale : new String[]{"1.5", "0", "-0.1"}) {
            assertBadInput(CliRun.of("synth", "--like", "qwen3-30b-a3b", "--scale", scale, "--out",
                    tmp.resolve("x").toString()), "--scale", "(0, 1]");
        }
    }

    @Test
    void refusesFewerThanOneLayer() {
        assertBadInput(CliRun.of("synth", "--like", "mixtral-8x7b", "--layers", "0", "--out",
                tmp.resolve("x").toString()), "--layers");
    }

    @Test
    void refusesABadRouter() {
        assertBadInput(synth(tmp.resolve("x"), "--router", "zipf:fast"), "--router", "zipf:S", "uniform");
    }

    @Test
    void refusesABadDtype() {
        assertBadInput(synth(tmp.resolve("x"), "--dtype", "int4"), "--dtype", "bf16, f16, f32");
    }

    @Test
    void refusesANonEmptyOutputDirectory() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(out.resolve("config.json"), "{}");
        assertBadInput(synth(out), out.toString(), "not empty", "another directory");
    }

    @Test
    void aWriteFailureNamesThePath() throws IOException {
        Path out = Files.writeString(tmp.resolve("file"), "x").resolve("model");
        assertBadInput(synth(out), out.toString());
    }

    private static void assertBadInput(CliRun r, String... fragments) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(r.err()).startsWith("error: ").contains(fragments).doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
    }
}
