package dev.comfykit.emulator.runninghub;

import static dev.comfykit.emulator.support.RunningHubClient.nodeInfo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.RunningHubClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A task's life through status, outputs and cancel: QUEUED → RUNNING → SUCCESS, FAILED with the reason only in
 * outputs (805), cancels of queued and running tasks, 807 and 817. Tasks are held in place with the stall fault
 * (the engine runs one prompt at a time), never with sleeps.
 */
class RunningHubTasksTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private RunningHubClient rh;

    @BeforeEach
    void setUp() {
        rh = new RunningHubClient(comfy.baseUrl(), RunningHubEmulation.DEFAULT_API_KEY);
    }

    @AfterEach
    void tearDown() {
        comfy.faults().clear();
        assertThat(comfy.emulator().awaitIdle(Duration.ofSeconds(10))).isTrue();
    }

    private static void assertCode(JsonNode answer, int code, String msg) {
        assertThat(answer.get("code").asInt()).as(answer.toString()).isEqualTo(code);
        assertThat(answer.get("msg").asText()).isEqualTo(msg);
    }

    /** A task the stalled engine has started: it stays RUNNING until the stall is released or it is cancelled. */
    private String runningTask(String text) {
        comfy.faults().stallExecution();
        String taskId = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, nodeInfo("1", "value", text));
        rh.awaitStatus(taskId, "RUNNING"::equals);
        return taskId;
    }

    @Test
    void aTaskGoesFromQueuedToRunningToSuccess() {
        String first = runningTask("first");
        String second = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, nodeInfo("1", "value", "second"));

        assertThat(rh.status(first)).isEqualTo("RUNNING");
        assertThat(rh.status(second)).isEqualTo("QUEUED");
        JsonNode running = rh.outputs(first);
        assertCode(running, 804, "APIKEY_TASK_IS_RUNNING");
        assertThat(running.get("data").isNull()).isTrue();
        JsonNode queued = rh.outputs(second);
        assertCode(queued, 813, "APIKEY_TASK_IS_QUEUED");
        assertThat(queued.get("data").isNull()).isTrue();
        JsonNode status = rh.onTask("/task/openapi/status", first);
        assertCode(status, 0, "success");
        assertThat(status.get("data").isTextual()).as("data is a bare string").isTrue();

        comfy.faults().releaseStall();

        assertThat(rh.awaitEnd(first)).isEqualTo("SUCCESS");
        assertThat(rh.awaitEnd(second)).isEqualTo("SUCCESS");
        assertCode(rh.outputs(second), 0, "success");
    }

    @Test
    void aFailedTaskSaysFailedInStatusAndWhyOnlyInOutputs() {
        comfy.faults().failNode("StringConcatenate", "RuntimeError", "CUDA out of memory");
        String taskId = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, null);

        assertThat(rh.awaitEnd(taskId)).isEqualTo("FAILED");
        JsonNode status = rh.onTask("/task/openapi/status", taskId);
        assertCode(status, 0, "success");
        assertThat(status.get("data").asText()).isEqualTo("FAILED");

        JsonNode answer = rh.outputs(taskId);
        assertCode(answer, 805, "APIKEY_TASK_STATUS_ERROR");
        JsonNode reason = answer.get("data").get("failedReason");
        assertThat(reason.fieldNames()).toIterable().containsExactly("node_id", "node_name", "exception_type",
                "exception_message", "traceback", "current_inputs", "current_outputs");
        assertThat(reason.get("node_id").asText()).isEqualTo("2");
        assertThat(reason.get("node_name").asText()).isEqualTo("StringConcatenate");
        assertThat(reason.get("exception_type").asText()).isEqualTo("RuntimeError");
        assertThat(reason.get("exception_message").asText()).contains("CUDA out of memory");
        assertThat(reason.get("traceback").isTextual()).as("traceback is a JSON string").isTrue();
        JsonNode traceback = Client.json(reason.get("traceback").asText());
        assertThat(traceback.isArray()).isTrue();
        assertThat(traceback).isNotEmpty();
        assertThat(reason.get("current_inputs").asText()).isEqualTo("{}");
        assertThat(reason.get("current_outputs").asText()).isEqualTo("{}");
    }

    @Test
    void cancellingAQueuedTaskRemovesItAndItReportsFailed() {
        String running = runningTask("running");
        String queued = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, nodeInfo("1", "value", "queued"));
        String promptId = comfy.emulator().runningHub().promptIdOf(queued);
        assertThat(rh.http().get("/queue").json().get("queue_pending").get(0).get(1).asText())
                .as("the task waits in ComfyUI's own queue").isEqualTo(promptId);

        JsonNode answer = rh.cancel(queued);

        assertCode(answer, 0, "success");
        assertThat(answer.get("data").isNull()).isTrue();
        assertThat(rh.status(queued)).isEqualTo("FAILED");
        JsonNode outputs = rh.outputs(queued);
        assertCode(outputs, 805, "APIKEY_TASK_STATUS_ERROR");
        assertThat(outputs.get("data").get("failedReason").get("exception_message").asText()).contains("cancelled");
        assertThat(rh.http().get("/queue").text()).as("gone from ComfyUI's queue").doesNotContain(promptId);
        assertCode(rh.cancel(queued), 817, "APIKEY_TASK_CANCEL_NOT_ALLOWED");
        assertThat(rh.status(running)).isEqualTo("RUNNING");
    }

    @Test
    void cancellingARunningTaskInterruptsIt() {
        String taskId = runningTask("doomed");

        assertCode(rh.cancel(taskId), 0, "success");

        assertThat(rh.awaitEnd(taskId)).isEqualTo("FAILED");
        JsonNode reason = rh.outputs(taskId).get("data").get("failedReason");
        assertThat(reason.get("exception_type").asText()).isEqualTo("comfy.model_management.InterruptProcessingException");
        assertThat(reason.get("exception_message").asText()).contains("cancelled");
        assertThat(reason.get("node_id").asText()).as("the node it was interrupted at").isEqualTo("1");
        JsonNode history = rh.http().awaitHistory(comfy.emulator().runningHub().promptIdOf(taskId));
        JsonNode messages = history.get("status").get("messages");
        assertThat(messages.get(messages.size() - 1).get(0).asText()).isEqualTo("execution_interrupted");
    }

    @Test
    void aFinishedTaskCannotBeCancelled() {
        String taskId = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, null);
        assertThat(rh.awaitEnd(taskId)).isEqualTo("SUCCESS");

        JsonNode answer = rh.cancel(taskId);

        assertCode(answer, 817, "APIKEY_TASK_CANCEL_NOT_ALLOWED");
        assertThat(answer.get("data").isNull()).isTrue();
        assertThat(rh.status(taskId)).isEqualTo("SUCCESS");
    }

    @Test
    void unknownTasksAndOtherAccountsTasksAre807() {
        String unknown = "1234567890123456789";
        for (String path : new String[]{"/task/openapi/status", "/task/openapi/outputs", "/task/openapi/cancel"}) {
            JsonNode answer = rh.onTask(path, unknown);
            assertCode(answer, 807, "APIKEY_TASK_NOT_FOUND");
            assertThat(answer.get("data").isNull()).isTrue();
        }
        String taskId = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, null);
        comfy.emulator().runningHub().addApiKey("another-account-key-0000000000000");
        RunningHubClient other = new RunningHubClient(comfy.baseUrl(), "another-account-key-0000000000000");
        assertCode(other.onTask("/task/openapi/status", taskId), 807, "APIKEY_TASK_NOT_FOUND");
        assertCode(other.cancel(taskId), 807, "APIKEY_TASK_NOT_FOUND");
        rh.awaitEnd(taskId);
    }

    @Test
    void openTasksAreTheAccountsCurrentTaskCount() {
        String running = runningTask("one");
        rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, nodeInfo("1", "value", "two"));
        String body = "{\"apikey\": \"" + RunningHubEmulation.DEFAULT_API_KEY + "\"}";

        assertThat(rh.call("/uc/openapi/accountStatus", body).get("data").get("currentTaskCounts").asText())
                .isEqualTo("2");
        rh.cancel(running);
        rh.awaitEnd(running);
        comfy.faults().releaseStall();
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
        assertThat(rh.call("/uc/openapi/accountStatus", body).get("data").get("currentTaskCounts").asText())
                .isEqualTo("0");
    }

    @Test
    void aTaskLostInAComfyUiRestartFails() {
        String taskId = runningTask("lost");

        comfy.faults().restart();

        assertThat(rh.status(taskId)).isEqualTo("FAILED");
        JsonNode reason = rh.outputs(taskId).get("data").get("failedReason");
        assertThat(reason.get("exception_message").asText()).contains("lost");
    }
}
