package org.specscope.engine.model.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.specscope.engine.model.tokenizer.TokenizerFixtures.BYTE_LEVEL;
import static org.specscope.engine.model.tokenizer.TokenizerFixtures.NEOX;
import static org.specscope.engine.model.tokenizer.TokenizerFixtures.SENTENCEPIECE;
import static org.specscope.engine.model.tokenizer.TokenizerFixtures.alteredCopy;
import static org.specscope.engine.model.tokenizer.TokenizerFixtures.load;

/** BOS/EOS come from the template or tokenizer_config.json; added tokens are found in any text. */
class SpecialTokensTest {

    @TempDir
    Path temp;

    @Test
    void sentencePieceAddsBosAndNoEosAsItsConfigSays() {
        Tokenizer sp = load(SENTENCEPIECE);
        int[] bare = sp.encodeWithoutSpecials("Hello");

        assertThat(sp.bosId()).hasValue(1);
        assertThat(sp.eosId()).hasValue(2);
        assertThat(sp.encode("Hello")).containsExactly(prepend(1, bare));
        assertThat(sp.encode("")).containsExactly(1);
        assertThat(sp.prefixSpecialIds()).containsExactly(1);
        assertThat(sp.suffixSpecialIds()).isEmpty();
    }

    @Test
    void qwenHasNoBosAndAddsNothing() {
        Tokenizer qwen = load(BYTE_LEVEL);

        assertThat(qwen.bosId()).isEmpty();
        assertThat(qwen.eosId()).isEqualTo(qwen.idOf("<|im_end|>"));
        assertThat(qwen.encode("Hello")).containsExactly(qwen.encodeWithoutSpecials("Hello"));
        assertThat(qwen.encode("")).isEmpty();
    }

    @Test
    void neoxAppendsEosAsItsTemplateAndConfigSay() {
        Tokenizer neox = load(NEOX);
        int eos = neox.idOf("<|endoftext|>").orElseThrow();

        assertThat(neox.eosId()).hasValue(eos);
        assertThat(neox.encode("Hello")).containsExactly(append(neox.encodeWithoutSpecials("Hello"), eos));
    }

    @Test
    void specialTokensInTheTextAreRecognisedEvenWithoutAddingSpecials() {
        Tokenizer qwen = load(BYTE_LEVEL);
        int start = qwen.idOf("<|im_start|>").orElseThrow();
        int end = qwen.idOf("<|im_end|>").orElseThrow();

        int[] ids = qwen.encodeWithoutSpecials("<|im_start|>user\nhi<|im_end|>");

        assertThat(ids[0]).isEqualTo(start);
        assertThat(ids[ids.length - 1]).isEqualTo(end);
        assertThat(Arrays.copyOfRange(ids, 1, ids.length - 1)).containsExactly(qwen.encode("user\nhi"));
        assertThat(qwen.isSpecial(start)).isTrue();
        assertThat(qwen.tokenText(start)).isEqualTo("<|im_start|>");
    }

    @Test
    void sentencePieceRecognisesItsSpecialTokensInline() {
        Tokenizer sp = load(SENTENCEPIECE);

        int[] ids = sp.encodeWithoutSpecials("<s>Hi</s>");

        assertThat(ids[0]).isEqualTo(1);
        assertThat(ids[ids.length - 1]).isEqualTo(2);
        assertThat(sp.decode(ids, false)).isEqualTo("<s> Hi</s>");
        assertThat(sp.decode(ids)).isEqualTo("Hi");
    }

    @Test
    void specialTokensAreLeftOutOfDecodedTextOnlyWhenAsked() {
        Tokenizer qwen = load(BYTE_LEVEL);
        int[] ids = qwen.encode("<|im_start|>user\nhi<|im_end|>");

        assertThat(qwen.decode(ids)).isEqualTo("user\nhi");
        assertThat(qwen.decode(ids, true)).isEqualTo("user\nhi");
        assertThat(qwen.decode(ids, false)).isEqualTo("<|im_start|>user\nhi<|im_end|>");
    }

    @Test
    void addedTokensThatAreNotSpecialSurviveSkipping() {
        Tokenizer neox = load(NEOX);
        int email = neox.idOf("|||EMAIL_ADDRESS|||").orElseThrow();

        int[] ids = neox.encodeWithoutSpecials("mail |||EMAIL_ADDRESS||| now");

        assertThat(ids).contains(email);
        assertThat(neox.isSpecial(email)).isFalse();
        assertThat(neox.decode(ids)).isEqualTo("mail |||EMAIL_ADDRESS||| now");
    }

    @Test
    void onlyAddedTokensFlaggedSpecialAreSpecial() {
        Tokenizer sp = load(SENTENCEPIECE);

        assertThat(sp.isSpecial(0)).isTrue();
        assertThat(sp.isSpecial(1)).isTrue();
        assertThat(sp.isSpecial(2)).isTrue();
        assertThat(sp.isSpecial(3)).as("<0x00>").isFalse();
        assertThat(sp.isSpecial(300)).isFalse();
        assertThat(sp.isSpecial(-1)).isFalse();
        assertThat(sp.isSpecial(100_000)).isFalse();
    }

