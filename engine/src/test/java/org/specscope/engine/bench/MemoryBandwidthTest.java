package org.specscope.engine.bench;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bandwidth reader reads every word of its buffer, whatever the split over threads; speed is not checked. */
class MemoryBandwidthTest {

    /** Sum of the words 0, 1, ..., words - 1, modulo 2^32: what the buffer holds. */
    private static int sumOfIndices(long words) {
        return (int) (words * (words - 1) / 2);
    }

    @Test
    void everyWordOfTheBufferIsReadWhateverTheThreadCount() {
        long bytes = 3 * 4096 + 4 * 37;   // not a multiple of the vector loop's stride
        for (int threads = 1; threads <= 3; threads++) {
            try (MemoryBandwidth reader = new MemoryBandwidth(bytes, threads)) {
                assertThat(reader.bufferBytes()).isEqualTo(bytes);
                assertThat(reader.readAll()).as("%d threads", threads).isEqualTo(sumOfIndices(bytes / 4));
            }
        }
    }

    @Test
    void theSumCoversExactlyTheRangeAskedFor() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(4096, 64);
            for (int i = 0; i < 1024; i++) {
                s.setAtIndex(ValueLayout.JAVA_INT, i, 3 * i + 1);
            }
            for (int[] range : new int[][]{{0, 1024}, {0, 0}, {1, 2}, {5, 1000}, {17, 1024}, {0, 31}}) {
                long expected = 0;
                for (int i = range[0]; i < range[1]; i++) {
                    expected += 3 * i + 1;
                }
                assertThat(MemoryBandwidth.sum(s, 4L * range[0], 4L * range[1]))
                        .as("words [%d, %d)", range[0], range[1]).isEqualTo((int) expected);
            }
        }
    }

    @Test
    void aMeasurementReportsPositiveBandwidthAndTheChecksumOfTheBuffer() {
        try (MemoryBandwidth reader = new MemoryBandwidth(1 << 20, 2)) {
            BandwidthMeasurement m = reader.measure(3);
            assertThat(m.bufferBytes()).isEqualTo(1 << 20);
            assertThat(m.threads()).isEqualTo(2);
            assertThat(m.repeats()).isEqualTo(3);
            assertThat(m.medianGbPerSecond()).isPositive().isLessThanOrEqualTo(m.bestGbPerSecond());
            assertThat(m.checksum()).isEqualTo(sumOfIndices((1 << 20) / 4));
        }
    }

    @Test
    void theDefaultBufferIsAGibibyteOrEightLastLevelCachesIfThatIsMore() {
        assertThat(MemoryBandwidth.defaultBytes(OptionalLong.empty())).isEqualTo(1L << 30);
        assertThat(MemoryBandwidth.defaultBytes(OptionalLong.of(32L << 20))).isEqualTo(1L << 30);
        assertThat(MemoryBandwidth.defaultBytes(OptionalLong.of(256L << 20))).isEqualTo(2L << 30);
    }

    @Test
    void refusesATinyBufferNoThreadsAndNoRepeats() {
        assertThatThrownBy(() -> new MemoryBandwidth(100, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 4096 bytes");
        assertThatThrownBy(() -> new MemoryBandwidth(1 << 16, 0)).isInstanceOf(IllegalArgumentException.class);
        try (MemoryBandwidth reader = new MemoryBandwidth(1 << 16, 1)) {
            assertThatThrownBy(() -> reader.measure(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
