package org.specscope.engine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The ./specscope launcher finds a JDK 25 or says plainly what is missing (no build involved). */
class LauncherTest {

    /** Tests run with the engine module as working directory; the launcher sits one level up. */
    private static final Path LAUNCHER = Path.of("..", "specscope").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    record Result(int exitCode, String out, String err) {
    }

    private static Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().add("bash");
        pb.command().add(LAUNCHER.toString());
        pb.command().addAll(List.of(args));
        pb.environment().clear();
        pb.environment().put("HOME", System.getProperty("user.home"));
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void itPicksAJdkOfVersion25OrNewer() throws Exception {
        String javaHome = System.getProperty("java.home");
        Result r = launch(Map.of("JAVA_HOME", javaHome), "--java-home");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path jdk = Path.of(r.out().strip());
        assertThat(jdk.resolve("bin/java")).isExecutable();
        String release = Files.readString(jdk.resolve("release"));
        int feature = Integer.parseInt(release.replaceAll("(?s).*JAVA_VERSION=\"(\\d+).*", "$1"));
        assertThat(feature).isGreaterThanOrEqualTo(25);
        assertThat(jdk.toRealPath()).isEqualTo(Path.of(javaHome).toRealPath());
    }

    @Test
    void itFindsAJdkInTheInstallLocationsWhenJavaHomeIsWrong() throws Exception {
        Path jdkParent = Path.of(System.getProperty("java.home")).toRealPath().getParent();
        Result r = launch(Map.of("JAVA_HOME", tmp.toString(), "SPECSCOPE_JDK_DIRS", jdkParent.toString()), "--java-home");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Path.of(r.out().strip()).getParent()).isEqualTo(jdkParent);
    }

    @Test
    void withoutAnyJdk25ItSaysWhereItLookedAndWhatToInstall() throws Exception {
        Path fakeJdk17 = Files.createDirectories(tmp.resolve("jdk-17/bin"));
        Files.writeString(tmp.resolve("jdk-17/release"), "JAVA_VERSION=\"17.0.15\"\n");
        for (String tool : new String[]{"java", "javac"}) {
            Path bin = fakeJdk17.resolve(tool);
            Files.writeString(bin, "#!/bin/sh\nexit 0\n");
            bin.toFile().setExecutable(true);
        }
        Result r = launch(Map.of("JAVA_HOME", tmp.resolve("jdk-17").toString(), "SPECSCOPE_JDK_DIRS",
                tmp.resolve("nowhere").toString(), "PATH", fakeJdk17 + ":/bin"), "info");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("no JDK 25 or newer was found", tmp.resolve("jdk-17").toString(),
                "JAVA_HOME");
        assertThat(r.out()).isEmpty();
    }
}
