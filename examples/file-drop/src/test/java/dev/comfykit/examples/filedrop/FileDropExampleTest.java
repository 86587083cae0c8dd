package dev.comfykit.examples.filedrop;

import dev.comfykit.emulator.ComfyUiEmulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quick start example works: every prompt file becomes a PNG of the requested size, named after it.
 */
class FileDropExampleTest {

    @Test
    void everyPromptFileBecomesAnImage(@TempDir Path work) throws Exception {
        try (ComfyUiEmulator emulator = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start()) {
            List<Path> images = FileDropExample.run(work, emulator.baseUrl(), FileDropExample.PROMPTS,
                    Duration.ofSeconds(60));

            assertThat(images).extracting(p -> p.getFileName().toString())
                    .containsExactly("prompt-1.png", "prompt-2.png", "prompt-3.png");
            for (Path image : images) {
                BufferedImage png = ImageIO.read(image.toFile());
                assertThat(png.getWidth()).isEqualTo(512);
                assertThat(png.getHeight()).isEqualTo(320);
            }
            assertThat(Files.list(work.resolve("inbox"))).as("prompt files are consumed").isEmpty();
            assertThat(emulator.receivedPromptBodies()).hasSize(3)
                    .anySatisfy(body -> assertThat(body).contains("a red fox asleep in the snow"));
        }
    }
}
