package org.specscope.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;

/** Forward passes on the CPU: Vector API kernels over all cores of one worker pool. */
public final class CpuBackend implements Backend {

    private final ParallelRunner par;
    private final String note;

    /** One worker per available processor. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuBackend(int threads) {
        this(threads, null);
    }

    /**
     * @param note why the CPU runs the model when the user may have hoped otherwise (e.g. "CUDA
     *             unavailable: no CUDA device"), shown in the description; null for none
     */
    public CpuBackend(int threads, String note) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.par = new ParallelRunner(threads);
        this.note = note;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "CPU, " + par.threads() + (par.threads() == 1 ? " thread, " : " threads, ")
                + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors" + (note == null ? "" : " (" + note + ")");
    }

    /** Nothing to copy: the runner reads the mapped weights where they lie. */
    @Override
    public ModelRunner load(Model model, LoadMonitor monitor) {
        return new CpuModelRunner(model.config(), model.weights(), par);
    }

    @Override
    public void close() {
        par.close();
    }
}
