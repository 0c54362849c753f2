package org.specscope.engine.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The compiled kernels: a fatbin (SASS for sm_80, sm_86, sm_89, sm_90 and PTX for newer devices)
 * built by nvcc from engine/src/main/cuda, committed beside its manifest so that machines without
 * nvcc run it too. The manifest names the nvcc that built it, the driver version its code needs
 * and a hash of the sources it was built from (a test checks that hash against the sources).
 *
 * @param fatbin                null when the resource is missing (a broken build)
 * @param requiredDriverVersion cuDriverGetVersion's value the image needs (13000: an image from nvcc 13.x)
 */
public record KernelImage(byte[] fatbin, String nvccVersion, int requiredDriverVersion, String sourcesSha256) {

    static final String FATBIN = "/org/specscope/engine/backend/cuda/specscope-kernels.fatbin";
    static final String MANIFEST = "/org/specscope/engine/backend/cuda/specscope-kernels.properties";

    /** The image on the class path. */
    public static KernelImage bundled() {
        Properties p = new Properties();
        try (InputStream in = KernelImage.class.getResourceAsStream(MANIFEST)) {
            if (in == null) {
                throw new IllegalStateException("kernel manifest " + MANIFEST + " is missing from the build");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] fatbin;
        try (InputStream in = KernelImage.class.getResourceAsStream(FATBIN)) {
            fatbin = in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KernelImage(fatbin, p.getProperty("nvcc", "unknown"),
                Integer.parseInt(p.getProperty("requiredDriverVersion", "13000")), p.getProperty("sourcesSha256", ""));
    }
}
