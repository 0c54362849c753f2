package org.specscope.engine.model.tokenizer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Round trips and streaming hold for arbitrary text and arbitrary id sequences. */
class RoundTripProperties {

    @Property(tries = 400)
    void anyTextRoundTrips(@ForAll("text") String text) {
        for (String fixture : TokenizerFixtures.ALL) {
            if (RoundTripTest.RoundTrip.applies(fixture, text)) {
                Tokenizer tokenizer = TokenizerFixtures.load(fixture);
                int[] ids = tokenizer.encode(text);
                assertThat(tokenizer.decode(ids)).as(fixture).isEqualTo(RoundTripTest.RoundTrip.expectedText(fixture, text));
                assertThat(String.join("", RoundTripTest.RoundTrip.streamPieces(tokenizer, ids, true)))
                        .as(fixture + " streamed").isEqualTo(tokenizer.decode(ids));
            }
        }
    }

    @Property(tries = 400)
    void streamingAnyIdsEqualsDecodingThem(@ForAll("ids") int[] ids) {
        for (String fixture : TokenizerFixtures.ALL) {
            Tokenizer tokenizer = TokenizerFixtures.load(fixture);
            for (boolean skip : new boolean[] {true, false}) {
                List<String> pieces = RoundTripTest.RoundTrip.streamPieces(tokenizer, ids, skip);
                assertThat(String.join("", pieces)).as(fixture).isEqualTo(tokenizer.decode(ids, skip));
                for (String piece : pieces) {
                    assertThat(new String(piece.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                            .as("%s: a piece holds only whole characters", fixture).isEqualTo(piece);
                }
            }
        }
    }

    @Provide
    Arbitrary<String> text() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(10, Arbitraries.of(0x20, 0x20, 0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x85, 0x2028, 0x3000, 0xFEFF)),
                Tuple.of(8, Arbitraries.integers().between(0xA0, 0x24F)),
                Tuple.of(3, Arbitraries.integers().between(0x300, 0x36F)),
                Tuple.of(5, Arbitraries.integers().between(0x4E00, 0x9FFF)),
                Tuple.of(5, Arbitraries.integers().between(0x1F300, 0x1FAFF)),
                Tuple.of(5, Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF)));
        return codePoint.list().ofMaxSize(40).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    @Provide
    Arbitrary<int[]> ids() {
        Arbitrary<Integer> id = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 515)),
                Tuple.of(4, Arbitraries.integers().between(128, 258)),
                Tuple.of(1, Arbitraries.of(-1, 0, 1, 2, 259, 508, 509, 510, 511, 512)));
        return id.array(int[].class).ofMaxSize(30);
    }
}
