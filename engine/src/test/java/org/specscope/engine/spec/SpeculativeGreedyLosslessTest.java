package org.specscope.engine.spec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.TestBackend;
import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.generate.GenerationListener;
import org.specscope.engine.generate.Generator;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.MoeProbe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Speculative greedy decoding (draft a tree, verify it in one target pass under a tree mask,
 * keep the accepted path's KV entries, continue from the bonus token) produces exactly the
 * target's autoregressive greedy tokens, whatever the drafter and the tree shape. The decoding
 * loop here is the specification's minimum; the production decoder lives elsewhere.
 */
class SpeculativeGreedyLosslessTest {

    private static final Path SAMPLES = SampleModelDirs.ROOT;
    private static final SamplingParams GREEDY = SamplingParams.greedy();

    private static final CpuBackend backend = TestBackend.CPU;

    // Random-weight tiny checkpoints share nothing, so a draft from another one is rejected at once
    // (the all-rejected path); a checkpoint drafting for itself, the trained sample pair and
    // prompt lookup on repetitive text get drafts accepted (compaction of longer paths).
    @ParameterizedTest(name = "{0} drafted by {1}, {2}")
    @CsvSource({
            "qwen3-moe-tiny,         qwen3-tiny,                chain 4,     false",
            "qwen3-moe-tiny,         qwen3-tiny,                tree 4x3/10, false",
            "mixtral-tiny,           llama-tiny,                tree 3x2/5,  false",
            "olmoe-tiny,             olmoe-tiny,                tree 5x3/12, true",
            "qwen3-tiny,             qwen3-tiny,                chain 6,     true",
            "qwen2-moe-tiny,         prompt lookup,             tree 4x2/6,  true",
            "specscope-moe-mini,     specscope-moe-mini-draft,  chain 5,     true",
            "specscope-moe-mini,     specscope-moe-mini-draft,  tree 6x4/24, true",
            "specscope-moe-mini,     prompt lookup,             tree 5x3/10, true"})
    void speculativeGreedyDecodingEmitsTheTargetsOwnGreedyTokens(String targetName, String drafterName, String shapeName,
                                                                 boolean draftsAccepted) throws IOException {
        TreeShape shape = parse(shapeName);
        boolean sample = targetName.startsWith("specscope");
        int maxTokens = sample ? 48 : 40;
        try (Model target = Model.open(locate(targetName)); ModelRunner targetRunner = backend.load(target)) {
            int[] prompt = sample ? samplePrompt(target) : GoldenCheckpoints.inputIds(targetName);
            int[] expected = new Generator(targetRunner, Set.of()).generate(prompt, maxTokens, GREEDY,
                    GenerationListener.NONE, MoeProbe.NONE).generatedIds();

            Run run;
            if (drafterName.equals("prompt lookup")) {
                run = speculativeGreedy(targetRunner, new PromptLookupDrafter(), shape, prompt, maxTokens);
            } else {
                try (Model draft = Model.open(locate(drafterName)); ModelRunner draftRunner = backend.load(draft)) {
                    ModelDrafter drafter = new ModelDrafter(draft, draftRunner, target.config().vocabSize(),
                            ModelDrafter.cacheCapacity(prompt.length + maxTokens + 1, shape));
                    run = speculativeGreedy(targetRunner, drafter, shape, prompt, maxTokens);
                }
            }

            assertThat(run.tokens()).containsExactly(expected);
            if (draftsAccepted) {
                assertThat(run.verifications()).as("drafts were accepted, so target passes were saved")
                        .isLessThan(maxTokens);
            }
        }
    }

    /** What a speculative run emitted, and how many target passes it took. */
    private record Run(int[] tokens, int verifications) {
    }

    private static Run speculativeGreedy(ModelRunner target, Drafter drafter, TreeShape shape, int[] prompt,
                                         int maxTokens) {
        KvCache cache = target.newKvCache(prompt.length + maxTokens + shape.totalNodes() + 1);
        if (prompt.length > 1) {
            // The prompt's last token is the first root: committed, but run with the first tree.
            target.forward(ForwardBatch.sequence(Arrays.copyOf(prompt, prompt.length - 1), 0,
                    ForwardBatch.LogitRows.LAST), cache);
        }
        List<Integer> context = new ArrayList<>(Arrays.stream(prompt).boxed().toList());
        List<Integer> out = new ArrayList<>();
        int verifications = 0;
        while (out.size() < maxTokens) {
            DraftTree tree = drafter.draft(context.stream().mapToInt(Integer::intValue).toArray(), shape, GREEDY,
                    new SplittableRandom(0));
            int prefix = cache.length();
            assertThat(prefix).as("the target caches everything but the root").isEqualTo(context.size() - 1);
            int[] positions = new int[tree.size()];
            for (int node = 0; node < tree.size(); node++) {
                positions[node] = prefix + tree.depth(node);
            }
            Logits logits = target.forward(new ForwardBatch(tree.tokens(), positions, AttentionMask.tree(tree.parents()),
                    ForwardBatch.LogitRows.ALL), cache);
            verifications++;
            Acceptance accepted = TreeVerifier.verify(tree, logits, GREEDY, null);
            int[] path = accepted.path();
            cache.compact(prefix, Arrays.stream(path).map(node -> prefix + node).toArray());
            for (int i = 1; i < path.length; i++) {
                out.add(tree.token(path[i]));
            }
            out.add(accepted.bonusToken());
            for (int i = 1; i < path.length; i++) {
                context.add(tree.token(path[i]));
            }
            context.add(accepted.bonusToken());
        }
        return new Run(out.stream().limit(maxTokens).mapToInt(Integer::intValue).toArray(), verifications);
    }

    private static Path locate(String name) {
        return name.startsWith("specscope") ? SAMPLES.resolve(name) : GoldenCheckpoints.checkpoint(name);
    }

    /** The first Java prompt of the samples: code repeats itself, which prompt lookup can use. */
    private static int[] samplePrompt(Model target) throws IOException {
        String first = Files.readString(SAMPLES.resolve("prompts/java.txt")).split("\n----\n")[0];
        return target.tokenizer().encode(first);
    }

    /** "chain 4", "tree 4x3/10". */
    private static TreeShape parse(String shape) {
        String[] words = shape.split(" ");
        if (words[0].equals("chain")) {
            return TreeShape.chain(Integer.parseInt(words[1]));
        }
        String[] dims = words[1].split("[x/]");
        return new TreeShape(Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]));
    }
}
