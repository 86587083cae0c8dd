package dev.comfykit.client.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ClientOption;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitBuilder;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ServerSpec;
import dev.comfykit.client.SubmissionException;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.internal.json.Json;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Labels per request ({@link ComfyKit#onServers}): they narrow the client's servers (never widen them), a selector
 * no server matches fails at once naming why, and every result and submission names the server that ran it.
 */
class PerRequestServerLabelsTest {

    private static final Map<String, Object> PARAMS = Map.of("prompt", "x", "width", 64, "height", 64);
    private static final String T2I = "classpath:workflows/t2i.json";

    private static final List<ComfyUiEmulator> servers = new ArrayList<>();

    @BeforeAll
    static void startServers() {
        for (int i = 0; i < 3; i++) {
            servers.add(ComfyUiEmulator.builder().stepTime(Duration.ZERO).start());
        }
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(ComfyUiEmulator::close);
        servers.clear();
    }

    @BeforeEach
    void reset() {
        servers.forEach(server -> {
            server.awaitIdle(Duration.ofSeconds(5));
            server.resetObservations();
        });
    }

    /** t4: {gpu=t4}; big: {gpu=a100, vram=80}; mid: {gpu=a100, vram=40}. */
    private static ComfyKitBuilder pool() {
        return ComfyKit.builder().environment(name -> null).timeout(Duration.ofSeconds(30)).servers(List.of(
                ServerSpec.of(servers.get(0).baseUrl()).withName("t4").withLabel("gpu", "t4"),
                ServerSpec.of(servers.get(1).baseUrl()).withName("big").withLabel("gpu", "a100")
                        .withLabel("vram", "80"),
                ServerSpec.of(servers.get(2).baseUrl()).withName("mid").withLabel("gpu", "a100")
                        .withLabel("vram", "40")));
    }

    private static List<ExecuteResult> runAll(ComfyKit.OnServers on, int count) {
        List<CompletableFuture<ExecuteResult>> runs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            runs.add(on.execute(T2I, PARAMS));
        }
        return runs.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void aRequestSelectorKeepsItsPromptsOnTheServersThatCarryTheLabels() {
        try (ComfyKit kit = pool().set(ClientOption.DISPATCH, "round-robin").build()) {
            List<ExecuteResult> a100 = runAll(kit.onServers("gpu=a100"), 6);
            assertThat(a100).allMatch(ExecuteResult::isCompleted);
            assertThat(a100).extracting(ExecuteResult::getServer).containsOnly("big", "mid").contains("big", "mid");
            assertThat(servers.get(0).promptsReceived()).isZero();

            List<ExecuteResult> big = runAll(kit.onServers(" vram = 80 "), 3);
            assertThat(big).extracting(ExecuteResult::getServer).containsOnly("big");

            // without a selector every server of the client is eligible
            List<ExecuteResult> any = runAll(kit.onServers(null), 6);
            assertThat(any).extracting(ExecuteResult::getServer).contains("t4", "big", "mid");
        }
    }

    @Test
    void aRequestSelectorOnlyNarrowsTheClientsServerLabels() {
        try (ComfyKit kit = pool().set(ClientOption.SERVER_LABELS, "gpu=a100").build()) {
            // t4 is not a server of this client: asking for it by label reaches nothing
            ExecuteResult result = kit.onServers("gpu=t4").execute(T2I, PARAMS).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(result.getMsg()).isEqualTo("No server can run workflow classpath:workflows/t2i.json: big ("
                    + servers.get(1).baseUrl() + ") does not match labels gpu=t4; mid (" + servers.get(2).baseUrl()
                    + ") does not match labels gpu=t4. Give servers the labels asked for (label.<key>=<value> in"
                    + " their servers entry), or ask for labels that a server carries.");
            assertThat(result.getServer()).isNull();
            assertThat(servers.get(0).promptsReceived()).isZero();

            assertThat(kit.onServers("vram=40").execute(T2I, PARAMS).join().getServer()).isEqualTo("mid");
        }
    }

    @Test
    void aSelectorNoServerMatchesFailsAtOnceWithoutSubmitting() {
        try (ComfyKit kit = pool().build()) {
            ExecuteResult result = kit.onServers("gpu=h100").execute(T2I, PARAMS).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(result.getMsg()).startsWith("No server can run workflow classpath:workflows/t2i.json: t4 (")
                    .contains("does not match labels gpu=h100");
            assertThatThrownBy(() -> kit.onServers("gpu=h100").submit(T2I, PARAMS).join())
                    .isInstanceOf(CompletionException.class).cause().isInstanceOf(SubmissionException.class)
                    .hasMessageContaining("does not match labels gpu=h100");
        }
        assertThat(servers).allMatch(server -> server.promptsReceived() == 0);
    }

    @Test
    void aSubmissionNamesItsServerAndIsAwaitedThere() {
        try (ComfyKit kit = pool().build()) {
            SubmittedPrompt prompt = kit.onServers("gpu=a100,vram=40").submit(T2I, PARAMS).join();

            assertThat(prompt.getServer()).isEqualTo("mid");
            ExecuteResult result = kit.await(prompt.getPromptId(), Duration.ofSeconds(10)).join();
            assertThat(result.isCompleted()).isTrue();
            assertThat(result.getServer()).isEqualTo("mid");
            assertThat(servers.get(2).promptsReceived()).isEqualTo(1);
        }
    }

    @Test
    void anUnreadableSelectorIsRefusedWhenTheViewIsMade() {
        try (ComfyKit kit = pool().build()) {
            assertThatThrownBy(() -> kit.onServers("=a100")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("empty key");
            assertThatThrownBy(() -> kit.onServers("gpu=a100,gpu=t4")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("asks for gpu twice");
            assertThat(kit.onServers("gpu = a100 , vram").selector()).isEqualTo("gpu=a100,vram");
            assertThat(kit.onServers(" ").selector()).isNull();
        }
    }

    @Test
    void aClientOfOneServerIsNamedByItsUrlAndHasNoLabels() throws Exception {
        String url = servers.get(0).baseUrl();
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(url).build()) {
            ExecuteResult result = kit.execute(T2I, PARAMS).join();
            assertThat(result.getServer()).isEqualTo(url).isEqualTo(kit.servers().get(0).name());
            JsonNode json = Json.mapper().readTree(result.toJson());
            assertThat(json.get("server").asText()).isEqualTo(url);
            assertThat(kit.submit(T2I, PARAMS).join().getServer()).isEqualTo(url);
            assertThat(kit.onServers("").execute(T2I, PARAMS).join().isCompleted()).isTrue();

            ExecuteResult labelled = kit.onServers("gpu=a100").execute(T2I, PARAMS).join();
            assertThat(labelled.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(labelled.getMsg()).isEqualTo("No server can run workflow classpath:workflows/t2i.json: " + url
                    + " does not match labels gpu=a100. Give servers the labels asked for (label.<key>=<value> in"
                    + " their servers entry), or ask for labels that a server carries.");
        }
        assertThat(servers.get(0).promptsReceived()).isEqualTo(3);
    }

    @Test
    void eachMemberReadsObjectInfoOnceAndTheLimitsCheckReusesIt() {
        try (ComfyKit kit = pool().set(ClientOption.DISPATCH, "round-robin").build()) {
            List<ExecuteResult> results = runAll(kit.onServers(null), 6);
            assertThat(results).allMatch(ExecuteResult::isCompleted);
            runAll(kit.onServers(null), 3);
        }
        for (ComfyUiEmulator server : servers) {
            assertThat(server.requestsReceived("GET", "/object_info")).isEqualTo(1);
            assertThat(server.requestsReceived("GET", "/object_info/*")).isZero();
        }
    }

    @Test
    void aClientOfOneServerStillChecksLimitsClassByClass() {
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(servers.get(1).baseUrl())
                .build()) {
            kit.execute(T2I, PARAMS).join().orThrow();
            kit.execute(T2I, PARAMS).join().orThrow();
        }
        assertThat(servers.get(1).requestsReceived("GET", "/object_info")).isZero();
        assertThat(servers.get(1).requestsReceived("GET", "/object_info/*")).isPositive();
    }
}
