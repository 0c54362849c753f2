package org.specscope.styles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import javafx.scene.paint.Color;
import org.junit.jupiter.api.Test;

class ColorMapsTest {

    private static double lightness(int argb) {
        return ColorMaps.Oklab.lightness(argb & 0xFFFFFF);
    }

    @Test
    void sequentialGetsLighterAllTheWay() {
        double last = -1;
        for (int i = 0; i <= 256; i++) {
            double l = lightness(ColorMaps.SEQUENTIAL.argb(i / 256.0));
            assertThat(l).as("lightness at %d/256", i).isGreaterThanOrEqualTo(last - 1e-3);
            last = l;
        }
        assertThat(lightness(ColorMaps.SEQUENTIAL.argb(1)) - lightness(ColorMaps.SEQUENTIAL.argb(0)))
                .as("a sequential map spans most of the lightness range").isGreaterThan(0.5);
    }

    @Test
    void sequentialEndpointsAreTheAnchors() {
        assertThat(ColorMaps.SEQUENTIAL.argb(0)).isEqualTo(0xFF440154);
        assertThat(ColorMaps.SEQUENTIAL.argb(1)).isEqualTo(0xFFFDE725);
        Color first = ColorMaps.sequential(0);
        assertThat(first.getRed() * 255).isCloseTo(0x44, within(0.5));
        assertThat(first.getBlue() * 255).isCloseTo(0x54, within(0.5));
    }

    @Test
    void positionsOutsideTheRangeAreClamped() {
        for (ColorMaps.ColorMap map : new ColorMaps.ColorMap[] {ColorMaps.SEQUENTIAL, ColorMaps.DIVERGING}) {
            assertThat(map.argb(-3)).isEqualTo(map.argb(0));
            assertThat(map.argb(Double.NEGATIVE_INFINITY)).isEqualTo(map.argb(0));
            assertThat(map.argb(Double.NaN)).isEqualTo(map.argb(0));
            assertThat(map.argb(1.5)).isEqualTo(map.argb(1));
            assertThat(map.argb(Double.POSITIVE_INFINITY)).isEqualTo(map.argb(1));
            assertThat(map.color(7)).isEqualTo(map.color(1));
        }
    }

    @Test
    void colorAndArgbAgreeAndAreOpaque() {
        for (int i = 0; i <= 100; i++) {
            double t = i / 100.0;
            int argb = ColorMaps.DIVERGING.argb(t);
            Color c = ColorMaps.DIVERGING.color(t);
            assertThat(argb >>> 24).isEqualTo(0xFF);
            assertThat((int) Math.round(c.getRed() * 255)).isEqualTo((argb >> 16) & 0xFF);
            assertThat((int) Math.round(c.getGreen() * 255)).isEqualTo((argb >> 8) & 0xFF);
            assertThat((int) Math.round(c.getBlue() * 255)).isEqualTo(argb & 0xFF);
        }
    }

    @Test
    void divergingIsLightestInTheMiddleAndDarkerTowardsBothEnds() {
        double last = -1;
        for (int i = 0; i <= 128; i++) {
            double l = lightness(ColorMaps.DIVERGING.argb(i / 256.0));
            assertThat(l).as("rising to the middle at %d/256", i).isGreaterThanOrEqualTo(last - 1e-3);
            last = l;
        }
        for (int i = 129; i <= 256; i++) {
            double l = lightness(ColorMaps.DIVERGING.argb(i / 256.0));
            assertThat(l).as("falling from the middle at %d/256", i).isLessThanOrEqualTo(last + 1e-3);
            last = l;
        }
        assertThat(ColorMaps.DIVERGING.argb(0.5)).isEqualTo(0xFFF7F7F7);
        // the two ends: one blue, one red, of similar lightness
        int low = ColorMaps.DIVERGING.argb(0);
        int high = ColorMaps.DIVERGING.argb(1);
        assertThat(low & 0xFF).isGreaterThan((low >> 16) & 0xFF);
        assertThat((high >> 16) & 0xFF).isGreaterThan(high & 0xFF);
        assertThat(Math.abs(lightness(low) - lightness(high))).isLessThan(0.1);
    }

    @Test
    void tablesSpanTheMap() {
        int[] table = ColorMaps.SEQUENTIAL.argbTable(256);
        assertThat(table).hasSize(256);
        assertThat(table[0]).isEqualTo(ColorMaps.SEQUENTIAL.argb(0));
        assertThat(table[255]).isEqualTo(ColorMaps.SEQUENTIAL.argb(1));
    }

    @Test
    void everyThemeHasItsStylesheet() {
        for (Themes theme : Themes.values()) {
            assertThat(theme.stylesheet()).endsWith(".css");
        }
        assertThat(Themes.DARK.isDark()).isTrue();
        assertThat(Themes.LIGHT.isDark()).isFalse();
    }
}
