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
    void theColoursAreTheStylesheetsOwn() throws IOException {
        for (Themes theme : Themes.values()) {
            String css;
            try (InputStream in = theme.url().openStream()) {
                css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(theme.background()).as(theme + " background").isEqualTo(colour(css, "-ss-background"));
            assertThat(theme.text()).as(theme + " text").isEqualTo(colour(css, "-ss-text"));
            assertThat(theme.textMuted()).as(theme + " muted text").isEqualTo(colour(css, "-ss-text-muted"));
            assertThat(theme.border()).as(theme + " border").isEqualTo(colour(css, "-ss-border"));
            assertThat(theme.surface()).as(theme + " surface").isEqualTo(colour(css, "-ss-surface"));
            assertThat(theme.accepted()).as(theme + " accepted").isEqualTo(colour(css, "-ss-accepted"));
            assertThat(theme.bonus()).as(theme + " bonus").isEqualTo(colour(css, "-ss-bonus"));
            assertThat(theme.rejected()).as(theme + " rejected").isEqualTo(colour(css, "-ss-rejected"));
            assertThat(theme.settingsMark()).as(theme + " settings mark").isEqualTo(colour(css, "-ss-settings-mark"));
        }
        assertThat(Themes.DARK.background().getBrightness()).isLessThan(Themes.LIGHT.background().getBrightness());
    }

    private static Color colour(String css, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + ":\\s*(#[0-9a-fA-F]{6})").matcher(css);
        assertThat(m.find()).as(name + " in the stylesheet").isTrue();
        return Color.web(m.group(1));
    }
}
