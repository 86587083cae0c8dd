package dev.comfykit.examples.springboot;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The quick start's embedded ComfyUI: started only when no server is configured, and stopped with the application.
 */
class EmbeddedComfyUiTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private int statusOf(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void startsAnEmulatorForTheApplicationWhenNoServerIsConfigured() throws Exception {
        String url;
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            new EmbeddedComfyUi().initialize(context);
            context.refresh();

            url = context.getEnvironment().getProperty("COMFYUI_BASE_URL");
            assertThat(url).startsWith("http://127.0.0.1:");
            assertThat(statusOf(url + "/system_stats")).isEqualTo(200);
        }

        String closed = url;
        assertThatThrownBy(() -> statusOf(closed + "/system_stats")).isInstanceOf(ConnectException.class);
    }

    @Test
    void leavesAConfiguredServerAlone() {
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("deployment",
                    Map.of("COMFYUI_BASE_URL", "http://comfy.internal:8188")));

            new EmbeddedComfyUi().initialize(context);

            assertThat(context.getEnvironment().getProperty("COMFYUI_BASE_URL")).isEqualTo("http://comfy.internal:8188");
            assertThat(context.getEnvironment().getPropertySources().contains("embeddedComfyUi")).isFalse();
        }
    }
}
