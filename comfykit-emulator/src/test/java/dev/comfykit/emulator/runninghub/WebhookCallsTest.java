package dev.comfykit.emulator.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import dev.comfykit.emulator.support.RunningHubClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** RunningHub's webhook (runninghub-api.md §5): the v1 callback of a task created with a {@code webhookUrl}. */
class WebhookCallsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private final BlockingQueue<JsonNode> calls = new LinkedBlockingQueue<>();
    private HttpServer server;
    private RunningHubClient rh;
    private RunningHubEmulation emulation;

    @BeforeEach
    void setUp() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                calls.add(JSON.readTree(in.readAllBytes()));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        rh = new RunningHubClient(comfy.baseUrl(), RunningHubEmulation.DEFAULT_API_KEY);
        emulation = comfy.emulator().runningHub();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
        comfy.faults().clear();
    }

    private String hook() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=abc";
    }

    private String createWithWebhook(String workflowId, String url) {
        JsonNode answer = rh.call("/task/openapi/create", rh.body().put("workflowId", workflowId)
                .put("webhookUrl", url));
        assertThat(answer.path("code").asInt()).isZero();
        return answer.path("data").path("taskId").asText();
    }

    @Test
    void anEndedTaskIsPostedInTheV1ShapeWithTheOutputsAsAJsonString() throws Exception {
        String taskId = createWithWebhook(RunningHubEmulation.TEXT_WORKFLOW_ID, hook());

        JsonNode call = calls.poll(10, TimeUnit.SECONDS);

        assertThat(call).isNotNull();
        assertThat(call.path("event").asText()).isEqualTo("TASK_END");
        assertThat(call.path("taskId").asText()).isEqualTo(taskId);
        JsonNode eventData = JSON.readTree(call.path("eventData").asText());
        assertThat(eventData.path("code").asInt()).isZero();
        assertThat(eventData.path("data").get(0).path("fileUrl").asText()).contains("/rh-cdn/" + taskId + "/");
    }

    @Test
    void aFailedTaskCarriesThe805AnswerAndDuplicatesAreSentAsAsked() throws Exception {
        comfy.faults().failNode("VAEDecode", "RuntimeError", "VRAM alarm");
        emulation.duplicateWebhooks(1);

        String taskId = createWithWebhook(RunningHubEmulation.T2I_WORKFLOW_ID, hook());

        JsonNode first = calls.poll(10, TimeUnit.SECONDS);
        JsonNode second = calls.poll(10, TimeUnit.SECONDS);
        assertThat(first).isEqualTo(second);
        assertThat(first.path("taskId").asText()).isEqualTo(taskId);
        JsonNode eventData = JSON.readTree(first.path("eventData").asText());
        assertThat(eventData.path("code").asInt()).isEqualTo(805);
        assertThat(eventData.path("data").path("failedReason").path("exception_message").asText())
                .contains("VRAM alarm");
    }

    @Test
    void droppedWebhooksAndNonLoopbackUrlsAreNeverCalled() {
        long sent = emulation.webhooksSent();
        emulation.dropWebhooks();
        rh.awaitEnd(createWithWebhook(RunningHubEmulation.TEXT_WORKFLOW_ID, hook()));
        comfy.faults().clear();
        rh.awaitEnd(createWithWebhook(RunningHubEmulation.TEXT_WORKFLOW_ID, "http://192.0.2.10/hook"));

        assertThat(emulation.webhooksSent()).isEqualTo(sent);
        assertThat(calls).isEmpty();
    }
}
