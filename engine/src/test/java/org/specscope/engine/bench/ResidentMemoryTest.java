package org.specscope.engine.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Resident memory as /proc/self/status reports it. */
class ResidentMemoryTest {

    private static final String STATUS = """
            Name:\tjava
            VmPeak:\t 9020612 kB
            VmHWM:\t 1001228 kB
            VmRSS:\t  978000 kB
            RssAnon:\t  541000 kB
            RssFile:\t  437000 kB
            RssShmem:\t       0 kB
            Threads:\t23
            """;

    @Test
    void readsThePeakTheCurrentAndTheFileAndAnonymousShares() {
        assertThat(ResidentMemory.parse(STATUS)).contains(new ResidentMemory(1001228L << 10, 978000L << 10,
                437000L << 10, 541000L << 10));
    }

    @Test
    void withoutThePeakOrTheCurrentSizeThereIsNoFigure() {
        assertThat(ResidentMemory.parse("Name:\tjava\nVmRSS:\t 10 kB\n")).isEmpty();
        assertThat(ResidentMemory.parse("")).isEmpty();
    }

    @Test
    void thisProcessHasAPeakAtLeastItsCurrentSizeOnLinux() {
        assumeTrue(Files.isReadable(ResidentMemory.PROC_SELF_STATUS), "Linux only");
        ResidentMemory m = ResidentMemory.ofThisProcess().orElseThrow();
        assertThat(m.currentBytes()).isPositive();
        assertThat(m.peakBytes()).isGreaterThanOrEqualTo(m.currentBytes());
        assertThat(m.fileBytes() + m.anonBytes()).isLessThanOrEqualTo(m.currentBytes());
    }
}
