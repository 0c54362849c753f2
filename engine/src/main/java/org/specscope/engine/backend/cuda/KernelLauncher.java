package org.specscope.engine.backend.cuda;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;

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
 *
 * <p>A launch may also be programmatic (cuLaunchKernelEx with programmatic stream serialization,
 * compute 9.0 and later): the kernel's blocks may then start while the previous kernel's last
 * ones still run, and the kernels' grid_dependency_sync makes them wait for its results (see
 * specscope_kernels.cu).
 */
final class KernelLauncher {

    /** Kernel arguments per launch, at most (ours take 15). */
    static final int MAX_ARGS = 32;

    /** CUlaunchAttributeID CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION (cuda.h). */
    private static final int PROGRAMMATIC_STREAM_SERIALIZATION = 6;
    /** cuda.h's CUlaunchAttribute: an id, padding to 8 bytes, a 64-byte value union (here its int member). */
    private static final StructLayout LAUNCH_ATTRIBUTE = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("id"), MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_INT.withName("value"), MemoryLayout.paddingLayout(60));
    /** cuda.h's CUlaunchConfig. */
    private static final StructLayout LAUNCH_CONFIG = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("gridDimX"), ValueLayout.JAVA_INT.withName("gridDimY"),
            ValueLayout.JAVA_INT.withName("gridDimZ"), ValueLayout.JAVA_INT.withName("blockDimX"),
            ValueLayout.JAVA_INT.withName("blockDimY"), ValueLayout.JAVA_INT.withName("blockDimZ"),
            ValueLayout.JAVA_INT.withName("sharedMemBytes"), MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("hStream"), ValueLayout.ADDRESS.withName("attrs"),
            ValueLayout.JAVA_INT.withName("numAttrs"), MemoryLayout.paddingLayout(4));
    private static final long ARGS_BYTES = 16L * MAX_ARGS;
    private static final long CONFIG_BYTES = LAUNCH_CONFIG.byteSize();
    // What a launch writes into the config: its grid, block width, shared memory and stream.
    private static final long GRID_X_AT = offset(LAUNCH_CONFIG, "gridDimX");
    private static final long GRID_Y_AT = offset(LAUNCH_CONFIG, "gridDimY");
    private static final long GRID_Z_AT = offset(LAUNCH_CONFIG, "gridDimZ");
    private static final long BLOCK_X_AT = offset(LAUNCH_CONFIG, "blockDimX");
    private static final long SHARED_AT = offset(LAUNCH_CONFIG, "sharedMemBytes");
    private static final long STREAM_AT = offset(LAUNCH_CONFIG, "hStream");

    private static final VarHandle NATIVE_POINTER;   // jcuda.NativePointerObject.nativePointer (long)
    private static final VarHandle BYTE_OFFSET;      // jcuda.Pointer.byteOffset (long)
    private static final MethodHandle CU_LAUNCH_KERNEL;
    /** Null where the driver has no cuLaunchKernelEx (then PROGRAMMATIC_UNAVAILABLE says why). */
    private static final MethodHandle CU_LAUNCH_KERNEL_EX;
    private static final String UNAVAILABLE;
    private static final String PROGRAMMATIC_UNAVAILABLE;

    static {
        VarHandle nativePointer = null;
        VarHandle byteOffset = null;
        MethodHandle launch = null;
        MethodHandle launchEx = null;
        String why = null;
        String whyNoEx = null;
        try {
            nativePointer = MethodHandles.privateLookupIn(NativePointerObject.class, MethodHandles.lookup())
                    .findVarHandle(NativePointerObject.class, "nativePointer", long.class);
            byteOffset = MethodHandles.privateLookupIn(Pointer.class, MethodHandles.lookup())
                    .findVarHandle(Pointer.class, "byteOffset", long.class);
            // The library JCuda's natives already loaded (dlopen returns the same one).
            SymbolLookup libcuda = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            MemorySegment symbol = libcuda.find("cuLaunchKernel")
                    .orElseThrow(() -> new IllegalStateException("libcuda.so.1 has no cuLaunchKernel"));
            ValueLayout.OfInt u32 = ValueLayout.JAVA_INT;
            launch = Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, u32, u32, u32, u32, u32, u32, u32, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS));
            Optional<MemorySegment> ex = libcuda.find("cuLaunchKernelEx");
            if (ex.isPresent()) {
                launchEx = Linker.nativeLinker().downcallHandle(ex.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            } else {
                whyNoEx = "libcuda.so.1 has no cuLaunchKernelEx (a driver older than CUDA 12.0)";
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            why = e.toString();
            whyNoEx = why;
        }
        NATIVE_POINTER = nativePointer;
        BYTE_OFFSET = byteOffset;
        CU_LAUNCH_KERNEL = launch;
        CU_LAUNCH_KERNEL_EX = launchEx;
        UNAVAILABLE = why;
        PROGRAMMATIC_UNAVAILABLE = whyNoEx;
    }

    /**
     * One block per thread: [MAX_ARGS pointers][MAX_ARGS 8-byte values][a CUlaunchConfig][its one
     * CUlaunchAttribute]; the driver copies it at launch. What never changes (the attribute, the
     * config's pointer to it, the block's y and z) is written once, here.
     */
    private final ThreadLocal<MemorySegment> blocks = ThreadLocal.withInitial(() -> {
        MemorySegment b = Arena.ofAuto().allocate(ARGS_BYTES + CONFIG_BYTES + LAUNCH_ATTRIBUTE.byteSize(), 16);
        MemorySegment config = b.asSlice(ARGS_BYTES, LAUNCH_CONFIG);
        MemorySegment attribute = b.asSlice(ARGS_BYTES + CONFIG_BYTES, LAUNCH_ATTRIBUTE);
        attribute.set(ValueLayout.JAVA_INT, offset(LAUNCH_ATTRIBUTE, "id"), PROGRAMMATIC_STREAM_SERIALIZATION);
        attribute.set(ValueLayout.JAVA_INT, offset(LAUNCH_ATTRIBUTE, "value"), 1);   // allowed
        config.set(ValueLayout.JAVA_INT, offset(LAUNCH_CONFIG, "blockDimY"), 1);
        config.set(ValueLayout.JAVA_INT, offset(LAUNCH_CONFIG, "blockDimZ"), 1);
        config.set(ValueLayout.ADDRESS, offset(LAUNCH_CONFIG, "attrs"), attribute);
        config.set(ValueLayout.JAVA_INT, offset(LAUNCH_CONFIG, "numAttrs"), 1);
        return b;
    });

    /** Null when launches go through the FFM API; else why not. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /** Null when programmatic launches can be made here (driver permitting the device); else why not. */
    static String programmaticUnavailable() {
        return PROGRAMMATIC_UNAVAILABLE;
    }

    /** The address a JCuda device pointer (with its byte offset) or handle stands for. */
    static long address(NativePointerObject p) {
        long base = (long) NATIVE_POINTER.get(p);
        return p instanceof Pointer pointer ? base + (long) BYTE_OFFSET.get(pointer) : base;
    }

    /**
     * Launches {@code function} on {@code stream}, programmatically (cuLaunchKernelEx with
     * programmatic stream serialization) when asked; {@code args} as {@link CudaContext#launch}.
     * Returns the driver's result code.
     */
    int launch(CUfunction function, int gridX, int gridY, int gridZ, int block, int sharedBytes, CUstream stream,
               boolean programmatic, String kernel, Object... args) {
        if (programmatic && CU_LAUNCH_KERNEL_EX == null) {
            throw new IllegalStateException("programmatic launch of " + kernel + ": " + PROGRAMMATIC_UNAVAILABLE);
        }
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
        MemorySegment f = MemorySegment.ofAddress(address(function));
        MemorySegment s = MemorySegment.ofAddress(address(stream));
        try {
            if (programmatic) {
                MemorySegment config = b.asSlice(ARGS_BYTES, CONFIG_BYTES);
                config.set(ValueLayout.JAVA_INT, GRID_X_AT, gridX);
                config.set(ValueLayout.JAVA_INT, GRID_Y_AT, gridY);
                config.set(ValueLayout.JAVA_INT, GRID_Z_AT, gridZ);
                config.set(ValueLayout.JAVA_INT, BLOCK_X_AT, block);
                config.set(ValueLayout.JAVA_INT, SHARED_AT, sharedBytes);
                config.set(ValueLayout.ADDRESS, STREAM_AT, s);
                return (int) CU_LAUNCH_KERNEL_EX.invokeExact(config, f, b, MemorySegment.NULL);
            }
            return (int) CU_LAUNCH_KERNEL.invokeExact(f, gridX, gridY, gridZ, block, 1, 1, sharedBytes, s, b,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException((programmatic ? "cuLaunchKernelEx(" : "cuLaunchKernel(") + kernel
                    + ") through the FFM API failed", t);
        }
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
