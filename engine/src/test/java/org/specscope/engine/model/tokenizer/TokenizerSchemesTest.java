package org.specscope.engine.model.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.specscope.engine.model.tokenizer.TokenizerFixtures.METASPACE;
import static org.specscope.engine.model.tokenizer.TokenizerFixtures.NEOX;
import static org.specscope.engine.model.tokenizer.TokenizerFixtures.SENTENCEPIECE;
import static org.specscope.engine.model.tokenizer.TokenizerFixtures.alteredCopy;
import static org.specscope.engine.model.tokenizer.TokenizerFixtures.load;

/**
 * Configurations the fixtures do not exercise, each checked against the Rust tokenizers'
 * documented behaviour: Metaspace options, the Metaspace decoder on its own, ByteLevel's
 * prefix space, unknown-token handling, subword affixes and merge order.
 */
class TokenizerSchemesTest {

    @TempDir
    Path temp;

    @Test
    void metaspaceWithSplitCutsBeforeEveryReplacementCharacter() {
        Tokenizer unsplit = load(METASPACE);
        Tokenizer split = Tokenizer.load(alteredCopy(METASPACE, temp.resolve("split"),
                t -> metaspace(t).put("split", true), null));

        assertThat(texts(unsplit, unsplit.encodeWithoutSpecials("a  b"))).containsExactly("▁a", "▁▁", "b");
        assertThat(texts(split, split.encodeWithoutSpecials("a  b"))).containsExactly("▁a", "▁", "▁b");
    }

    @Test
    void prependSchemeFirstMarksOnlyTheStartOfTheInput() {
        Tokenizer first = load(METASPACE);
        Tokenizer always = Tokenizer.load(alteredCopy(METASPACE, temp.resolve("always"),
                t -> metaspace(t).put("prepend_scheme", "always"), null));
        Tokenizer never = Tokenizer.load(alteredCopy(METASPACE, temp.resolve("never"),
                t -> metaspace(t).put("prepend_scheme", "never"), null));

        int[] marked = always.encodeWithoutSpecials("hello");
        int[] unmarked = never.encodeWithoutSpecials("hello");
        assertThat(texts(always, marked)).first().asString().startsWith("▁");
        assertThat(texts(never, unmarked)).containsExactly("he", "ll", "o");

        assertThat(first.encodeWithoutSpecials("hello")).containsExactly(marked);
        assertThat(first.encodeWithoutSpecials("<s>hello")).containsExactly(concat(new int[] {1}, unmarked));
        assertThat(always.encodeWithoutSpecials("<s>hello")).containsExactly(concat(new int[] {1}, marked));
        assertThat(first.encodeWithoutSpecials(" hello")).as("no second mark before a space").containsExactly(marked);
    }

    @Test
    void theOlderAddPrefixSpaceFalseMeansNeverPrepend() {
        Tokenizer legacy = Tokenizer.load(alteredCopy(METASPACE, temp.resolve("legacy"), t -> {
            metaspace(t).remove("prepend_scheme");
            metaspace(t).put("add_prefix_space", false);
        }, null));

        assertThat(texts(legacy, legacy.encodeWithoutSpecials("hello"))).containsExactly("he", "ll", "o");
    }

    @Test
    void theMetaspaceDecoderDropsEveryReplacementOfTheFirstToken() {
        Consumer<ObjectNode> plainDecoder = t -> t.putObject("decoder").put("type", "Metaspace")
                .put("replacement", "▁").put("prepend_scheme", "first").put("split", false);
        Tokenizer tokenizer = Tokenizer.load(alteredCopy(METASPACE, temp.resolve("decoder"), plainDecoder, null));
        int[] ids = ids(tokenizer, "▁▁", "▁a", "▁▁", "b");

        assertThat(tokenizer.decode(ids)).isEqualTo(" a  b");
        assertThat(tokenizer.decode(ids(tokenizer, "▁a", "<0x41>"))).as("no ByteFallback step").isEqualTo("a<0x41>");

        Tokenizer never = Tokenizer.load(alteredCopy(METASPACE, temp.resolve("decoder-never"),
                plainDecoder.andThen(t -> ((ObjectNode) t.get("decoder")).put("prepend_scheme", "never")), null));
        assertThat(never.decode(ids)).isEqualTo("   a  b");
    }

    @Test
    void anInvalidByteFallbackRunDecodesToOneReplacementPerByte() {
        Tokenizer sp = load(SENTENCEPIECE);

        assertThat(sp.decode(ids(sp, "<0xE4>", "<0xB8>", "▁a"))).isEqualTo("\uFFFD\uFFFD a");
        assertThat(sp.decode(ids(sp, "<0xE4>", "<0xB8>", "<0xAD>", "▁a"))).isEqualTo("中 a");
    }

