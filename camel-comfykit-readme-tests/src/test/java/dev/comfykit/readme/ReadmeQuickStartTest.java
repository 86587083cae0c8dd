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
import java.time.Duration;

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

    @BeforeAll
    static void emptyTheRoutesFolders() throws IOException {
        emptyFolders("inbox", "outbox");
    }

    @Test
    void aPromptFileInTheInboxBecomesAPictureInTheOutbox() throws Exception {
        assertThat(promptFileBecomesPng("inbox", "outbox")).isTrue();
    }

    @Test
    void theGenerateEndpointTakesThePromptAndSeedFromTheQuery() throws Exception {
        HttpResponse<byte[]> answer = get("/generate?prompt=a%20cat&seed=42");

        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.statusCode()).as(body).isEqualTo(200);
        assertThat(body).contains("completed", "/view?");
        assertThat(comfy.emulator().lastPromptBody()).contains("a cat", "42");
    }
}
