package dev.comfykit.emulator.runninghub;

import static dev.comfykit.emulator.support.RunningHubClient.nodeInfo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.RunningHubClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RunningHub v2 endpoints (runninghub-api.md §6): Bearer auth, the bare task object of §3.2, {@code query} for
 * tasks of either version, the binary upload, and the CANCEL status after v1's cancel.
 */
class RunningHubV2EndpointsTest {

    private static final String KEY = RunningHubEmulation.DEFAULT_API_KEY;

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client http;
    private RunningHubClient v1;

    @BeforeEach
    void setUp() {
        http = new Client(comfy.emulator().runningHubUrl());
        v1 = new RunningHubClient(comfy.emulator().runningHubUrl(), KEY);
    }

    private Client.Response post(String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request);
    }

    private JsonNode run(String workflowId, String body) {
        Client.Response r = post("/openapi/v2/run/workflow/" + workflowId, "Bearer " + KEY, body);
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    private JsonNode query(String taskId) {
        return post("/openapi/v2/query", "Bearer " + KEY, "{\"taskId\":\"" + taskId + "\"}").json();
    }

    private JsonNode awaitEnd(String taskId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode task = query(taskId);
            String status = task.get("status").asText();
            if (!status.equals("CREATE") && !status.equals("QUEUED") && !status.equals("RUNNING")) {
                return task;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("task " + taskId + " did not end");
    }

    @Test
    void aRunAnswersTheBareTaskObject() {
        JsonNode task = run(RunningHubEmulation.TEXT_WORKFLOW_ID,
                "{\"nodeInfoList\":" + nodeInfo("1", "value", "v2") + "}");

        assertThat(task.fieldNames()).toIterable().contains("taskId", "status", "errorCode", "errorMessage",
                "failedReason", "usage", "results", "clientId", "promptTips");
        assertThat(task.get("taskId").asText()).matches("[0-9]{19}");
        assertThat(task.get("status").asText()).isIn("QUEUED", "RUNNING", "SUCCESS");
        assertThat(task.get("errorCode").asText()).isEmpty();
        assertThat(task.has("code")).as("not enveloped").isFalse();
    }

    @Test
    void queryGivesResultsWithInlineTextAndUsage() {
        String taskId = run(RunningHubEmulation.TEXT_WORKFLOW_ID,
                "{\"nodeInfoList\":" + nodeInfo("1", "value", "Hey") + "}").get("taskId").asText();

        JsonNode task = awaitEnd(taskId);

        assertThat(task.get("status").asText()).isEqualTo("SUCCESS");
        JsonNode result = task.get("results").get(0);
        assertThat(result.get("outputType").asText()).isEqualTo("txt");
        assertThat(result.get("text").asText()).isEqualTo("Hey, from ComfyKit");
        assertThat(result.get("url").asText()).contains("/rh-cdn/" + taskId + "/");
        assertThat(http.get(URI.create(result.get("url").asText()).getRawPath()).text())
                .isEqualTo("Hey, from ComfyKit");
        assertThat(task.get("usage").get("consumeCoins").isTextual()).isTrue();
        assertThat(task.get("usage").get("taskCostTime").isTextual()).isTrue();
    }

    @Test
    void queryAnswersForATaskCreatedThroughV1() {
        String taskId = v1.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, nodeInfo("1", "value", "old"));

        JsonNode task = awaitEnd(taskId);

        assertThat(task.get("taskId").asText()).isEqualTo(taskId);
        assertThat(task.get("status").asText()).isEqualTo("SUCCESS");
    }

    @Test
    void aFailedTaskCarriesItsReason() {
        comfy.faults().failNode("KSampler", "torch.OutOfMemoryError", "CUDA out of memory");
        String taskId = run(RunningHubEmulation.T2I_WORKFLOW_ID, "{\"nodeInfoList\":[]}").get("taskId").asText();

        JsonNode task = awaitEnd(taskId);

        assertThat(task.get("status").asText()).isEqualTo("FAILED");
        assertThat(task.get("errorCode").asText()).isEqualTo("805");
        assertThat(task.get("errorMessage").asText()).contains("CUDA out of memory");
        assertThat(task.get("failedReason").get("exception_type").asText()).isEqualTo("torch.OutOfMemoryError");
        assertThat(task.get("failedReason").get("node_id").asText()).isEqualTo("3");
    }

    @Test
    void aTaskCancelledThroughV1sCancelIsCancelInV2() {
        comfy.faults().stallExecution();
        String taskId = run(RunningHubEmulation.T2I_WORKFLOW_ID, "{\"nodeInfoList\":[]}").get("taskId").asText();

        assertThat(v1.cancel(taskId).get("code").asInt()).isZero();

        comfy.faults().clear();
        assertThat(awaitEnd(taskId).get("status").asText()).isEqualTo("CANCEL");
        assertThat(v1.status(taskId)).as("v1 has no CANCEL status").isEqualTo("FAILED");
    }

    @Test
    void withoutABearerKeyTheAnswerIs401With1002() {
        long created = comfy.emulator().runningHub().tasksCreated();
        Client.Response r = post("/openapi/v2/run/workflow/" + RunningHubEmulation.T2I_WORKFLOW_ID, null,
                "{\"nodeInfoList\":[],\"apiKey\":\"" + KEY + "\"}");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("errorCode").asText()).isEqualTo("1002");
        assertThat(comfy.emulator().runningHub().tasksCreated()).as("the body's apiKey is not v2's key")
                .isEqualTo(created);
    }

    @Test
    void anUnknownOrOtherSiteKeyIsABusinessError() {
        JsonNode unknown = post("/openapi/v2/query", "Bearer nope", "{\"taskId\":\"1\"}").json();
        assertThat(unknown.get("errorCode").asText()).isEqualTo("1002");

        JsonNode otherSite = post("/openapi/v2/run/ai-app/" + RunningHubEmulation.T2I_APP_ID,
                "Bearer " + RunningHubEmulation.OTHER_SITE_API_KEY, "{\"nodeInfoList\":[]}").json();
        assertThat(otherSite.get("errorCode").asText()).isEqualTo("806");
        assertThat(otherSite.get("errorMessage").asText()).isEqualTo("APIKEY_USER_NOT_FOUND");
    }

    @Test
    void nodeInfoListIsRequiredAndMustMatchTheWorkflow() {
        assertThat(run(RunningHubEmulation.T2I_WORKFLOW_ID, "{}").get("errorCode").asText()).isEqualTo("1007");
        assertThat(run(RunningHubEmulation.T2I_WORKFLOW_ID, "{\"nodeInfoList\":" + nodeInfo("99", "x", 1) + "}")
                .get("errorCode").asText()).isEqualTo("1101");
    }

    @Test
    void anUnknownTaskIs1004() {
        assertThat(query("1999999999999999999").get("errorCode").asText()).isEqualTo("1004");
    }

    @Test
    void theWebhookUrlOfARunIsKeptOnTheTask() {
        comfy.faults().stallExecution();
        ObjectNode body = Client.MAPPER.createObjectNode();
        body.set("nodeInfoList", Client.MAPPER.createArrayNode());
        body.put("webhookUrl", "http://127.0.0.1:9/rh?token=abc");
        String taskId = run(RunningHubEmulation.T2I_WORKFLOW_ID, body.toString()).get("taskId").asText();

        RunningHubService service = (RunningHubService) comfy.emulator().runningHub();
        assertThat(service.tasks().findAny(taskId).webhookUrl).isEqualTo("http://127.0.0.1:9/rh?token=abc");
        v1.cancel(taskId);
    }

    @Test
    void theBinaryUploadGivesAFileNameForLoaderNodesAndADownloadUrl() {
        byte[] bytes = "not really a png".getBytes(StandardCharsets.UTF_8);
        String boundary = "----v2" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\""
                + "\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        Client.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base()
                        + "/openapi/v2/media/upload/binary"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));

        JsonNode answer = r.json();
        assertThat(answer.get("code").asInt()).isZero();
        assertThat(answer.get("message").asText()).isEqualTo("success");
        JsonNode data = answer.get("data");
        assertThat(data.get("fileName").asText()).matches("openapi/[0-9a-f]{64}\\.png");
        assertThat(data.get("type").asText()).isEqualTo("image");
        assertThat(data.get("size").asLong()).isEqualTo(bytes.length);
        assertThat(http.get(URI.create(data.get("download_url").asText()).getRawPath()).body()).isEqualTo(bytes);
    }
}
