package org.specscope.engine.session;

import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.control.CascadeConfig;
import org.specscope.engine.control.Clock;
import org.specscope.engine.model.LoadCancelledException;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;
import org.specscope.engine.spec.Drafter;
import org.specscope.engine.spec.ModelDrafter;
import org.specscope.engine.spec.PassCostModel;
import org.specscope.engine.spec.PromptLookupDrafter;
import org.specscope.engine.spec.SpeculativeDecoder;
import org.specscope.engine.trace.IntSeq;
import org.specscope.engine.trace.RunHeader;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A target model (and optionally a draft model) loaded on a backend, ready to start any number
 * of speculative generations: the piece the command line and the app share.
 */
public final class DecodingSetup implements AutoCloseable {

    /** Where draft trees come from. */
    public enum DrafterKind { DRAFT_MODEL, PROMPT_LOOKUP }

    private final Backend backend;
    private final Model target;
    private final ModelRunner targetRunner;
    private final PassCostModel targetCost;
    private final Model draft;
    private final ModelRunner draftRunner;

    /**
     * Opens the target and, when given, the draft model on {@code backend} (which the setup
     * then owns). The draft must share the target's vocabulary.
     */
    public static DecodingSetup open(Backend backend, Path targetDir, Optional<Path> draftDir) {
        return open(backend, targetDir, draftDir, LoadMonitor.NONE);
    }

    /**
     * {@link #open(Backend, Path, Optional)}, telling {@code monitor} each stage (the draft's
     * prefixed "draft: "). Once the monitor is cancelled the open stops at the next unit of work
     * with a {@link LoadCancelledException}; what it had opened, the backend included, is closed.
     */
    public static DecodingSetup open(Backend backend, Path targetDir, Optional<Path> draftDir, LoadMonitor monitor) {
        Model target = null;
        Model draft = null;
        ModelRunner targetRunner = null;
        ModelRunner draftRunner = null;
        try {
            target = Model.open(targetDir, monitor);
            if (draftDir.isPresent()) {
                draft = Model.open(draftDir.get(), monitor.labelled("draft: "));
                int tv = target.tokenizer().vocabSize();
                int dv = draft.tokenizer().vocabSize();
                // Verification compares the two models' next-token distributions token by token.
                if (tv != dv || draft.config().vocabSize() != target.config().vocabSize()) {
                    throw new IllegalArgumentException("the draft model " + draftDir.get() + " has a " + dv
                            + "-token tokenizer and vocab_size " + draft.config().vocabSize() + " but the target "
                            + targetDir + " has a " + tv + "-token tokenizer and vocab_size "
                            + target.config().vocabSize() + ": a draft model must share the target's tokenizer and"
                            + " vocabulary");
                }
            }
            int models = draft == null ? 1 : 2;
            monitor.step("preparing the model for " + backend.name(), 0, models);
            targetRunner = backend.load(target, monitor);
            if (draft != null) {
                monitor.step("preparing the draft model for " + backend.name(), 1, models);
                draftRunner = backend.load(draft, monitor.labelled("draft: "));
            }
            PassCostModel cost = new PassCostModel(target.config(), target.weights());
            monitor.step("ready", models, models);
            return new DecodingSetup(backend, target, targetRunner, cost, draft, draftRunner);
        } catch (RuntimeException e) {
            closeAll(e, draftRunner, targetRunner, draft, target, backend);
            throw monitor.cancellationOr(e);
        }
    }

    /** Closes each in turn after {@code failure}; a close that fails too is added to it, not thrown. */
    private static void closeAll(RuntimeException failure, AutoCloseable... opened) {
        for (AutoCloseable c : opened) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    private DecodingSetup(Backend backend, Model target, ModelRunner targetRunner, PassCostModel targetCost,
                          Model draft, ModelRunner draftRunner) {
        this.backend = backend;
        this.target = target;
        this.targetRunner = targetRunner;
        this.targetCost = targetCost;
        this.draft = draft;
        this.draftRunner = draftRunner;
    }

    public Model target() {
        return target;
    }

    public Optional<Model> draft() {
        return Optional.ofNullable(draft);
    }

    public Backend backend() {
        return backend;
    }

    public ModelRunner targetRunner() {
        return targetRunner;
    }

    public PassCostModel targetCost() {
        return targetCost;
    }

    /** The drafter a run gets by default: the draft model when there is one, else prompt lookup. */
    public DrafterKind defaultDrafter() {
        return draft != null ? DrafterKind.DRAFT_MODEL : DrafterKind.PROMPT_LOOKUP;
    }

    /** A fresh drafter for one generation of at most {@code maxTokens} after a {@code promptLength}-token prompt. */
    public Drafter newDrafter(DrafterKind kind, int promptLength, int maxTokens) {
        return switch (kind) {
            case PROMPT_LOOKUP -> new PromptLookupDrafter();
            case DRAFT_MODEL -> {
                if (draft == null) {
                    throw new IllegalArgumentException("no draft model is loaded: pass --draft DIR or use prompt lookup");
                }
                // Room for the context, the largest tree the decoder verifies, and a tree's cached frontiers.
                int capacity = (int) Math.min(draft.config().maxPositionEmbeddings() + (long) SpeculativeDecoder.MAX_TREE_NODES,
                        (long) promptLength + maxTokens + SpeculativeDecoder.MAX_TREE_NODES * 2L);
                yield new ModelDrafter(draft, draftRunner, target.config().vocabSize(), capacity);
            }
        };
    }

    /** A decoder for one generation. */
    public SpeculativeDecoder newDecoder(Drafter drafter, Clock clock, CascadeConfig cascade) {
        return new SpeculativeDecoder(targetRunner, targetCost, drafter, target.tokenizer(), target.eosTokenIds(),
                clock, cascade);
    }

    /** The header of a trace of one generation. */
    public RunHeader header(Drafter drafter, Clock clock, int[] promptIds, String prompt, Settings settings) {
        var moe = target.config().moe();
        long expertBytes = moe.flatMap(m -> IntStream.range(0, target.config().numLayers())
                .filter(m::isSparseLayer).boxed().findFirst()).map(targetCost::expertBytes).orElse(0L);
        return new RunHeader(RunHeader.SCHEMA, target.directory().getFileName().toString(),
                target.config().architecture().className(), target.config().numLayers(),
                moe.map(m -> m.numExperts()).orElse(0), moe.map(m -> m.expertsPerToken()).orElse(0),
                moe.map(m -> m.normalizeTopK()).orElse(false), expertBytes, drafter.name(), backend.description(),
                clock.describe(), IntSeq.of(promptIds), prompt, settings, Instant.now().toString());
    }

    @Override
    public void close() {
        targetRunner.close();
        if (draftRunner != null) {
            draftRunner.close();
        }
        target.close();
        if (draft != null) {
            draft.close();
        }
        backend.close();
    }
}
