package org.specscope.engine.backend.cuda;

import org.specscope.engine.backend.DeviceBackend;
import org.specscope.engine.backend.DevicePeaks;
import org.specscope.engine.backend.KernelProfile;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;
import org.specscope.engine.model.ModelConfig;

import java.util.Optional;

/**
 * Forward passes on one CUDA device through JCuda's driver API and SpecScope's own kernels
 * (engine/src/main/cuda, shipped as a fatbin). One context and one stream serve every model the
 * backend loads; each model's weights are uploaded once, at load.
 */
public final class CudaBackend implements DeviceBackend {

    private final CudaDevice device;
    private final CudaContext context;

    /** Starts a context on {@code device} and loads the bundled kernels. */
    public CudaBackend(CudaDevice device) {
        this.device = device;
        this.context = CudaContext.open(device, KernelImage.bundled());
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return "CUDA, " + device.describe();
    }

    /** The kernels' limit: group_pairs counts a layer's pairs per expert in a shared array of this size. */
    static final int MAX_EXPERTS = 1024;

    @Override
    public Optional<String> cannotLoad(Model model) {
        return beyondKernels(model.config())
                .or(() -> CudaFootprint.shortfall(context.freeBytes(), CudaFootprint.bytesNeeded(model)));
    }

    /** Why the kernels cannot run a model of {@code config}, if they cannot. */
    static Optional<String> beyondKernels(ModelConfig config) {
        int experts = config.moe().map(m -> m.numExperts()).orElse(0);
        return experts > MAX_EXPERTS
                ? Optional.of("the model has " + experts + " experts per layer; the CUDA kernels handle at most "
                        + MAX_EXPERTS)
                : Optional.empty();
    }

    /** Uploads the weights, telling {@code monitor} the bytes copied; a cancel frees what was uploaded. */
    @Override
    public ModelRunner load(Model model, LoadMonitor monitor) {
        cannotLoad(model).ifPresent(why -> {
            throw new IllegalStateException("cannot load " + model.directory().getFileName() + " on the GPU: " + why);
        });
        return new CudaModelRunner(context, model, monitor);
    }

    /** Every launch of {@code work} between its own pair of events (decode steps then skip their graph). */
    @Override
    public Optional<KernelProfile> profileKernels(Runnable work, int passes) {
        return Optional.of(context.profile(work, passes));
    }

    /** The GPU's read bandwidth and FMA peak, measured by kernels on it (bench). */
    @Override
    public Optional<DevicePeaks> devicePeaks() {
        return Optional.of(new CudaPeaks(context, device.name()));
    }

    /** The context every model of this backend launches on (for tests and the GPU report). */
    CudaContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
