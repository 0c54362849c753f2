package org.specscope.engine.backend.cuda;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Runs the CUDA checks (probe, parity, device peaks, `run` on CUDA against the CPU) without Maven, for a GPU machine that has a
 * Java runtime but no build tools (.ci/gpu-check). Exit status 0 only when every check ran and passed.
 */
public final class GpuCheck {

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(CudaProbeTest.class), selectClass(CudaParityTest.class),
                        selectClass(CudaPeaksTest.class), selectClass(KernelLauncherTest.class),
                        selectClass(DrawTokenTest.class), selectClass(RouterTiesTest.class),
                        selectClass(RouterFusionTest.class), selectClass(ExpertBudgetKernelTest.class),
                        selectClass(GroupPairsKernelTest.class),
                        selectClass(DecodeGraphTest.class), selectClass(TensorCoreKernelsTest.class),
                        selectClass(TensorCorePassesTest.class), selectClass(SplitAttentionTest.class),
                        // (its other test checks the emulator's own check, and is skipped on a GPU)
                        selectMethod(ProgrammaticLaunchTest.class, "programmaticLaunchesComputeWhatPlainLaunchesCompute",
                                "java.nio.file.Path"),
                        selectClass("org.specscope.engine.cli.RunOnCudaTest"),
                        selectClass("org.specscope.engine.session.SessionOnCudaTest"))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printTo(out);
        s.printFailuresTo(out, 30);
        // A skipped parity class (no usable GPU) aborts its container: that is not a pass here.
        boolean ok = s.getTotalFailureCount() == 0 && s.getTestsSkippedCount() == 0 && s.getTestsAbortedCount() == 0
                && s.getContainersAbortedCount() == 0 && s.getTestsSucceededCount() > 0;
        System.exit(ok ? 0 : 1);
    }
}
