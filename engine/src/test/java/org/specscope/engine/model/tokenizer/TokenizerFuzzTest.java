package org.specscope.engine.model.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.specscope.engine.model.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the tokenizer (CI replays the seed inputs beside this class;
 * {@code JAZZER_FUZZ=1} fuzzes one target from them):
 * <ul>
 *   <li>any tokenizer.json loads into a tokenizer that encodes, and decodes any id, without
 *       failing, or is refused with a {@link ModelFormatException} naming the file (seed
 *       {@code vocab-with-a-hole} was the fuzzer's first finding: a test that asked every id
 *       below the vocabulary size for its token text);</li>
 *   <li>any text round-trips through each fixture tokenizer wherever a round trip is defined
 *       ({@link RoundTripTest.RoundTrip#applies}).</li>
 * </ul>
 */
class TokenizerFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void anyTokenizerJsonLoadsOrIsRefusedByName(byte[] json) throws IOException {
        Path dir = Files.createTempDirectory("fuzz-tokenizer");
        try {
            Files.write(dir.resolve("tokenizer.json"), json);
            Tokenizer tokenizer;
            try {
                tokenizer = Tokenizer.load(dir);
            } catch (ModelFormatException e) {
                assertThat(e.getMessage()).contains("tokenizer.json");
                return;
            }
            int[] ids = tokenizer.encode("Hello, world! 123 \u00e9\u20ac\ud83d\ude00\n\tend");
            tokenizer.decode(ids);
            // Every id a model could emit decodes, ids that name no token included (a vocabulary may
            // have holes, and models pad their embeddings past the tokenizer): they are skipped.
            for (int id = -1; id <= Math.min(tokenizer.vocabSize(), 512); id++) {
                tokenizer.decode(new int[] {id});
                tokenizer.decode(new int[] {id}, false);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @FuzzTest(maxDuration = "2m")
    void anyTextEncodesAndDecodesBack(String text) {
        if (text == null || !isWellFormed(text)) {   // Jazzer's first input is null
            return;   // lone surrogates are not text: UTF-8 cannot carry them
        }
        for (String fixture : TokenizerFixtures.ALL) {
            Tokenizer tokenizer = TokenizerFixtures.load(fixture);
            int[] ids = tokenizer.encode(text);
            String decoded = tokenizer.decode(ids);
            if (RoundTripTest.RoundTrip.applies(fixture, text)) {
                assertThat(decoded).as(fixture).isEqualTo(RoundTripTest.RoundTrip.expectedText(fixture, text));
            }
            assertThat(String.join("", RoundTripTest.RoundTrip.streamPieces(tokenizer, ids, true)))
                    .as(fixture + " streamed").isEqualTo(tokenizer.decode(ids, true));
        }
    }

    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
