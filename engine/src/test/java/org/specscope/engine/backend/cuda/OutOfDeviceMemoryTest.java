package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.OutOfDeviceMemoryException;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.MoeProbe;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Running out of device memory after the weights are up (a long context's KV cache, a long
 * pass's activations) is an error that names what did not fit and holds on to nothing: a cache
 * or workspace that fits only in part is freed, and the runner works again once memory is back.
 * The emulator's allocation room plays the device filling up.
 */
class OutOfDeviceMemoryTest {

    @RegisterExtension
    static final CudaBackendExtension CUDA = new CudaBackendExtension();

    private MethodHandle room;

    @BeforeEach
    void onTheEmulator() {
        assumeTrue(CudaTestDevice.emulated(CudaTestDevice.usable()), "the emulator plays a full device");
        room = CudaTestDevice.emulatorHook("specscope_emulator_allocation_room",
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG));
    }

    @AfterEach
    void liftTheLimit() throws Throwable {
        if (room != null) {
            room.invokeExact(-1L);
        }
    }

    private long free() {
        return CUDA.backend().context().freeBytes();
    }

    @Test
    void aKvCacheThatFitsOnlyInPartFailsNamingItAndHoldsNothing() throws Throwable {
        try (Model model = Model.open(SampleModelDirs.TARGET); ModelRunner runner = CUDA.backend().load(model)) {
            int capacity = 4096;
            long keyBytes = (long) model.config().numLayers() * capacity * model.config().kvDim() * Float.BYTES;
            long before = free();
            room.invokeExact(keyBytes + 256);   // the keys fit, the values do not

            assertThatThrownBy(() -> runner.newKvCache(capacity)).isInstanceOf(OutOfDeviceMemoryException.class)
                    .hasMessageContaining("for the KV cache's values (4096 tokens)");
            assertThat(free()).as("device memory after the failed cache").isEqualTo(before);
        }
    }

    @Test
    void aPassWhoseActivationsFitOnlyInPartFailsHoldsNothingAndTheRunnerRecovers() throws Throwable {
        int[] prompt = IntStream.range(0, 100).map(i -> 1 + (i * 37) % 4000).toArray();
        try (Model model = Model.open(SampleModelDirs.TARGET); ModelRunner runner = CUDA.backend().load(model)) {
            KvCache cache = runner.newKvCache(256);
            long before = free();
            room.invokeExact(1L << 20);

            assertThatThrownBy(() -> runner.forward(ForwardBatch.sequence(prompt, 0, ForwardBatch.LogitRows.LAST), cache,
                    MoeProbe.NONE)).isInstanceOf(OutOfDeviceMemoryException.class)
                    .hasMessageContaining("for activations for 100 tokens");
            assertThat(free()).as("device memory after the failed pass").isEqualTo(before);

            room.invokeExact(-1L);
            int recovered = runner.forward(ForwardBatch.sequence(prompt, 0, ForwardBatch.LogitRows.LAST), cache,
                    MoeProbe.NONE).argmax(0);
            try (ModelRunner fresh = CUDA.backend().load(model)) {
                assertThat(recovered).isEqualTo(fresh.forward(ForwardBatch.sequence(prompt, 0, ForwardBatch.LogitRows.LAST),
                        fresh.newKvCache(256), MoeProbe.NONE).argmax(0));
            }
        }
    }
}
