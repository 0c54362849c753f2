package org.specscope.engine.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.cuda.CudaDevice;
import org.specscope.engine.backend.cuda.CudaTestDevice;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `run --backend cuda` emits, token for token, what `run --backend cpu` emits: the speculative
 * decoder, its draft model and the budgeted verification all on the device, steps and KV
 * compaction over a whole generation; `generate` too, greedy and sampled. Skipped without a CUDA device; the build's second test
 * run drives it against the CUDA emulator (see {@link CudaTestDevice}).
 */
class RunOnCudaTest {

    static final String SAMPLE = SampleModelDirs.TARGET.toString();
    static final String DRAFT = SampleModelDirs.DRAFT.toString();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static CudaDevice device;

    @BeforeAll
    static void device() {
        device = CudaTestDevice.usable();
    }

    @Test
    void infoNamesTheDevice() {
        CliRun r = CliRun.of("info", "--model", SAMPLE, "--backend", "cuda");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^backend +CUDA, " + java.util.regex.Pattern.quote(device.name()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "draft tree, unbudgeted         | --draft DRAFT --tree 4,3,10",
            "draft chain, B = 16 substitute | --draft DRAFT --chain 3 --budget 16 --policy substitute",
            "prompt lookup, B = 8 truncate  | --drafter lookup --tree 3,2,6 --budget 8 --policy truncate"})
    void theDeviceEmitsTheCpusTokens(String name, String options) {
        JsonNode cpu = run("cpu", options);
        JsonNode cuda = run("cuda", options);
        assertThat(ids(cuda)).as(name).isNotEmpty().containsExactlyElementsOf(ids(cpu));
        assertThat(cuda.get("text").asString()).isEqualTo(cpu.get("text").asString());
        assertThat(cuda.get("mean_accepted").asDouble()).isEqualTo(cpu.get("mean_accepted").asDouble());
    }

    /** Plain generation draws each token on the device (argmax, or sampling from the seeded stream's u). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "greedy                    | -t 0",
            "T 0.8, top-k 40, top-p 0.9 | -t 0.8 --top-k 40 --top-p 0.9 --seed 7",
            "T 1.5, whole vocabulary    | -t 1.5 --seed 3"})
    void plainGenerationDrawsTheCpusTokensOnTheDevice(String name, String options) {
        JsonNode cpu = generate("cpu", options);
        JsonNode cuda = generate("cuda", options);
        assertThat(ids(cuda)).as(name).isNotEmpty().containsExactlyElementsOf(ids(cpu));
    }

    /**
     * `bench --kernel-profile` times each kernel of a decode step and of the tree's verifications:
     * a decode step launches the embedding once and attention once per layer.
     */
    @Test
    void benchProfilesEveryKernelOfADecodeStepAndOfTheTreePasses() throws java.io.IOException {
        CliRun r = CliRun.of("bench", "--model", SAMPLE, "--backend", "cuda", "--tokens", "2", "--batch", "1",
                "--repeats", "1", "--warmup", "1", "--context", "4", "--bandwidth-bytes", "65536",
                "--device-bandwidth-bytes", "1048576", "--tree", "6", "--tree-depth", "2", "--tree-top-k", "3",
                "--kernel-profile", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode profiles = JSON.readTree(r.out()).get("kernel_profile");
        assertThat(profiles).hasSize(3);
        JsonNode decode = profiles.get(0);
        assertThat(decode.get("pass").asString()).isEqualTo("decode step");
        assertThat(decode.get("passes").asInt()).isEqualTo(2);
        int layers = JSON.readTree(java.nio.file.Files.readString(java.nio.file.Path.of(SAMPLE, "config.json")))
                .get("num_hidden_layers").asInt();
        assertThat(launchesPerPass(decode, "attention")).isEqualTo(layers);
        assertThat(launchesPerPass(decode, "embed_bf16")).isEqualTo(1);
        assertThat(decode.get("kernel_us_per_pass").asDouble()).isPositive();
        assertThat(profiles.get(1).get("pass").asString()).isEqualTo("6-node tree, unbudgeted");
        assertThat(launchesPerPass(profiles.get(2), "expert_budget")).as("the budgeted tree's budget kernel, per layer")
                .isEqualTo(layers);
        assertThat(profiles.get(1).findValuesAsString("kernel")).doesNotContain("expert_budget");
    }

    private static double launchesPerPass(JsonNode profile, String kernel) {
        for (JsonNode k : profile.get("kernels")) {
            if (k.get("kernel").asString().equals(kernel)) {
                return k.get("launches_per_pass").asDouble();
            }
        }
        throw new AssertionError(kernel + " not in " + profile);
    }

    private static JsonNode generate(String backend, String options) {
        return cli("generate", "It was a truth universally acknowledged", 24, backend, options);
    }

    private static JsonNode run(String backend, String options) {
        return cli("run", "public static int fibonacci(int n) {\n", 20, backend, options);
    }

    /** {@code command --json} on the sample model with {@code options} (DRAFT: the sample draft model). */
    private static JsonNode cli(String command, String prompt, int maxTokens, String backend, String options) {
        List<String> args = new ArrayList<>(List.of(command, "--model", SAMPLE, "--backend", backend, "--prompt", prompt,
                "--max-tokens", String.valueOf(maxTokens), "--json"));
        for (String option : options.strip().split(" +")) {
            args.add(option.equals("DRAFT") ? DRAFT : option);
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as("%s: %s", backend, r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private static List<Integer> ids(JsonNode run) {
        List<Integer> ids = new ArrayList<>();
        run.get("ids").forEach(n -> ids.add(n.asInt()));
        return ids;
    }
}
