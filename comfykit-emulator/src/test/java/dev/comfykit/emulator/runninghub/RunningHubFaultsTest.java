package dev.comfykit.emulator.runninghub;

import static dev.comfykit.emulator.support.RunningHubClient.nodeInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.RunningHubClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The scriptable RunningHub faults, and the emulator's route faults on RunningHub's paths. */
class RunningHubFaultsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private RunningHubClient rh;
    private RunningHubEmulation emulation;

    @BeforeEach
    void setUp() {
        rh = new RunningHubClient(comfy.baseUrl(), RunningHubEmulation.DEFAULT_API_KEY);
        emulation = comfy.emulator().runningHub();
    }

    @AfterEach
    void tearDown() {
        comfy.faults().clear();
        assertThat(comfy.emulator().awaitIdle(Duration.ofSeconds(10))).isTrue();
    }

    private JsonNode createText() {
        return rh.create(RunningHubEmulation.TEXT_WORKFLOW_ID, null);
    }

    @Test
    void theNextCreatesFailWithTheScriptedCode() {
        long created = emulation.tasksCreated();
        emulation.failNextCreates(2, 421, null);

        JsonNode first = createText();
        JsonNode second = createText();
        JsonNode third = createText();

        assertThat(first.toString()).isEqualTo("{\"code\":421,\"msg\":\"TASK_QUEUE_MAXED\",\"data\":null}");
        assertThat(second.get("code").asInt()).isEqualTo(421);
        assertThat(third.get("code").asInt()).isZero();
        assertThat(emulation.tasksCreated()).isEqualTo(created + 1);
        rh.awaitEnd(third.get("data").get("taskId").asText());
    }

    @Test
    void scriptedFailuresApplyToAppRunsTooAndCarryTheGivenMessage() {
        emulation.failNextCreates(1, 415, "TASK_INSTANCE_MAXED").failNextCreates(1, 1003, "slow down");
        ObjectNode app = rh.body().put("webappId", RunningHubEmulation.T2I_APP_ID);
        app.set("nodeInfoList", nodeInfo("5", "width", 64, "5", "height", 64));

        assertThat(rh.call("/task/openapi/ai-app/run", app).toString())
                .isEqualTo("{\"code\":415,\"msg\":\"TASK_INSTANCE_MAXED\",\"data\":null}");
        assertThat(createText().toString()).isEqualTo("{\"code\":1003,\"msg\":\"slow down\",\"data\":null}");
        JsonNode ok = rh.call("/task/openapi/ai-app/run", app);
        assertThat(ok.get("code").asInt()).isZero();
        rh.awaitEnd(ok.get("data").get("taskId").asText());
    }

    @Test
    void clearingTheFaultsRemovesScriptedFailures() {
        emulation.failNextCreates(5, 802, null).maxConcurrentTasks(1);
        comfy.faults().clear();

        JsonNode answer = createText();

        assertThat(answer.get("code").asInt()).isZero();
        rh.awaitEnd(answer.get("data").get("taskId").asText());
        assertThatThrownBy(() -> emulation.maxConcurrentTasks(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulation.failNextCreates(0, 421, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theConcurrencyCapAnswers421WhileTheAccountHasThatManyOpenTasks() {
        emulation.maxConcurrentTasks(2);
        comfy.faults().stallExecution();
        String running = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, nodeInfo("1", "value", "a"));
        String queued = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, nodeInfo("1", "value", "b"));

        JsonNode full = createText();
        assertThat(full.toString()).isEqualTo("{\"code\":421,\"msg\":\"TASK_QUEUE_MAXED\",\"data\":null}");

        emulation.addApiKey("own-cap-key-000000000000000000000");
        RunningHubClient other = new RunningHubClient(comfy.baseUrl(), "own-cap-key-000000000000000000000");
        String othersTask = other.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, null);
        assertThat(othersTask).as("the cap is per account").isNotNull();

        assertThat(rh.cancel(queued).get("code").asInt()).isZero();
        JsonNode afterCancel = createText();
        assertThat(afterCancel.get("code").asInt()).as("a cancelled task frees its slot").isZero();
        assertThat(createText().get("code").asInt()).isEqualTo(421);

        comfy.faults().releaseStall();
        rh.awaitEnd(running);
        rh.awaitEnd(afterCancel.get("data").get("taskId").asText());
        JsonNode free = createText();
        assertThat(free.get("code").asInt()).isZero();
        rh.awaitEnd(free.get("data").get("taskId").asText());
        other.awaitEnd(othersTask);
    }

    @Test
    void routeFaultsWorkOnRunningHubPaths() {
        String taskId = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, null);
        rh.awaitEnd(taskId);
        long before = emulation.requestsReceived("/task/openapi/outputs");
        comfy.faults().failNext("POST", "/task/openapi/outputs", 2, 502);
        Client http = rh.http();
        String body = rh.body().put("taskId", taskId).toString();

        assertThat(http.post("/task/openapi/outputs", body).status()).isEqualTo(502);
        assertThat(http.post("/task/openapi/outputs", body).status()).isEqualTo(502);
        assertThat(rh.outputs(taskId).get("code").asInt()).isZero();
        assertThat(emulation.requestsReceived("/task/openapi/outputs")).as("faulted requests count too")
                .isEqualTo(before + 3);

        comfy.faults().failNext("POST", "/api/openapi/getJsonApiFormat", 1, 503);
        assertThat(http.post("/api/openapi/getJsonApiFormat", rh.body().put("workflowId", "1987654321").toString())
                .status()).isEqualTo(503);
        comfy.faults().failNext("POST", "/task/openapi/create", 1, 500, "boom");
        Client.Response failed = http.post("/task/openapi/create", rh.body().put("workflowId", "1987654321").toString());
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.text()).isEqualTo("boom");
        comfy.faults().failNext("GET", "/rh-cdn/*", 1, 503);
        String url = rh.outputs(taskId).get("data").get(0).get("fileUrl").asText();
        assertThat(new Client("").get(url).status()).isEqualTo(503);
        assertThat(new Client("").get(url).status()).isEqualTo(200);
    }
}
