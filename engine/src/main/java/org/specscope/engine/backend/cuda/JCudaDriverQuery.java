package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;

/**
 * {@link DriverQuery} through JCuda's driver API. The first touch of {@link JCudaDriver} loads
 * JCuda's native library, which links libcuda.so.1: without an NVIDIA driver that touch throws
 * UnsatisfiedLinkError (and every later one NoClassDefFoundError), which the probe catches.
 */
final class JCudaDriverQuery implements DriverQuery {

    @Override
    public int driverVersion() {
        int[] version = new int[1];
        check(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
        return version[0];
    }

    @Override
    public int deviceCount() {
        int init = JCudaDriver.cuInit(0);
        if (init == CUresult.CUDA_ERROR_NO_DEVICE) {
            return 0;
        }
        check(init, "cuInit");
        int[] count = new int[1];
        check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        return count[0];
    }

    @Override
    public CudaDevice device(int ordinal, int driverVersion) {
        CUdevice dev = new CUdevice();
        check(JCudaDriver.cuDeviceGet(dev, ordinal), "cuDeviceGet");
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
        int end = 0;
        while (end < name.length && name[end] != 0) {
            end++;
        }
        int[] major = new int[1];
        int[] minor = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                dev), "cuDeviceGetAttribute");
        check(JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                dev), "cuDeviceGetAttribute");
        long[] total = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(total, dev), "cuDeviceTotalMem");
        return new CudaDevice(ordinal, new String(name, 0, end, StandardCharsets.UTF_8), major[0], minor[0], total[0],
                driverVersion);
    }

    /** Driver calls here return codes (exceptions stay off until a backend turns them on). */
    private static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException(call + " failed: " + CUresult.stringFor(result));
        }
    }
}
