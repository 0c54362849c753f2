package org.specscope.engine.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoder steps release text as soon as later tokens can no longer change it. */
class DecodePipelineTest {

    @Test
    void aStripAfterFuseHoldsBackOnlyWhatItMightStillRemove() {
        DecodePipeline pipeline = new DecodePipeline(List.of(new DecoderStep.Fuse(), new DecoderStep.Strip(' ', 1, 2)));

        assertThat(stream(pipeline, " a ", " ", "b", "  ")).containsExactly("a", "", "  b", "", "");
        assertThat(String.join("", stream(pipeline, " a ", " ", "b", "   "))).isEqualTo("a  b ");
    }

    @Test
    void withoutFuseEachTokenIsStrippedOnItsOwn() {
        DecodePipeline pipeline = new DecodePipeline(List.of(new DecoderStep.Strip('_', 1, 1)));

        assertThat(stream(pipeline, "_a_", "__b__")).containsExactly("a", "_b_", "");
    }

    @Test
    void withoutADecoderTokensAreJoinedBySpaces() {
        DecodePipeline pipeline = new DecodePipeline(List.of(new DecoderStep.JoinWithSpaces()));

        assertThat(String.join("", stream(pipeline, "a", "b", "c"))).isEqualTo("a b c");
    }

    private static List<String> stream(DecodePipeline pipeline, String... tokens) {
        DecodePipeline.Run run = pipeline.start();
        List<String> pieces = new ArrayList<>();
        for (String t : tokens) {
            run.push(t);
            pieces.add(run.take());
        }
        run.finish();
        pieces.add(run.take());
        return pieces;
    }
}
