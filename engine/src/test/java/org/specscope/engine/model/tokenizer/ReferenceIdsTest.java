package org.specscope.engine.model.tokenizer;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.specscope.engine.model.tokenizer.TokenizerFixtures.Expected;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every fixture tokenizer encodes every case of cases.json to exactly the ids an independent
 * implementation (@huggingface/tokenizers, see src/test/js) produced, and decodes them to the
 * same text, except where js-disagreements.json documents that the JS library departs from
 * the Rust one; there the Rust behaviour is expected.
 */
class ReferenceIdsTest {

    @TestFactory
    Stream<DynamicTest> encodingMatchesTheReferenceIds() {
        return TokenizerFixtures.expected().stream().map(e -> DynamicTest.dynamicTest(
                e.tokenizer() + " encodes " + e.caseName(), () -> {
                    Tokenizer tokenizer = TokenizerFixtures.load(e.tokenizer());
                    String text = TokenizerFixtures.caseText(e.caseName());
                    assertThat(tokenizer.encode(text)).as("with specials").containsExactly(e.ids());
                    assertThat(tokenizer.encodeWithoutSpecials(text)).as("without specials").containsExactly(e.idsWithoutSpecials());
                }));
    }

    @TestFactory
    Stream<DynamicTest> tokenTextsMatchTheReferenceTokens() {
        return TokenizerFixtures.expected().stream().map(e -> DynamicTest.dynamicTest(
                e.tokenizer() + " spells " + e.caseName(), () -> {
                    Tokenizer tokenizer = TokenizerFixtures.load(e.tokenizer());
                    List<String> texts = Arrays.stream(e.idsWithoutSpecials()).mapToObj(tokenizer::tokenText).toList();
                    assertThat(texts).isEqualTo(e.tokens());
                }));
    }

    @TestFactory
    Stream<DynamicTest> decodingMatchesTheReferenceText() {
        return TokenizerFixtures.expected().stream().map(e -> DynamicTest.dynamicTest(
                e.tokenizer() + " decodes " + e.caseName(), () -> {
                    Tokenizer tokenizer = TokenizerFixtures.load(e.tokenizer());
                    assertThat(tokenizer.decode(e.ids())).isEqualTo(expectedText(e, "decoded", e.decoded()));
                    assertThat(tokenizer.decode(e.ids(), false))
                            .isEqualTo(expectedText(e, "decodedWithSpecials", e.decodedWithSpecials()));
                }));
    }

    private static String expectedText(Expected e, String field, String jsValue) {
        Optional<TokenizerFixtures.Disagreement> d = TokenizerFixtures.disagreement(e.tokenizer(), e.caseName(), field);
        if (d.isEmpty()) {
            return jsValue;
        }
        assertThat(jsValue).as("expected.json still holds the documented JS value").isEqualTo(d.get().js());
        return d.get().rust();
    }
}
