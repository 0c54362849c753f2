package org.specscope.engine.cli;

import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.KernelProfile;
import org.specscope.engine.bench.BenchReport;
import org.specscope.engine.bench.PassBenchmark;
import org.specscope.engine.bench.TreeCase;
import org.specscope.engine.moe.ExpertBudget;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code bench --kernel-profile}: where a device pass spends its time, kernel by kernel, for some
 * decode steps and (with {@code --tree}) the tree's unbudgeted and budgeted verifications; each
 * beside the pass time the bench measured, so that the gap (launch overhead, idle device) shows.
 */
final class KernelProfiles {

    /** One profiled kind of pass and the time per pass the bench measured for it. */
    record Profiled(String pass, KernelProfile profile, double measuredMillis) {
    }

    private KernelProfiles() {
    }

    /** Profiles on {@code backend}; empty where it runs no kernels (the CPU). */
    static Optional<List<Profiled>> run(Backend backend, PassBenchmark passes, BenchReport report,
                                        Optional<TreeCase> tree, int decodeSteps) {
        List<Profiled> all = new ArrayList<>();
        Optional<KernelProfile> decode = backend.profileKernels(() -> passes.decode(decodeSteps), decodeSteps);
        if (decode.isEmpty()) {
            return Optional.empty();
        }
        all.add(new Profiled("decode step", decode.get(), report.decode().millisPerToken()));
        report.tree().ifPresent(t -> {
            TreeCase c = tree.orElseThrow();
            all.add(new Profiled(t.nodes() + "-node tree, unbudgeted",
                    backend.profileKernels(() -> passes.treePass(c.tree(), ExpertBudget.UNLIMITED), 1).orElseThrow(),
                    t.unbudgeted().medianMillis()));
            all.add(new Profiled(t.nodes() + "-node tree, " + t.budgeted().label(),
                    backend.profileKernels(() -> passes.treePass(c.tree(), c.budget()), 1).orElseThrow(),
                    t.budgeted().medianMillis()));
        });
        return Optional.of(all);
    }

    static void print(PrintWriter o, Optional<List<Profiled>> profiles, String backend) {
        if (profiles.isEmpty()) {
            o.printf(Locale.ROOT, "kernel profile: none (the %s backend runs no device kernels)%n", backend);
            return;
        }
        for (Profiled p : profiles.get()) {
            KernelProfile k = p.profile();
            o.printf(Locale.ROOT, "kernel time per %s (device events around each launch, launched one by one, no "
                    + "CUDA graph; %d pass%s)%n", p.pass(), k.passes(), k.passes() == 1 ? "" : "es");
            o.printf(Locale.ROOT, "  %-32s %9s %10s %7s%n", "kernel", "launches", "us/pass", "share");
            double total = k.totalMicros();
            for (KernelProfile.KernelTime t : k.byTime()) {
                o.printf(Locale.ROOT, "  %-32s %9.1f %10.1f %6.1f%%%n", t.kernel(), (double) t.launches() / k.passes(),
                        t.micros() / k.passes(), 100 * t.micros() / total);
            }
            double perPass = total / k.passes();
            double share = perPass / (p.measuredMillis() * 1000);
            o.printf(Locale.ROOT, "  %-32s %9.1f %10.1f  = %.2f of the %.1f us the bench measured per pass%s%n",
                    "all kernels", k.kernels().stream().mapToInt(KernelProfile.KernelTime::launches).sum()
                            / (double) k.passes(), perPass, share, p.measuredMillis() * 1000,
                    share < 1 ? " (the rest: launch overhead and an idle device)"
                            : " (profiled apart from the measured rounds: their difference is noise)");
        }
    }

    static void json(ObjectNode o, Optional<List<Profiled>> profiles) {
        if (profiles.isEmpty()) {
            return;
        }
        ArrayNode all = o.putArray("kernel_profile");
        for (Profiled p : profiles.get()) {
            KernelProfile k = p.profile();
            ObjectNode pass = all.addObject();
            pass.put("pass", p.pass());
            pass.put("passes", k.passes());
            pass.put("measured_us_per_pass", p.measuredMillis() * 1000);
            pass.put("kernel_us_per_pass", k.totalMicros() / k.passes());
            ArrayNode kernels = pass.putArray("kernels");
            for (KernelProfile.KernelTime t : k.byTime()) {
                ObjectNode n = kernels.addObject();
                n.put("kernel", t.kernel());
                n.put("launches_per_pass", (double) t.launches() / k.passes());
                n.put("us_per_pass", t.micros() / k.passes());
            }
        }
    }
}
