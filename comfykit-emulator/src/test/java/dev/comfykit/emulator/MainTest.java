package dev.comfykit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command line flags. */
class MainTest {

    @Test
    void defaultsToPort8188AndComfyUiDefaults() {
        EmulatorOptions o = Main.parse(new String[0]).options();

        assertThat(o.port()).isEqualTo(8188);
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.dataDirectory()).isNull();
        assertThat(o.parallelism()).isEqualTo(1);
        assertThat(o.stepTime()).isEqualTo(Duration.ofMillis(20));
        assertThat(o.promptDelay()).isZero();
        assertThat(o.outputCache()).isTrue();
    }

    @Test
    void parsesEveryFlagInBothForms() {
        EmulatorOptions o = Main.parse(new String[] {"--port", "9000", "--host=0.0.0.0", "--data-dir", "/tmp/x",
                "--step-time", "0", "--parallelism=8", "--prompt-delay", "500", "--no-cache"}).options();

        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.dataDirectory()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.stepTime()).isZero();
        assertThat(o.parallelism()).isEqualTo(8);
        assertThat(o.promptDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.outputCache()).isFalse();
    }

    @Test
    void modelListsAndLeftOutNodesForRoutingTests() {
        EmulatorOptions o = Main.parse(new String[] {"--checkpoints", "a.safetensors, b.ckpt", "--loras=l.safetensors",
                "--vaes", "", "--without-nodes", "ImageBlur,SaveImage"}).options();
        assertThat(o.checkpoints()).containsExactly("a.safetensors", "b.ckpt");
        assertThat(o.loras()).containsExactly("l.safetensors");
        assertThat(o.vaes()).isEmpty();
        assertThat(o.withoutNodes()).containsExactlyInAnyOrder("ImageBlur", "SaveImage");
        assertThat(Main.USAGE).contains("--checkpoints", "--loras", "--vaes", "--without-nodes");
    }

    @Test
    void samplerPreviewsAreOffUnlessAsked() {
        assertThat(Main.parse(new String[0]).options().previewEvery()).isZero();
        assertThat(Main.parse(new String[] {"--preview-every", "4"}).options().previewEvery()).isEqualTo(4);
        assertThat(Main.USAGE).contains("--preview-every");
    }

    @Test
    void theProtocolFlagChoosesTheComfyUiVersion() {
        try (ComfyUiEmulator emulator = Main.parse(new String[] {"--protocol", "0.33.0", "--port", "0"}).start()) {
            assertThat(emulator.protocol()).isEqualTo(ProtocolVersion.V0_33_0);
        }
        assertThat(ProtocolVersion.parse("v0.3.44")).isEqualTo(ProtocolVersion.V0_3_44);
        assertThatThrownBy(() -> Main.parse(new String[] {"--protocol=1.0"}))
                .hasMessageContaining("0.3.44, 0.3.65, 0.33.0");
        assertThat(Main.USAGE).contains("--protocol");
    }

    @Test
    void helpGivesNoBuilder() {
        assertThat(Main.parse(new String[] {"--help"})).isNull();
        assertThat(Main.USAGE).contains("--port", "--host", "--data-dir", "--step-time", "--parallelism", "--prompt-delay");
    }

    @Test
    void rejectsUnknownFlagsAndBadValues() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--nope"})).hasMessageContaining("unknown option --nope");
        assertThatThrownBy(() -> Main.parse(new String[] {"--port"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Main.parse(new String[] {"--port", "abc"})).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Main.parse(new String[] {"--parallelism", "0"})).hasMessageContaining("between 1");
    }

    @Test
    void startsWithAKeptDataDirectoryAndPrintsTheBaseUrl(@TempDir Path dir) {
        ComfyUiEmulator.Builder builder = Main.parse(new String[] {"--port", "0", "--data-dir", dir.toString(), "--step-time", "0"});
        try (ComfyUiEmulator emulator = builder.start()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Main.printStarted(emulator, new PrintStream(out, true, StandardCharsets.UTF_8));

            assertThat(out.toString(StandardCharsets.UTF_8)).contains("listening on " + emulator.baseUrl())
                    .contains("RunningHub v1 and v2 emulation at " + emulator.runningHubUrl());
            assertThat(emulator.dataDirectory()).isEqualTo(dir.toAbsolutePath());
        }
        assertThat(dir.resolve("input/example.png")).exists();
        assertThat(dir.resolve("output")).isDirectory();
    }
}
