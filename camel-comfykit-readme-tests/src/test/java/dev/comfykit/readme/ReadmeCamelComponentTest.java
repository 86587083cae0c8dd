package dev.comfykit.readme;

import dev.comfykit.camel.ComfyKitExpressions;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The route of README.md's "The Camel component" section, as written there (over the WebSocket executor). */
class ReadmeCamelComponentTest extends DocumentedRoutesSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @BeforeAll
    static void emptyTheRoutesFolders() throws IOException {
        emptyFolders("inbox", "outbox");
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // docs:begin README.md
                from("file:inbox?include=.*\\.txt")
                    .to("comfykit:classpath:workflows/t2i.json?param.width=768&executorType=WEBSOCKET")
                    .split(ComfyKitExpressions.outputFiles())
                    .to("file:outbox");
                // docs:end
            }
        };
    }

    @Test
    void aPromptFileInTheInboxBecomesAPictureInTheOutbox() throws Exception {
        assertThat(promptFileBecomesPng("inbox", "outbox")).isTrue();
    }
}
