package org.specscope.engine.backend.cuda;

import jcuda.driver.CUresult;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A sequence of kernel launches captured once from the context's stream and replayed with one
 * launch (a CUDA graph). A decode step is some 170 launches of small kernels; replaying them as a
 * graph spares the host a driver call per kernel (4-6 us each on an H100) and the device most of
 * the gaps between them. Valid only while every launch argument stays the same: the caller
 * captures steps whose changing inputs (token id, cache slot, positions) lie in device memory,
 * and captures again when a buffer an argument points to is replaced.
 *
 * <p>The driver's graph API is called through the FFM API, as {@link KernelLauncher} does
 * cuLaunchKernel; where that is refused, {@link #unavailable} says why and callers launch each
 * kernel themselves.
 */
final class CudaGraph implements AutoCloseable {

    /** CU_STREAM_CAPTURE_MODE_THREAD_LOCAL: only this thread's capture-unsafe calls fail the capture. */
    private static final int CAPTURE_THREAD_LOCAL = 1;

    private static final MethodHandle BEGIN_CAPTURE;   // cuStreamBeginCapture_v2(CUstream, CUstreamCaptureMode)
    private static final MethodHandle END_CAPTURE;     // cuStreamEndCapture(CUstream, CUgraph*)
    private static final MethodHandle INSTANTIATE;     // cuGraphInstantiateWithFlags(CUgraphExec*, CUgraph, flags)
    private static final MethodHandle LAUNCH;          // cuGraphLaunch(CUgraphExec, CUstream)
    private static final MethodHandle DESTROY_EXEC;    // cuGraphExecDestroy(CUgraphExec)
    private static final MethodHandle DESTROY_GRAPH;   // cuGraphDestroy(CUgraph)
    private static final String UNAVAILABLE;

    static {
        MethodHandle[] h = new MethodHandle[6];
        String why = KernelLauncher.unavailable();
        if (why == null) {
            try {
                SymbolLookup cuda = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
                Linker linker = Linker.nativeLinker();
                ValueLayout.OfInt result = ValueLayout.JAVA_INT;
                ValueLayout.OfLong address = ValueLayout.JAVA_LONG;   // handles pass as their addresses
                h[0] = downcall(linker, cuda, "cuStreamBeginCapture_v2", FunctionDescriptor.of(result, address, ValueLayout.JAVA_INT));
                h[1] = downcall(linker, cuda, "cuStreamEndCapture", FunctionDescriptor.of(result, address, ValueLayout.ADDRESS));
                h[2] = downcall(linker, cuda, "cuGraphInstantiateWithFlags",
                        FunctionDescriptor.of(result, ValueLayout.ADDRESS, address, ValueLayout.JAVA_LONG));
                h[3] = downcall(linker, cuda, "cuGraphLaunch", FunctionDescriptor.of(result, address, address));
                h[4] = downcall(linker, cuda, "cuGraphExecDestroy", FunctionDescriptor.of(result, address));
                h[5] = downcall(linker, cuda, "cuGraphDestroy", FunctionDescriptor.of(result, address));
            } catch (RuntimeException | LinkageError e) {
                why = e.toString();
            }
        }
        BEGIN_CAPTURE = h[0];
        END_CAPTURE = h[1];
        INSTANTIATE = h[2];
        LAUNCH = h[3];
        DESTROY_EXEC = h[4];
        DESTROY_GRAPH = h[5];
        UNAVAILABLE = why;
    }

    private static MethodHandle downcall(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor d) {
        MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new IllegalStateException("libcuda.so.1 has no " + name + " (driver too old for graphs)"));
        return linker.downcallHandle(symbol, d);
    }

    /** Null when graphs can be captured here; else why not. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    private final CudaContext cu;
    private long exec;   // CUgraphExec; 0 once closed

    private CudaGraph(CudaContext cu, long exec) {
        this.cu = cu;
        this.exec = exec;
    }

    /**
     * Captures what {@code launches} puts on {@code cu}'s stream (kernel launches only: a copy or an
     * allocation during the capture fails it) into an executable graph; nothing runs until
     * {@link #launch}. Fails with the driver's reason, leaving the stream out of capture mode.
     * Programmatic launches are captured as such (programmatic edges); where the driver takes them
     * one by one but cannot capture or instantiate them, the capture is made again from plain
     * launches, and so are later ones: a graph without programmatic edges still spares a decode
     * step its launches, which falling back to launching kernel by kernel would not.
     */
    static CudaGraph capture(CudaContext cu, Runnable launches) {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException("CUDA graphs are unavailable: " + UNAVAILABLE);
        }
        return cu.exclusively(() -> {
            if (!cu.programmaticCaptures()) {
                return cu.plainLaunches(() -> captureAlone(cu, launches));
            }
            try {
                return captureAlone(cu, launches);
            } catch (RuntimeException programmatic) {
                CudaGraph graph;
                try {
                    graph = cu.plainLaunches(() -> captureAlone(cu, launches));
                } catch (RuntimeException plain) {
                    plain.addSuppressed(programmatic);
                    throw plain;
                }
                cu.turnOffProgrammaticCaptures("a graph of programmatic launches failed (" + programmatic.getMessage()
                        + ") where one of plain launches did not");
                return graph;
            }
        });
    }

    private static CudaGraph captureAlone(CudaContext cu, Runnable launches) {
        long stream = KernelLauncher.address(cu.stream());
        check(call(BEGIN_CAPTURE, stream, CAPTURE_THREAD_LOCAL), "cuStreamBeginCapture");
        long graph;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            RuntimeException failure = null;
            try {
                launches.run();
            } catch (RuntimeException e) {
                failure = e;
            }
            int ended = call(END_CAPTURE, stream, out);   // always: the stream must leave capture mode
            if (failure != null) {
                destroy(DESTROY_GRAPH, ended == CUresult.CUDA_SUCCESS ? out.get(ValueLayout.JAVA_LONG, 0) : 0);
                throw failure;
            }
            check(ended, "cuStreamEndCapture");
            graph = out.get(ValueLayout.JAVA_LONG, 0);
            out.set(ValueLayout.JAVA_LONG, 0, 0);
            int instantiated = call(INSTANTIATE, out, graph, 0L);
            destroy(DESTROY_GRAPH, graph);   // the executable graph keeps what it needs
            check(instantiated, "cuGraphInstantiateWithFlags");
            return new CudaGraph(cu, out.get(ValueLayout.JAVA_LONG, 0));
        }
    }

    /** Replays the captured launches on the context's stream (asynchronously, as launches are). */
    void launch() {
        if (exec == 0) {
            throw new IllegalStateException("the graph was closed");
        }
        long stream = KernelLauncher.address(cu.stream());
        cu.onStream(() -> {
            int r;
            try {
                r = (int) LAUNCH.invokeExact(exec, stream);
            } catch (Throwable t) {
                throw new IllegalStateException("cuGraphLaunch through the FFM API failed", t);
            }
            check(r, "cuGraphLaunch");
        });
    }

    @Override
    public void close() {
        destroy(DESTROY_EXEC, exec);
        exec = 0;
    }

    private static void destroy(MethodHandle destroy, long handle) {
        if (handle != 0) {
            call(destroy, handle);
        }
    }

    private static int call(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (Throwable t) {
            throw new IllegalStateException("a CUDA graph call through the FFM API failed", t);
        }
    }

    private static void check(int result, String what) {
        CudaContext.check(result, what);
    }
}
