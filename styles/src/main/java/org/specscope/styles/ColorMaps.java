package org.specscope.styles;

import javafx.scene.paint.Color;

/**
 * Colour maps for data, readable by colour-blind eyes and in grey: a sequential map (viridis, for
 * counts and intensities) and a diverging map (blue - near white - red after ColorBrewer RdBu,
 * for signed differences around a midpoint).
 *
 * <p>Each map is a small table of anchor colours, evenly spaced over [0, 1] and interpolated
 * linearly in OKLab (a perceptual space: equal steps look roughly equal, and lightness moves
 * monotonically between anchors). Positions outside [0, 1] are clamped; NaN maps to 0. Colours
 * come as {@link Color} for drawing and as packed ARGB ints (opaque) for writing images; both
 * read one 1024-entry table, so they agree exactly.
 */
public final class ColorMaps {

    /** Perceptually uniform sequential map, dark purple (0) to yellow (1): matplotlib's viridis. */
    public static final ColorMap SEQUENTIAL = new ColorMap("viridis",
            0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725);

    /** Diverging map, dark blue (0) through near white (0.5) to dark red (1): ColorBrewer RdBu, reversed. */
    public static final ColorMap DIVERGING = new ColorMap("blue-red",
            0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B,
            0x67001F);

    private ColorMaps() {
    }

    /** {@link #SEQUENTIAL} at {@code t}. */
    public static Color sequential(double t) {
        return SEQUENTIAL.color(t);
    }

    /** {@link #DIVERGING} at {@code t}. */
    public static Color diverging(double t) {
        return DIVERGING.color(t);
    }

    /** One colour map: a lookup table built once from its anchors. */
    public static final class ColorMap {

        static final int SIZE = 1024;

        private final String name;
        private final int[] argb = new int[SIZE];
        private final Color[] colors = new Color[SIZE];

        ColorMap(String name, int... anchorsRgb) {
            this.name = name;
            double[][] lab = new double[anchorsRgb.length][];
            for (int i = 0; i < anchorsRgb.length; i++) {
                lab[i] = Oklab.fromRgb(anchorsRgb[i]);
            }
            int segments = anchorsRgb.length - 1;
            for (int i = 0; i < SIZE; i++) {
                double x = (double) i / (SIZE - 1) * segments;
                int s = Math.min((int) x, segments - 1);
                double f = x - s;
                double[] a = lab[s];
                double[] b = lab[s + 1];
                int rgb = Oklab.toRgb(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f);
                argb[i] = 0xFF000000 | rgb;
                colors[i] = Color.rgb((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
            }
        }

        public String name() {
            return name;
        }

        /** The colour at {@code t} in [0, 1] (clamped; NaN as 0). */
        public Color color(double t) {
            return colors[index(t)];
        }

        /** The colour at {@code t} as opaque packed ARGB, for {@code PixelWriter.setArgb} or a pixel buffer. */
        public int argb(double t) {
            return argb[index(t)];
        }

        /** A copy of the whole table, {@code size} entries evenly spaced over [0, 1], as opaque ARGB. */
        public int[] argbTable(int size) {
            if (size < 2) {
                throw new IllegalArgumentException("a colour table needs at least 2 entries, got " + size);
            }
            int[] table = new int[size];
            for (int i = 0; i < size; i++) {
                table[i] = argb((double) i / (size - 1));
            }
            return table;
        }

        private static int index(double t) {
            if (!(t > 0)) {
                return 0; // negative, zero and NaN
            }
            if (t >= 1) {
                return SIZE - 1;
            }
            return (int) Math.round(t * (SIZE - 1));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** sRGB to and from OKLab (Björn Ottosson, 2020). */
    static final class Oklab {

        private Oklab() {
        }

        /** OKLab {L, a, b} of a packed 0xRRGGBB colour. */
        static double[] fromRgb(int rgb) {
            double r = toLinear(((rgb >> 16) & 0xFF) / 255.0);
            double g = toLinear(((rgb >> 8) & 0xFF) / 255.0);
            double b = toLinear((rgb & 0xFF) / 255.0);
            double l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
            double m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
            double s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
            return new double[] {
                    0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
                    1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
                    0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s};
        }

        /** The packed 0xRRGGBB of an OKLab colour, clipped to the sRGB gamut. */
        static int toRgb(double lightness, double a, double b) {
            double l = cube(lightness + 0.3963377774 * a + 0.2158037573 * b);
            double m = cube(lightness - 0.1055613458 * a - 0.0638541728 * b);
            double s = cube(lightness - 0.0894841775 * a - 1.2914855480 * b);
            int r = channel(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s);
            int g = channel(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s);
            int bl = channel(-0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s);
            return (r << 16) | (g << 8) | bl;
        }

        /** OKLab lightness of a packed 0xRRGGBB colour, 0 (black) to 1 (white). */
        static double lightness(int rgb) {
            return fromRgb(rgb)[0];
        }

        private static double cube(double x) {
            return x * x * x;
        }

        private static double toLinear(double c) {
            return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
        }

        private static int channel(double linear) {
            double c = linear <= 0.0031308 ? 12.92 * linear : 1.055 * Math.pow(linear, 1 / 2.4) - 0.055;
            return (int) Math.round(Math.max(0, Math.min(1, c)) * 255);
        }
    }
}
