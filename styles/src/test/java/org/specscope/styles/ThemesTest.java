package org.specscope.styles;

import javafx.scene.paint.Color;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ThemesTest {

    @Test
    void theBackgroundAndTextColoursAreTheStylesheetsOwn() throws IOException {
        for (Themes theme : Themes.values()) {
            String css;
            try (InputStream in = theme.url().openStream()) {
                css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(theme.background()).as(theme + " background").isEqualTo(colour(css, "-ss-background"));
            assertThat(theme.text()).as(theme + " text").isEqualTo(colour(css, "-ss-text"));
        }
        assertThat(Themes.DARK.background().getBrightness()).isLessThan(Themes.LIGHT.background().getBrightness());
    }

    private static Color colour(String css, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + ":\\s*(#[0-9a-fA-F]{6})").matcher(css);
        assertThat(m.find()).as(name + " in the stylesheet").isTrue();
        return Color.web(m.group(1));
    }
}
