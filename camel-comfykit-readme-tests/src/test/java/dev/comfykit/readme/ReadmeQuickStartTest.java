package dev.comfykit.readme;

import dev.comfykit.camel.ComfyKitExpressions;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The two routes at the top of README.md, as written there. */
class ReadmeQuickStartTest extends DocumentedRoutesSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // docs:begin README.md
                from("file:inbox").to("comfykit:classpath:workflows/t2i.json").split(ComfyKitExpressions.outputFiles()).to("file:outbox");
                from("platform-http:/generate").to("comfykit:classpath:workflows/t2i.json?headerParams=prompt,seed");   // ?prompt=...&seed=42
                // docs:end
            }
        };
    }

    /** The folders of an earlier run would make the file test pass before the route has run. */
    @BeforeAll
    static void emptyTheRoutesFolders() throws IOException {
        for (String dir : new String[] {"inbox", "outbox"}) {
            Path path = Path.of(dir);
            if (Files.exists(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    @Test
    void aPromptFileInTheInboxBecomesAPictureInTheOutbox() throws Exception {
        Path inbox = Files.createDirectories(Path.of("inbox"));
        Path outbox = Path.of("outbox");
        Files.writeString(inbox.resolve("fox-" + System.nanoTime() + ".txt"), "a red fox", StandardCharsets.UTF_8);

        long deadline = System.currentTimeMillis() + 20_000;
        while (!hasPng(outbox) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(hasPng(outbox)).as("a PNG in %s", outbox.toAbsolutePath()).isTrue();
    }

    @Test
    void theGenerateEndpointTakesThePromptAndSeedFromTheQuery() throws Exception {
        HttpResponse<byte[]> answer = get("/generate?prompt=a%20cat&seed=42");

        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.statusCode()).as(body).isEqualTo(200);
        assertThat(body).contains("completed", "/view?");
        assertThat(comfy.emulator().lastPromptBody()).contains("a cat", "42");
    }

    private static boolean hasPng(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".png"));
        }
    }
}