    @Test
    void byteLevelCanPutASpaceBeforeEveryPiece() {
        Tokenizer neox = load(NEOX);
        Tokenizer prefixed = Tokenizer.load(alteredCopy(NEOX, temp.resolve("prefix"),
                t -> ((ObjectNode) t.get("pre_tokenizer")).put("add_prefix_space", true), null));

        assertThat(prefixed.encodeWithoutSpecials("hello")).containsExactly(neox.encodeWithoutSpecials(" hello"));
        assertThat(prefixed.encodeWithoutSpecials(" hello")).containsExactly(neox.encodeWithoutSpecials(" hello"));
    }

    @Test
    void unknownCharactersBecomeTheUnknownTokenWithoutByteFallback() throws IOException {
        String vocab = "{\"<unk>\": 0, \"a\": 1, \"b\": 2, \"ab\": 3}";
        Tokenizer fused = minimal(vocab, "[\"a b\"]", m -> m.put("unk_token", "<unk>").put("fuse_unk", true));
        Tokenizer unfused = minimal(vocab, "[\"a b\"]", m -> m.put("unk_token", "<unk>").put("fuse_unk", false));
        Tokenizer none = minimal(vocab, "[\"a b\"]", m -> { });

        assertThat(fused.encode("axyb")).containsExactly(1, 0, 2);
        assertThat(unfused.encode("axyb")).containsExactly(1, 0, 0, 2);
        assertThat(none.encode("axyb")).as("dropped, so a and b meet and merge, as in the Rust library").containsExactly(3);
    }

    @Test
    void subwordPrefixesAndWordSuffixesTakePartInMerges() throws IOException {
        Tokenizer prefixed = minimal("{\"a\": 0, \"##b\": 1, \"ab\": 2, \"b\": 3}", "[\"a ##b\"]",
                m -> m.put("continuing_subword_prefix", "##"));
        Tokenizer suffixed = minimal("{\"a\": 0, \"b</w>\": 1, \"ab</w>\": 2, \"b\": 3}", "[[\"a\", \"b</w>\"]]",
                m -> m.put("end_of_word_suffix", "</w>"));

        assertThat(prefixed.encode("ab")).containsExactly(2);
        assertThat(prefixed.encode("ba")).as("b first, a without rule").containsExactly(3);
        assertThat(suffixed.encode("ab")).containsExactly(2);
    }

    @Test
    void theLowestRankedPairMergesFirst() throws IOException {
        String vocab = "{\"a\": 0, \"b\": 1, \"c\": 2, \"ab\": 3, \"bc\": 4}";

        assertThat(minimal(vocab, "[\"b c\", \"a b\"]", m -> { }).encode("abc")).containsExactly(0, 4);
        assertThat(minimal(vocab, "[\"a b\", \"b c\"]", m -> { }).encode("abc")).containsExactly(3, 2);
        assertThat(minimal(vocab, "[\"a b\"]", m -> { }).encode("abab")).as("leftmost first on ties").containsExactly(3, 3);
    }

    @Test
    void ignoreMergesEmitsAWordThatIsInTheVocabulary() {
        Tokenizer neox = load(NEOX);
        Tokenizer merging = Tokenizer.load(alteredCopy(NEOX, temp.resolve("merging"),
                t -> ((ObjectNode) t.get("model")).put("ignore_merges", false), null));

        assertThat(texts(neox, neox.encodeWithoutSpecials(" SpecScope"))).containsExactly("ĠSpecScope");
        assertThat(merging.encodeWithoutSpecials(" SpecScope")).hasSizeGreaterThan(1);
    }

    private Tokenizer minimal(String vocab, String merges, Consumer<ObjectNode> editModel) throws IOException {
        ObjectNode tokenizer = TokenizerFixtures.parseObject("""
                {"added_tokens": [], "normalizer": null, "pre_tokenizer": null, "post_processor": null,
                 "decoder": null, "model": {"type": "BPE", "vocab": %s, "merges": %s}}
                """.formatted(vocab, merges));
        editModel.accept((ObjectNode) tokenizer.get("model"));
        Path dir = Files.createTempDirectory(temp, "minimal");
        Files.writeString(dir.resolve("tokenizer.json"), TokenizerFixtures.JSON.writeValueAsString(tokenizer));
        return Tokenizer.load(dir);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static ObjectNode metaspace(ObjectNode tokenizer) {
        return (ObjectNode) tokenizer.get("pre_tokenizer");
    }

    private static List<String> texts(Tokenizer tokenizer, int[] ids) {
        return Arrays.stream(ids).mapToObj(tokenizer::tokenText).toList();
    }

    private static int[] ids(Tokenizer tokenizer, String... tokens) {
        return Arrays.stream(tokens).mapToInt(t -> tokenizer.idOf(t).orElseThrow(() -> new AssertionError("no token " + t))).toArray();
    }
}
