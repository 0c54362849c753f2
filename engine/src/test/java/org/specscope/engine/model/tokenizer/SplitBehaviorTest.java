package org.specscope.engine.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The five split behaviours and the Digits pre-tokenizer cut text as the Rust library documents. */
class SplitBehaviorTest {

    private static final String TEXT = "the-final--countdown";

    @Test
    void delimitersAreDroppedKeptAloneOrJoinedToANeighbour() {
        assertThat(split(SplitBehavior.REMOVED, false)).containsExactly("the", "final", "countdown");
        assertThat(split(SplitBehavior.ISOLATED, false)).containsExactly("the", "-", "final", "-", "-", "countdown");
        assertThat(split(SplitBehavior.MERGED_WITH_PREVIOUS, false)).containsExactly("the-", "final-", "-", "countdown");
        assertThat(split(SplitBehavior.MERGED_WITH_NEXT, false)).containsExactly("the", "-final", "-", "-countdown");
        assertThat(split(SplitBehavior.CONTIGUOUS, false)).containsExactly("the", "-", "final", "--", "countdown");
    }

    @Test
    void invertingMakesTheMatchesTheContent() {
        assertThat(split(SplitBehavior.REMOVED, true)).containsExactly("-", "-", "-");
    }

    @Test
    void digitsStandAloneOrInRuns() {
        assertThat(words(new PreTokenizer.Digits(true), "ab12c٣")).containsExactly("ab", "1", "2", "c", "٣");
        assertThat(words(new PreTokenizer.Digits(false), "ab12c٣")).containsExactly("ab", "12", "c", "٣");
    }

    @Test
    void aSplitPreTokenizerKeepsTheStartOfInputMarkOnlyOnItsFirstPiece() {
        List<TextPiece> pieces = new ArrayList<>();
        new PreTokenizer.Split(Pattern.compile("-", Pattern.LITERAL), SplitBehavior.ISOLATED, false)
                .split(new TextPiece("a-b", true), pieces::add);

        assertThat(pieces).containsExactly(new TextPiece("a", true), new TextPiece("-", false), new TextPiece("b", false));
    }

    private static List<String> split(SplitBehavior behavior, boolean invert) {
        List<int[]> matches = PreTokenizer.findAll(Pattern.compile("-"), TEXT);
        return behavior.split(TEXT.length(), matches, invert).stream().map(p -> TEXT.substring(p[0], p[1])).toList();
    }

    private static List<String> words(PreTokenizer preTokenizer, String text) {
        List<String> words = new ArrayList<>();
        preTokenizer.split(new TextPiece(text, true), p -> words.add(p.text()));
        return words;
    }
}
