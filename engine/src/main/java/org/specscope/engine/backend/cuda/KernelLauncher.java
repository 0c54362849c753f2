package org.specscope.engine.backend.cuda;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * cuLaunchKernel through the Foreign Function API instead of JCuda. JCuda hands every kernel
 * argument to JNI as a Pointer to a Java array, which cost about 12 us per launch of ten arguments
 * (measured against the CUDA emulator, which times its own part): a decode step of OLMoE makes some
 * 350 launches, so the host would need about 4 ms where an H100 reads the step's weights in under
 * 1 ms. Here each thread writes the arguments into one native block and calls the driver directly,
 * which adds well under a microsecond to the driver's own cost (on an H100 with driver 580, a whole
 * launch costs the host 4.3-5.7 us this way and 9-11 us through JCuda: LaunchCost). The handles JCuda holds (function, stream, device pointers)
 * are read from its objects' fields; where that is refused (JCuda on the module path), {@link
 * #unavailable} says why and CudaContext launches through JCuda.
 */
final class KernelLauncher {

    /** Kernel arguments per launch, at most (ours take 15). */
    static final int MAX_ARGS = 32;

    private static final VarHandle NATIVE_POINTER;   // jcuda.NativePointerObject.nativePointer (long)
    private static final VarHandle BYTE_OFFSET;      // jcuda.Pointer.byteOffset (long)
    private static final MethodHandle CU_LAUNCH_KERNEL;
    private static final String UNAVAILABLE;

    static {
        VarHandle nativePointer = null;
        VarHandle byteOffset = null;
        MethodHandle launch = null;
        String why = null;
        try {
            nativePointer = MethodHandles.privateLookupIn(NativePointerObject.class, MethodHandles.lookup())
                    .findVarHandle(NativePointerObject.class, "nativePointer", long.class);
            byteOffset = MethodHandles.privateLookupIn(Pointer.class, MethodHandles.lookup())
                    .findVarHandle(Pointer.class, "byteOffset", long.class);
            // The library JCuda's natives already loaded (dlopen returns the same one).
            MemorySegment symbol = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global()).find("cuLaunchKernel")
                    .orElseThrow(() -> new IllegalStateException("libcuda.so.1 has no cuLaunchKernel"));
            ValueLayout.OfInt u32 = ValueLayout.JAVA_INT;
            launch = Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, u32, u32, u32, u32, u32, u32, u32, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            why = e.toString();
        }
        NATIVE_POINTER = nativePointer;
        BYTE_OFFSET = byteOffset;
        CU_LAUNCH_KERNEL = launch;
        UNAVAILABLE = why;
    }

    /** One block per thread: [MAX_ARGS pointers][MAX_ARGS 8-byte values]; the driver copies it at launch. */
    private final ThreadLocal<MemorySegment> blocks = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(16L * MAX_ARGS, 16));

    /** Null when launches go through the FFM API; else why not. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /** The address a JCuda device pointer (with its byte offset) or handle stands for. */
    static long address(NativePointerObject p) {
        long base = (long) NATIVE_POINTER.get(p);
        return p instanceof Pointer pointer ? base + (long) BYTE_OFFSET.get(pointer) : base;
    }

    /**
     * Launches {@code function} on {@code stream}; {@code args} as {@link CudaContext#launch}.
     * Returns the driver's result code.
     */
    int launch(CUfunction function, int gridX, int gridY, int gridZ, int block, int sharedBytes, CUstream stream,
               String kernel, Object... args) {
        if (args.length > MAX_ARGS) {
            throw new IllegalArgumentException(kernel + ": " + args.length + " arguments, at most " + MAX_ARGS);
        }
        MemorySegment b = blocks.get();
        long values = 8L * MAX_ARGS;
        for (int i = 0; i < args.length; i++) {
            long slot = values + 8L * i;
            switch (args[i]) {
                case null -> b.set(ValueLayout.JAVA_LONG, slot, 0L);   // a null device pointer
                case CUdeviceptr p -> b.set(ValueLayout.JAVA_LONG, slot, address(p));
                case Integer v -> b.set(ValueLayout.JAVA_INT, slot, v);
                case Float v -> b.set(ValueLayout.JAVA_FLOAT, slot, v);
                case Long v -> b.set(ValueLayout.JAVA_LONG, slot, v);
                case Double v -> b.set(ValueLayout.JAVA_DOUBLE, slot, v);
                default -> throw new IllegalArgumentException("kernel argument " + i + " of " + kernel + ": "
                        + args[i].getClass().getName());
            }
            b.set(ValueLayout.JAVA_LONG, 8L * i, b.address() + slot);
        }
        try {
            return (int) CU_LAUNCH_KERNEL.invokeExact(MemorySegment.ofAddress(address(function)), gridX, gridY, gridZ,
                    block, 1, 1, sharedBytes, MemorySegment.ofAddress(address(stream)), b, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("cuLaunchKernel(" + kernel + ") through the FFM API failed", t);
        }
    }
}
