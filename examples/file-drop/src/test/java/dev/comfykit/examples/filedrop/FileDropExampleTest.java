package dev.comfykit.examples.filedrop;

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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    @Test
    void theQuickStartProgramStartsTheEmulatorAndPrintsTheWrittenImages(@TempDir Path work) throws Exception {
        String realServer = System.getenv("COMFYUI_BASE_URL");
        assumeTrue(realServer == null || realServer.isBlank(), "the quick start uses a real server when this is set");
        PrintStream console = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            FileDropExample.main(new String[]{work.toString()});
        } finally {
            System.setOut(console);
        }

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("Started the embedded ComfyUI emulator", "Generated 3 images:");
        for (String name : List.of("prompt-1.png", "prompt-2.png", "prompt-3.png")) {
            Path image = work.resolve("outbox").resolve(name).toAbsolutePath();
            assertThat(output).contains(image.toString());
            assertThat(image).isRegularFile();
        }
    }
}
