package dev.comfykit.examples.yaml;

import dev.comfykit.emulator.ComfyUiEmulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The YAML route example generates its image and stops, without a warning.
 */
class YamlRouteExampleTest {

    @Test
    void theYamlRouteWritesTheGeneratedImage(@TempDir Path outbox) throws Exception {
        try (ComfyUiEmulator emulator = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start()) {
            PrintStream console = System.err;
            ByteArrayOutputStream logged = new ByteArrayOutputStream();
            System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
            try {
                YamlRouteExample.run(emulator.baseUrl(), outbox.toString());
            } finally {
                System.setErr(console);
            }
            console.print(logged.toString(StandardCharsets.UTF_8));
            assertThat(logged.toString(StandardCharsets.UTF_8)).as("our own YAML uses the canonical notation")
                    .doesNotContain("compact notation").doesNotContain("WARN");

            List<Path> files;
            try (var list = Files.list(outbox)) {
                files = list.toList();
            }
            assertThat(files).singleElement().satisfies(file -> {
                BufferedImage png = ImageIO.read(file.toFile());
                assertThat(png.getWidth()).isEqualTo(384);
                assertThat(png.getHeight()).isEqualTo(256);
            });
            assertThat(emulator.lastPromptBody()).contains("a watercolor of a mountain lake");
        }
    }
}
