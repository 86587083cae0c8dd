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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The quick start example works: every prompt file becomes a PNG of the requested size, named after it; a bad
 * file is moved to failed/ with its reason, once, and not retried.
 */
class FileDropExampleTest {

    @Test
    void everyPromptFileBecomesAnImageNamedAfterIt(@TempDir Path work) throws Exception {
        try (ComfyUiEmulator emulator = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start()) {
            FileDropExample.Outcome outcome = FileDropExample.run(work, emulator.baseUrl(), FileDropExample.PROMPTS,
                    Map.of(), Duration.ofSeconds(60));

            assertThat(outcome.images()).extracting(p -> p.getFileName().toString())
                    .containsExactly("prompt-1.png", "prompt-2.png", "prompt-3.png");
            for (Path image : outcome.images()) {
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
    void aBadFileIsMovedToFailedWithItsReasonAndNotRetried(@TempDir Path work) throws Exception {
        try (ComfyUiEmulator emulator = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start()) {
            PrintStream console = System.err;
            ByteArrayOutputStream logged = new ByteArrayOutputStream();
            System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
            FileDropExample.Outcome outcome;
            try {
                outcome = FileDropExample.run(work, emulator.baseUrl(), List.of("a lighthouse on a cliff"),
                        Map.of("bad.json", "{\"promt\": \"a cat\"}"), Duration.ofSeconds(60));
                Thread.sleep(500); // five more polls: a retry loop would show up as more log lines
            } finally {
                System.setErr(console);
            }

            assertThat(outcome.images()).extracting(p -> p.getFileName().toString()).containsExactly("prompt-1.png");
            Path failed = work.resolve("failed");
            assertThat(failed.resolve("bad.json")).as("the bad file itself, moved by moveFailed")
                    .hasContent("{\"promt\": \"a cat\"}");
            assertThat(outcome.errorFiles()).containsExactly(failed.resolve("bad.json.error.txt"));
            assertThat(Files.readString(failed.resolve("bad.json.error.txt"))).contains("promt", "prompt");

            List<String> warnings = logged.toString(StandardCharsets.UTF_8).lines()
                    .filter(line -> line.contains("WARN") || line.contains("ERROR")).toList();
            assertThat(warnings).as("one WARN line for the bad file, no stack trace, no retries").singleElement()
                    .satisfies(line -> assertThat(line).contains("WARN", "bad.json", "did you mean 'prompt'?"));
            assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain("\tat ");
            assertThat(Files.list(work.resolve("inbox"))).isEmpty();
            assertThat(Files.list(failed)).hasSize(2);
            assertThat(emulator.receivedPromptBodies()).as("the bad file never reached the server").hasSize(1);
        }
    }

    @Test
    void theQuickStartProgramStartsTheEmulatorAndPrintsTheWrittenImages(@TempDir Path work) throws Exception {
        String realServer = System.getenv("COMFYUI_BASE_URL");
        assumeTrue(realServer == null || realServer.isBlank(), "the quick start uses a real server when this is set");
        PrintStream console = System.out;
        PrintStream errors = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            FileDropExample.main(new String[]{work.toString()});
        } finally {
            System.setOut(console);
            System.setErr(errors);
        }
        assertThat(logged.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains("WARN")))
                .as("the demonstration bad file logs one WARN line").singleElement()
                .satisfies(line -> assertThat(line).contains("misspelled.json"));

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("Started the embedded ComfyUI emulator", "Generated 3 images:",
                "Moved 1 bad file(s) to failed/");
        for (String name : List.of("prompt-1.png", "prompt-2.png", "prompt-3.png")) {
            Path image = work.resolve("outbox").resolve(name).toAbsolutePath();
            assertThat(output).contains(image.toString());
            assertThat(image).isRegularFile();
        }
        assertThat(output).contains(work.resolve("failed").resolve("misspelled.json.error.txt").toAbsolutePath()
                .toString());
    }
}
