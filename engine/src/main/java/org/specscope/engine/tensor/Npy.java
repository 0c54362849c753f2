package org.specscope.engine.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format (version 1.0), the lingua franca for comparing arrays with Python:
 * little-endian float32 written, float32 or float64 read, C order only.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** An array read from a .npy file, widened to float64. */
    public record Array(long[] shape, double[] data) {
        public Array {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public double get(int row, int col) {
            return data[(int) (row * shape[1] + col)];
        }
    }

    private Npy() {
    }

    /** Writes {@code data} as a little-endian float32 array of {@code shape}. */
    public static void writeFloat32(Path file, float[] data, long... shape) throws IOException {
        if (Tensor.elementCount(shape) != data.length) {
            throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
        }
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText + ", }";
        // Pad with spaces so that magic + version + length + header ends on a 64-byte boundary, then '\n'.
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(MAGIC);
            out.write(new byte[]{1, 0});
            byte[] h = header.getBytes(StandardCharsets.US_ASCII);
            out.write(new byte[]{(byte) h.length, (byte) (h.length >> 8)});
            out.write(h);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : data) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(v);
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** Reads a C-order little-endian float32 or float64 .npy file. */
    public static Array read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IOException(file + ": not a .npy file (bad magic)");
        }
        int major = bytes[6];
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
            headerStart = 10;
        } else {
            headerLen = ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            headerStart = 12;
        }
        String header = new String(bytes, headerStart, headerLen, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, file, "descr");
        if (group(FORTRAN, header, file, "fortran_order").equals("True")) {
            throw new IOException(file + ": fortran_order arrays are not supported");
        }
        String dims = group(SHAPE, header, file, "shape").trim();
        long[] shape = dims.isEmpty() ? new long[0] : Arrays.stream(dims.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        int n = Math.toIntExact(Tensor.elementCount(shape));
        ByteBuffer data = ByteBuffer.wrap(bytes, headerStart + headerLen, bytes.length - headerStart - headerLen)
                .order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[n];
        switch (descr) {
            case "<f4" -> {
                for (int i = 0; i < n; i++) {
                    values[i] = data.getFloat();
                }
            }
            case "<f8" -> {
                for (int i = 0; i < n; i++) {
                    values[i] = data.getDouble();
                }
            }
            default -> throw new IOException(file + ": dtype " + descr + " is not supported (<f4, <f8)");
        }
        return new Array(shape, values);
    }

    private static String group(Pattern p, String header, Path file, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(file + ": .npy header lacks '" + key + "'");
        }
        return m.group(1);
    }
}