    @Test
    void tokenizerConfigOverridesTheTemplate() {
        Path dir = alteredCopy(SENTENCEPIECE, temp.resolve("eos-only"), null, c -> {
            c.put("add_bos_token", false);
            c.put("add_eos_token", true);
        });
        Tokenizer tokenizer = Tokenizer.load(dir);

        assertThat(tokenizer.encode("Hi")).containsExactly(append(tokenizer.encodeWithoutSpecials("Hi"), 2));
    }

    @Test
    void aFlagTheConfigLeavesOutKeepsWhatTheTemplateDoes() {
        Path dir = alteredCopy(SENTENCEPIECE, temp.resolve("add-eos"), null, c -> {
            c.remove("add_bos_token");
            c.put("add_eos_token", true);
        });
        Tokenizer tokenizer = Tokenizer.load(dir);

        assertThat(tokenizer.encode("Hi")).containsExactly(append(prepend(1, tokenizer.encodeWithoutSpecials("Hi")), 2));
    }

    @Test
    void withoutAConfigTheTemplateDecidesAndNamesTheBos() throws IOException {
        Path dir = alteredCopy(SENTENCEPIECE, temp.resolve("no-config"), null, null);
        Files.delete(dir.resolve("tokenizer_config.json"));
        Tokenizer tokenizer = Tokenizer.load(dir);

        assertThat(tokenizer.encode("Hi")).containsExactly(prepend(1, tokenizer.encodeWithoutSpecials("Hi")));
        assertThat(tokenizer.bosId()).hasValue(1);
        assertThat(tokenizer.eosId()).isEmpty();
    }

    @Test
    void bosAndEosMayBeWrittenAsObjects() {
        Path dir = alteredCopy(SENTENCEPIECE, temp.resolve("objects"), null, c -> {
            c.putObject("bos_token").put("content", "<s>").put("lstrip", false);
            c.putObject("eos_token").put("content", "</s>");
        });
        Tokenizer tokenizer = Tokenizer.load(dir);

        assertThat(tokenizer.bosId()).hasValue(1);
        assertThat(tokenizer.eosId()).hasValue(2);
    }

    @Test
    void theLongestAddedTokenStartingAtAPlaceWins() {
        Path dir = alteredCopy(BYTE_LEVEL, temp.resolve("longest"), t -> addToken(t, 512, "<|im_start|>x", true, false, false, false), null);
        Tokenizer tokenizer = Tokenizer.load(dir);

        assertThat(tokenizer.encode("<|im_start|>xy")).containsExactly(prepend(512, tokenizer.encode("y")));
        assertThat(tokenizer.encode("<|im_start|>y")).containsExactly(prepend(510, tokenizer.encode("y")));
        assertThat(tokenizer.vocabSize()).isEqualTo(513);
    }

    @Test
    void aSingleWordTokenIsNotFoundInsideWords() {
        Path dir = alteredCopy(BYTE_LEVEL, temp.resolve("single-word"), t -> addToken(t, 512, "cat", false, true, false, false), null);
        Tokenizer tokenizer = Tokenizer.load(dir);

        assertThat(tokenizer.encode("a cat.")).contains(512);
        assertThat(tokenizer.encode("cat")).containsExactly(512);
        assertThat(tokenizer.encode("concatenate")).doesNotContain(512);
        assertThat(tokenizer.encode("cats")).doesNotContain(512);
    }

    @Test
    void stripFlagsSwallowTheWhiteSpaceBesideAToken() {
        Tokenizer neox = load(NEOX);
        int mask = neox.idOf("<|mask|>").orElseThrow();
        assertThat(neox.encodeWithoutSpecials("x \t <|mask|>")).containsExactly(append(neox.encodeWithoutSpecials("x"), mask));

        Path dir = alteredCopy(BYTE_LEVEL, temp.resolve("rstrip"), t -> addToken(t, 512, "<r>", false, false, false, true), null);
        Tokenizer tokenizer = Tokenizer.load(dir);
        assertThat(tokenizer.encode("<r>  \n y")).containsExactly(prepend(512, tokenizer.encode("y")));
    }

    @Test
    void aNormalizedAddedTokenIsMatchedInTheNormalisedText() {
        Path dir = alteredCopy(SENTENCEPIECE, temp.resolve("normalized"), t -> addToken(t, 512, "hello world", false, false, false, false), null);
        Tokenizer tokenizer = Tokenizer.load(dir);

        int[] ids = tokenizer.encodeWithoutSpecials("say hello world");

        assertThat(ids).containsExactly(append(tokenizer.encodeWithoutSpecials("say"), 512));
        assertThat(tokenizer.decode(ids)).as("decoded from its normalised spelling").isEqualTo("say hello world");
    }

    private static void addToken(ObjectNode tokenizer, int id, String content, boolean special, boolean singleWord,
                                 boolean lstrip, boolean rstrip) {
        ArrayNode added = (ArrayNode) tokenizer.get("added_tokens");
        added.addObject().put("id", id).put("content", content).put("single_word", singleWord)
                .put("lstrip", lstrip).put("rstrip", rstrip).put("normalized", !special).put("special", special);
    }

    private static int[] prepend(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private static int[] append(int[] ids, int last) {
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = last;
        return out;
    }
}
