package dev.comfykit.examples.springboot;

import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example application, configured by its own application.yaml with COMFYUI_BASE_URL pointing at the emulator,
 * answers HTTP requests with generated images and with reasons when a request cannot be served.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringBootExampleTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    /** What a deployment sets in its environment; application.yaml turns it into the component's comfyui-url. */
    @DynamicPropertySource
    static void comfyUiServer(DynamicPropertyRegistry registry) {
        registry.add("COMFYUI_BASE_URL", comfy::baseUrl);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void answersWithAPngOfTheRequestedSizeForThePrompt() throws Exception {
        HttpResponse<byte[]> response = get("/images?prompt=a%20red%20fox%20in%20the%20snow&seed=42&width=128&height=96");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(png).as("decodes as an image").isNotNull();
        assertThat(png.getWidth()).isEqualTo(128);
        assertThat(png.getHeight()).isEqualTo(96);
        assertThat(comfy.emulator().lastPromptBody()).contains("a red fox in the snow", "\"seed\":42");
    }

    @Test
    void aRequestWithoutAPromptIsABadRequestThatSaysWhy() throws Exception {
        HttpResponse<byte[]> response = get("/images?seed=1");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .contains("\"detail\":\"Missing required param 'prompt' (string)").doesNotContain("Exchange[");
    }

    @Test
    void aSeedThatIsNotANumberIsABadRequestThatSaysWhy() throws Exception {
        HttpResponse<byte[]> response = get("/images?prompt=a%20cat&seed=abc");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("seed", "abc")
                .doesNotContain("Exchange[");
    }

    @Test
    void actuatorHealthShowsTheComfyKitProducersCheck() throws Exception {
        HttpResponse<byte[]> response = get("/actuator/health");

        String health = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(health).isEqualTo(200);
        assertThat(health).contains("\"status\":\"UP\"",
                "\"producer:comfykit-comfykit://classpath:workflows/t2i.json?headerParams=prompt,seed,width,height\":\"UP\"",
                "\"comfyui.url\":\"" + comfy.baseUrl() + "\"");
    }

    @Test
    void describesTheWorkflowThroughTheComfyKitBean() throws Exception {
        HttpResponse<byte[]> response = get("/describe");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .contains("\"prompt\"", "\"seed\"", "\"width\"", "\"height\"");
    }

    @Test
    void afterARunTheMetersAreAtTheActuatorAndInPrometheusFormat() throws Exception {
        assertThat(get("/images?prompt=a%20lighthouse&seed=7&width=64&height=64").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> execution = get("/actuator/metrics/comfykit.execution");
        String meter = new String(execution.body(), StandardCharsets.UTF_8);
        assertThat(execution.statusCode()).as(meter).isEqualTo(200);
        assertThat(meter).contains("\"name\":\"comfykit.execution\"", "\"statistic\":\"COUNT\"", "\"tag\":\"workflow\"",
                "\"t2i\"", "\"completed\"", comfy.baseUrl());
        assertThat(get("/actuator/metrics/comfykit.jobs.in.flight").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/metrics/comfykit.queue.depth").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> prometheus = get("/actuator/prometheus");
        String scrape = new String(prometheus.body(), StandardCharsets.UTF_8);
        assertThat(prometheus.statusCode()).as(scrape).isEqualTo(200);
        assertThat(scrape).contains("comfykit_execution_seconds_count{", "outcome=\"completed\"",
                "workflow=\"t2i\"", "comfykit_jobs_in_flight", "comfykit_queue_depth{server=\"" + comfy.baseUrl() + "\"");
    }

    @Test
    void theComfyKitDevConsoleIsServedByCamelsActuatorEndpoint() throws Exception {
        assertThat(get("/images?prompt=a%20harbour&seed=3&width=64&height=64").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> response = get("/actuator/camel/comfykit");

        String console = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(console).isEqualTo(200);
        assertThat(console).contains("\"jobsInFlight\"", "\"state\":\"UP\"", "\"recentErrors\"");
    }
}
