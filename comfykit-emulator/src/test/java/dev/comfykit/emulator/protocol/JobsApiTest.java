package dev.comfykit.emulator.protocol;

import static dev.comfykit.emulator.support.Frames.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.ProtocolVersion;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Socket;
import dev.comfykit.emulator.support.Workflows;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The v0.33.0 protocol: the jobs API, UUID prompt ids, no secrets in the queue (protocol §12). */
class JobsApiTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(
            b -> b.stepTime(Duration.ZERO).protocol(ProtocolVersion.V0_33_0));

    private static final AtomicInteger COLORS = new AtomicInteger(300_000);

    private Client client;
    private Socket socket;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
        socket = client.socket("clientJ");
    }

    @AfterEach
    void tearDown() {
        comfy.faults().releaseStall();
        comfy.emulator().awaitIdle(Duration.ofSeconds(10));
        socket.close();
    }

    private JsonNode submit(String prompt, String extra) {
        Client.Response r = client.post("/prompt", "{\"prompt\": " + prompt + ", \"client_id\": \"clientJ\"" + extra + "}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    private String startBlocking(String id) {
        comfy.faults().stallExecution();
        submit(Workflows.emptyToSave(COLORS.incrementAndGet(), "jobs_slow"), ", \"prompt_id\": \"" + id + "\"");
        socket.await(f -> ofType("executing").test(f) && !f.get("data").get("node").isNull()
                && id.equals(f.get("data").get("prompt_id").asText()), Duration.ofSeconds(5));
        return id;
    }

    @Test
    void aFinishedJobCarriesItsOutputsStatusAndWorkflow() {
        String id = "3c0a7d4e-1b2c-4d5e-8f90-0123456789ab";
        submit(Workflows.emptyToSave(COLORS.incrementAndGet(), "jobs_done"), ", \"prompt_id\": \"" + id + "\"");
        client.awaitHistory(id);

        Client.Response r = client.get("/api/jobs/" + id);
        assertThat(r.status()).isEqualTo(200);
        JsonNode job = r.json();
        assertThat(job.fieldNames()).toIterable().containsExactly("id", "status", "priority", "create_time",
                "execution_start_time", "execution_end_time", "outputs_count", "preview_output", "outputs",
                "execution_status", "workflow");
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("outputs_count").asInt()).isEqualTo(1);
        assertThat(job.get("preview_output").get("nodeId").asText()).isEqualTo("2");
        assertThat(job.get("preview_output").get("mediaType").asText()).isEqualTo("images");
        assertThat(job.get("outputs")).isEqualTo(client.awaitHistory(id).get("outputs"));
        assertThat(job.get("execution_status").get("status_str").asText()).isEqualTo("success");
        assertThat(job.get("workflow").get("prompt").has("2")).isTrue();
        assertThat(job.get("workflow").get("extra_data").get("client_id").asText()).isEqualTo("clientJ");
    }

    @Test
    void unknownJobsAre404WithAJsonError() {
        Client.Response r = client.get("/api/jobs/00000000-0000-4000-8000-000000000000");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json()).isEqualTo(Client.json("{\"error\": \"Job not found\"}"));
        assertThat(client.post("/api/jobs/00000000-0000-4000-8000-000000000000/cancel", "").json())
                .isEqualTo(Client.json("{\"cancelled\": false}"));
    }

    @Test
    void listingFiltersByStatusAndPaginates() {
        String running = startBlocking("aaaaaaaa-0000-4000-8000-000000000001");
        JsonNode pending = submit(Workflows.emptyToSave(COLORS.incrementAndGet(), "jobs_p"), "");

        JsonNode list = client.get("/api/jobs?status=in_progress,pending").json();
        assertThat(list.get("jobs")).extracting(j -> j.get("id").asText())
                .containsExactlyInAnyOrder(running, pending.get("prompt_id").asText());
        assertThat(list.get("pagination")).isEqualTo(Client.json(
                "{\"offset\": 0, \"limit\": null, \"total\": 2, \"has_more\": false}"));
        JsonNode one = client.get("/api/jobs?status=pending&limit=1").json();
        assertThat(one.get("jobs").get(0).fieldNames()).toIterable()
                .containsExactly("id", "status", "priority", "create_time", "outputs_count");
        assertThat(client.get("/api/jobs?status=bogus").status()).isEqualTo(400);
        assertThat(client.get("/api/jobs?limit=0").json().get("error").asText())
                .isEqualTo("limit must be a positive integer");
    }

    @Test
    void cancelInterruptsOnlyTheRunningJobAndDequeuesAPendingOne() {
        String running = startBlocking("bbbbbbbb-0000-4000-8000-000000000001");
        String pending = submit(Workflows.emptyToSave(COLORS.incrementAndGet(), "jobs_c"), "").get("prompt_id").asText();

        assertThat(client.post("/api/jobs/" + pending + "/cancel", "").json().get("cancelled").asBoolean()).isTrue();
        assertThat(client.get("/api/jobs/" + pending).status()).isEqualTo(404);
        assertThat(client.get("/api/jobs/" + running).json().get("status").asText()).isEqualTo("in_progress");

        assertThat(client.post("/api/jobs/" + running + "/cancel", "").json().get("cancelled").asBoolean()).isTrue();
        comfy.faults().releaseStall();
        client.awaitHistory(running);
        assertThat(client.get("/api/jobs/" + running).json().get("status").asText()).isEqualTo("cancelled");
        assertThat(client.post("/api/jobs/" + running + "/cancel", "").json().get("cancelled").asBoolean()).isFalse();
    }

    @Test
    void batchCancelRefusesMalformedIds() {
        Client.Response r = client.post("/api/jobs/cancel", "{\"job_ids\": [\"nope\", 3]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(Client.json(
                "{\"error\": \"job_ids contains invalid id(s)\", \"invalid_ids\": [\"nope\", \"3\"]}"));
    }

    @Test
    void promptIdsMustBeCanonicalUuidsAndSecretsStayOutOfTheQueue() {
        Client.Response r = client.post("/prompt", "{\"prompt\": " + Workflows.emptyToSave(1, "x")
                + ", \"prompt_id\": \"12345\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("type").asText()).isEqualTo("invalid_prompt_id");

        String id = startBlocking("cccccccc-0000-4000-8000-000000000001");
        String secret = submit(Workflows.emptyToSave(COLORS.incrementAndGet(), "jobs_s"),
                ", \"extra_data\": {\"api_key_comfy_org\": \"secret-key\"}").get("prompt_id").asText();
        String queue = client.get("/queue").text();
        assertThat(queue).contains(id, secret, "create_time").doesNotContain("secret-key");
    }

    @Test
    void theOlderProtocolHasNoJobsApi() {
        try (var old = dev.comfykit.emulator.ComfyUiEmulator.builder().protocol(ProtocolVersion.V0_3_65).start()) {
            Client oldClient = new Client(old.baseUrl());
            assertThat(oldClient.get("/api/jobs").status()).isEqualTo(404);
            assertThat(oldClient.post("/prompt", "{\"prompt\": " + Workflows.emptyToSave(1, "x")
                    + ", \"prompt_id\": \"12345\"}").json().get("prompt_id").asText()).isEqualTo("12345");
        }
        assertThat(client.get("/system_stats").json().get("system").get("comfyui_version").asText())
                .isEqualTo("0.33.0");
    }
}
