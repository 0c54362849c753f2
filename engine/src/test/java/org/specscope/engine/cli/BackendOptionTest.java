package org.specscope.engine.cli;

import org.junit.jupiter.api.Test;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.cuda.CudaAvailability;
import org.specscope.engine.backend.cuda.CudaProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** --backend on the command line, as a user without (or with) a GPU sees it. */
class BackendOptionTest {

    static final String SAMPLE = SampleModelDirs.TARGET.toString();

    @Test
    void infoOnTheCpuNamesTheCpu() {
        CliRun r = CliRun.of("info", "--model", SAMPLE, "--backend", "cpu", "--threads", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^backend +CPU, 1 thread, \\d+-bit vectors$");
    }

    @Test
    void infoOnAutoWithoutAGpuSaysWhyTheCpuRuns() {
        CudaAvailability a = CudaProbe.system().availability();
        assumeFalse(a.isAvailable(), "this machine has a usable GPU (" + a.device() + "): the CPU-fallback text does not apply");
        CliRun r = CliRun.of("info", "--model", SAMPLE, "--threads", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("backend           CPU, 1 thread, ").contains("(CUDA unavailable: " + a.reason() + ")");
    }

    @Test
    void aForcedCudaWithoutAGpuIsBadInputWithTheReason() {
        CudaAvailability a = CudaProbe.system().availability();
        assumeFalse(a.isAvailable(), "this machine has a usable GPU (" + a.device() + ")");
        for (String command : new String[]{"info", "generate", "run"}) {
            CliRun r = command.equals("info") ? CliRun.of(command, "--model", SAMPLE, "--backend", "cuda")
                    : CliRun.of(command, "--model", SAMPLE, "--backend", "cuda", "--prompt", "hi", "--max-tokens", "2");
            assertThat(r.exitCode()).as(command).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
            assertThat(r.err()).as(command).contains("error: --backend cuda: CUDA is unavailable: " + a.reason());
        }
    }

    @Test
    void anUnknownBackendIsBadInput() {
        CliRun r = CliRun.of("info", "--model", SAMPLE, "--backend", "gpu");
        assertThat(r.exitCode()).isEqualTo(SpecScopeCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("--backend is auto, cpu or cuda, got 'gpu'");
    }

    @Test
    void everyModelCommandTakesTheOption() {
        for (String command : new String[]{"run", "generate", "info", "bench", "sweep", "logits"}) {
            CliRun r = CliRun.of(command, "--help");
            assertThat(r.out()).as(command).contains("--backend=auto|cpu|cuda");
        }
    }
}
