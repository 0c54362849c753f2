package org.specscope.engine.model.tokenizer;

import org.specscope.engine.model.tokenizer.DecodeStage.Chunk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The whole decoder of a tokenizer: its steps in order. Full and streamed decoding both go
 * through a {@link Run}, so they agree by construction.
 */
final class DecodePipeline {

    private final List<DecoderStep> steps;

    DecodePipeline(List<DecoderStep> steps) {
        this.steps = List.copyOf(steps);
    }

    List<DecoderStep> steps() {
        return steps;
    }

    Run start() {
        return new Run(steps);
    }

    /** One decode in progress: push token texts, take the text completed so far, finish at the end. */
    static final class Run {
        private final DecodeStage[] stages;
        private final List<Consumer<Chunk>> inputs;
        private final StringBuilder output = new StringBuilder();

        private Run(List<DecoderStep> steps) {
            stages = new DecodeStage[steps.size()];
            for (int i = 0; i < stages.length; i++) {
                stages[i] = steps.get(i).newStage();
            }
            // inputs.get(i) feeds stage i; the last one collects the output.
            List<Consumer<Chunk>> links = new ArrayList<>(Collections.nCopies(stages.length + 1, null));
            links.set(stages.length, chunk -> output.append(chunk.text()));
            for (int i = stages.length - 1; i >= 0; i--) {
                DecodeStage stage = stages[i];
                Consumer<Chunk> next = links.get(i + 1);
                links.set(i, chunk -> stage.accept(chunk, next));
            }
            inputs = List.copyOf(links);
        }

        void push(String token) {
            inputs.getFirst().accept(Chunk.whole(token));
        }

        void finish() {
            for (int i = 0; i < stages.length; i++) {
                stages[i].finish(inputs.get(i + 1));
            }
        }

        /** The text completed since the last call. */
        String take() {
            String text = output.toString();
            output.setLength(0);
            return text;
        }
    }
}
