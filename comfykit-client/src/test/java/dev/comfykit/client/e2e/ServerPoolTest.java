package dev.comfykit.client.e2e;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitBuilder;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.ServerSpec;
import dev.comfykit.client.ServerStatus;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * A pool of emulated ComfyUI servers in one JVM: dispatch spreads the work, caps hold, and prompts move off servers
 * that refuse connections or forget them, completing once.
 */
class ServerPoolTest {

    private static final Map<String, Object> PARAMS = Map.of("prompt", "x", "width", 64, "height", 64);
    private static final String T2I = "classpath:workflows/t2i.json";

    private static final List<ComfyUiEmulator> servers = new ArrayList<>();

    @BeforeAll
    static void startServers() {
        for (int i = 0; i < 3; i++) {
            servers.add(ComfyUiEmulator.builder().stepTime(Duration.ofMillis(5)).start());
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

    @AfterEach
    void clearFaults() {
        servers.forEach(server -> server.faults().clear());
    }

    private static ComfyKitBuilder pool(List<ServerSpec> specs) {
        return ComfyKit.builder().environment(name -> null).servers(specs).timeout(Duration.ofSeconds(30))
                .lostPromptGrace(Duration.ofMillis(300));
    }

    private static List<ServerSpec> all() {
        List<ServerSpec> specs = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            specs.add(ServerSpec.of(servers.get(i).baseUrl()).withName("gpu" + i));
        }
        return specs;
    }

    private static String closedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static List<ExecuteResult> runAll(ComfyKit kit, int count) {
        List<CompletableFuture<ExecuteResult>> runs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            runs.add(kit.execute(T2I, PARAMS));
        }
        return runs.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void leastQueueSpreadsConcurrentPromptsEvenly() {
        try (ComfyKit kit = pool(all()).build()) {
            List<ExecuteResult> results = runAll(kit, 12);

            assertThat(results).allMatch(ExecuteResult::isCompleted);
            assertThat(servers).allSatisfy(server -> assertThat(server.promptsReceived()).isEqualTo(4));
            assertThat(kit.resubmissions()).isZero();
        }
    }

    @Test
    void leastQueueCountsOtherClientsWorkFromTheServersQueue() {
        ComfyUiEmulator busy = servers.get(0);
        ComfyUiEmulator free = servers.get(1);
        busy.faults().stallExecution();
        try (ComfyKit other = ComfyKit.builder().environment(name -> null).comfyuiUrl(busy.baseUrl()).build();
             ComfyKit kit = pool(List.of(ServerSpec.of(busy.baseUrl()), ServerSpec.of(free.baseUrl()))).build()) {
            for (int i = 0; i < 3; i++) {
                other.submit(T2I, PARAMS).join();
            }
            // the pool reads every server's queue each second
            await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
            busy.resetObservations();

            List<ExecuteResult> results = runAll(kit, 3);

            assertThat(results).allMatch(ExecuteResult::isCompleted);
            assertThat(free.promptsReceived()).isEqualTo(3);
            assertThat(busy.promptsReceived()).isZero();
        } finally {
            busy.faults().releaseStall();
        }
    }

    @Test
    void roundRobinTakesTurnsEvenWhenServersAreIdle() {
        try (ComfyKit kit = pool(all()).set(dev.comfykit.client.ClientOption.DISPATCH, "round-robin").build()) {
            for (int i = 0; i < 6; i++) {
                assertThat(kit.execute(T2I, PARAMS).join().isCompleted()).isTrue();
            }
            assertThat(servers).allSatisfy(server -> assertThat(server.promptsReceived()).isEqualTo(2));
        }
    }

    @Test
    void firstIdleKeepsSequentialWorkOnTheFirstServer() {
        try (ComfyKit kit = pool(all()).set(dev.comfykit.client.ClientOption.DISPATCH, "first-idle").build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(kit.execute(T2I, PARAMS).join().isCompleted()).isTrue();
            }
            assertThat(servers.get(0).promptsReceived()).isEqualTo(3);
            assertThat(servers.get(1).promptsReceived()).isZero();
        }
    }

    @Test
    void promptsBeyondEveryCapWaitInTheClientNotOnTheServers() {
        List<ServerSpec> capped = List.of(ServerSpec.of(servers.get(0).baseUrl()).withMaxInFlight(1),
                ServerSpec.of(servers.get(1).baseUrl()).withMaxInFlight(1));
        servers.get(0).faults().stallExecution();
        servers.get(1).faults().stallExecution();
        try (ComfyKit kit = pool(capped).build()) {
            List<CompletableFuture<ExecuteResult>> runs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                runs.add(kit.execute(T2I, PARAMS));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> servers.get(0).queueRemaining() == 1
                    && servers.get(1).queueRemaining() == 1);
            // the others wait in the client: nothing more reaches either server while both are at their cap
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() ->
                    servers.get(0).promptsReceived() + servers.get(1).promptsReceived() == 2);
            assertThat(runs).noneMatch(CompletableFuture::isDone);

            servers.get(0).faults().releaseStall();
            servers.get(1).faults().releaseStall();

            assertThat(runs.stream().map(CompletableFuture::join)).allMatch(ExecuteResult::isCompleted);
            assertThat(servers.get(0).promptsReceived() + servers.get(1).promptsReceived()).isEqualTo(5);
        }
    }

    @Test
    void aServerThatRefusesConnectionsLosesItsPromptsToTheOthers() throws IOException {
        List<ServerSpec> specs = List.of(ServerSpec.of(closedPortUrl()).withName("dead"),
                ServerSpec.of(servers.get(0).baseUrl()).withName("live"));
        try (ComfyKit kit = pool(specs).set(dev.comfykit.client.ClientOption.DISPATCH, "round-robin").build()) {
            List<ExecuteResult> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(kit.execute(T2I, PARAMS).join());
            }

            assertThat(results).allMatch(ExecuteResult::isCompleted);
            assertThat(servers.get(0).promptsReceived()).isEqualTo(4);
            // each prompt that tried the dead server was moved to the live one; once its health is DOWN it is
            // not tried any more, so how many tried it depends on how fast the health check concluded
            assertThat(kit.resubmissions()).isBetween(1L, 4L);
        }
    }

    @Test
    void serverLabelsKeepAClientOnTheServersThatCarryThem() {
        List<ServerSpec> specs = List.of(
                ServerSpec.of(servers.get(0).baseUrl()).withName("small").withLabel("gpu", "t4"),
                ServerSpec.of(servers.get(1).baseUrl()).withName("big").withLabel("gpu", "a100"),
                ServerSpec.of(servers.get(2).baseUrl()).withName("plain"));
        try (ComfyKit kit = pool(specs).set(dev.comfykit.client.ClientOption.SERVER_LABELS, "gpu=a100").build()) {
            runAll(kit, 4);

            assertThat(servers.get(1).promptsReceived()).isEqualTo(4);
            assertThat(kit.servers()).extracting(ServerStatus::name).containsExactly("big");
        }
        assertThat(servers.get(0).promptsReceived() + servers.get(2).promptsReceived()).isZero();
    }

    @Test
    void serverLabelsThatMatchNoServerFailWhenTheClientIsBuilt() {
        List<ServerSpec> specs = List.of(ServerSpec.of(servers.get(0).baseUrl()).withName("small")
                .withLabel("gpu", "t4"));

        assertThatThrownBy(() -> pool(specs).set(dev.comfykit.client.ClientOption.SERVER_LABELS, "gpu=a100").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serverLabels 'gpu=a100' matches none of the servers: small {gpu=t4}");
    }

    @Test
    void aDeadServerIsShownDownUnderItsNameAndGetsNoMorePrompts() throws IOException {
        List<ServerSpec> specs = List.of(ServerSpec.of(closedPortUrl()).withName("dead"),
                ServerSpec.of(servers.get(0).baseUrl()).withName("live"));
        try (ComfyKit kit = pool(specs).set(dev.comfykit.client.ClientOption.DISPATCH, "round-robin").build()) {
            assertThat(kit.execute(T2I, PARAMS).join().isCompleted()).isTrue();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(kit.servers())
                    .extracting(ServerStatus::name, ServerStatus::state)
                    .containsExactly(tuple("dead", ServerStatus.State.DOWN), tuple("live", ServerStatus.State.UP)));
            assertThat(kit.servers().get(0).lastError()).contains("refused");

            long moved = kit.resubmissions();
            for (int i = 0; i < 4; i++) {
                assertThat(kit.execute(T2I, PARAMS).join().isCompleted()).isTrue();
            }
            assertThat(kit.resubmissions()).as("a DOWN server is not dispatched to").isEqualTo(moved);
        }
    }

    @Test
    void aSubmitToARefusingServerGoesToAnotherAndIsAwaitedThere() throws IOException {
        List<ServerSpec> specs = List.of(ServerSpec.of(closedPortUrl()).withName("dead"),
                ServerSpec.of(servers.get(1).baseUrl()).withName("live"));
        try (ComfyKit kit = pool(specs).set(dev.comfykit.client.ClientOption.DISPATCH, "first-idle").build()) {
            SubmittedPrompt prompt = kit.submit(T2I, PARAMS).join();

            assertThat(kit.await(prompt.getPromptId(), Duration.ofSeconds(10)).join().isCompleted()).isTrue();
            assertThat(servers.get(1).promptsReceived()).isEqualTo(1);
            assertThat(kit.resubmissions()).isEqualTo(1);
        }
    }

    @Test
    void aServerAnswering5xxToTheSubmissionHandsThePromptToAnother() {
        ComfyUiEmulator failing = servers.get(0);
        ComfyUiEmulator healthy = servers.get(1);
        failing.faults().failNext("POST", "/prompt", 1, 503);
        List<ServerSpec> specs = List.of(ServerSpec.of(failing.baseUrl()), ServerSpec.of(healthy.baseUrl()));
        try (ComfyKit kit = pool(specs).set(dev.comfykit.client.ClientOption.DISPATCH, "first-idle").build()) {
            ExecuteResult result = kit.execute(T2I, PARAMS).join();

            assertThat(result.isCompleted()).isTrue();
            assertThat(failing.queueRemaining()).isZero();
            assertThat(healthy.promptsReceived()).isEqualTo(1);
            assertThat(kit.resubmissions()).isEqualTo(1);
        }
    }

    @Test
    void validationErrorsAreNeverMoved() {
        List<ServerSpec> specs = List.of(ServerSpec.of(servers.get(0).baseUrl()),
                ServerSpec.of(servers.get(1).baseUrl()));
        try (ComfyKit kit = pool(specs).build()) {
            // SaveImage exists everywhere, so a server gets the prompt and refuses it (required input missing)
            ExecuteResult result = kit.executeJson("{\"1\": {\"class_type\": \"SaveImage\", \"inputs\": {}}}",
                    Map.of()).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(servers.get(0).promptsReceived() + servers.get(1).promptsReceived()).isEqualTo(1);
            assertThat(kit.resubmissions()).isZero();

            // a node no server has is refused before any server sees it (capability routing)
            ExecuteResult unknownNode = kit.executeJson(
                    "{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}", Map.of()).join();
            assertThat(unknownNode.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(unknownNode.getError().getMessage()).contains("lacks node class NoSuchNode");
            assertThat(servers.get(0).promptsReceived() + servers.get(1).promptsReceived()).isEqualTo(1);
        }
    }

    @Test
    void withEveryServerDownThePromptFailsWithConnectionAfterMaxAttempts() throws IOException {
        List<ServerSpec> specs = List.of(ServerSpec.of(closedPortUrl()).withName("a"),
                ServerSpec.of(closedPortUrl()).withName("b"));
        try (ComfyKit kit = pool(specs).maxAttempts(3).build()) {
            ExecuteResult result = kit.execute(T2I, PARAMS).join();

            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CONNECTION);
            assertThat(kit.resubmissions()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aServerThatRestartsAndForgetsThePromptHandsItToAnotherExactlyOnce(ExecutorType type) {
        ComfyUiEmulator first = servers.get(0);
        ComfyUiEmulator second = servers.get(1);
        List<ServerSpec> specs = List.of(ServerSpec.of(first.baseUrl()), ServerSpec.of(second.baseUrl()));
        first.faults().stallExecution();
        try (ComfyKit kit = pool(specs).set(dev.comfykit.client.ClientOption.DISPATCH, "first-idle")
                .executorType(type).build()) {
            AtomicInteger completions = new AtomicInteger();
            CompletableFuture<ExecuteResult> execution = kit.execute(T2I, PARAMS);
            execution.whenComplete((r, e) -> completions.incrementAndGet());
            await().atMost(Duration.ofSeconds(5)).until(() -> first.queueRemaining() == 1);

            first.faults().restart();

            ExecuteResult result = execution.join();
            assertThat(result.isCompleted()).isTrue();
            assertThat(second.promptsReceived()).isEqualTo(1);
            assertThat(first.queueRemaining()).isZero();
            assertThat(kit.resubmissions()).isEqualTo(1);
            await().during(Duration.ofMillis(300)).until(() -> completions.get() == 1);
        }
    }

    @Test
    void aSubmittedPromptThatTheServerForgetsIsRunAgainElsewhereUnderItsId() {
        ComfyUiEmulator first = servers.get(0);
        ComfyUiEmulator second = servers.get(1);
        List<ServerSpec> specs = List.of(ServerSpec.of(first.baseUrl()), ServerSpec.of(second.baseUrl()));
        first.faults().stallExecution();
        try (ComfyKit kit = pool(specs).set(dev.comfykit.client.ClientOption.DISPATCH, "first-idle").build()) {
            SubmittedPrompt prompt = kit.submit(T2I, PARAMS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> first.queueRemaining() == 1);
            first.faults().restart();

            ExecuteResult result = kit.await(prompt.getPromptId(), Duration.ofSeconds(10)).join();

            assertThat(result.isCompleted()).isTrue();
            assertThat(second.promptsReceived()).isEqualTo(1);
            assertThat(kit.resubmissions()).isEqualTo(1);
        }
    }

    @Test
    void awaitAndCancelFindThePromptOnItsServer() {
        servers.forEach(server -> server.faults().stallExecution());
        try (ComfyKit kit = pool(all()).set(dev.comfykit.client.ClientOption.DISPATCH, "round-robin").build();
             ComfyKit other = pool(all()).build()) {
            SubmittedPrompt a = kit.submit(T2I, PARAMS).join();
            SubmittedPrompt b = kit.submit(T2I, PARAMS).join();
            SubmittedPrompt c = kit.submit(T2I, PARAMS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> servers.stream()
                    .allMatch(server -> server.queueRemaining() == 1));

            // b runs on the second server; a client that never saw the id finds it there too
            assertThat(other.cancel(b.getPromptId()).join()).isEqualTo(CancelOutcome.INTERRUPTED);
            assertThat(kit.cancel(c.getPromptId()).join()).isEqualTo(CancelOutcome.INTERRUPTED);
            servers.forEach(server -> server.faults().releaseStall());

            assertThat(kit.await(a.getPromptId(), Duration.ofSeconds(10)).join().isCompleted()).isTrue();
            assertThat(other.await(a.getPromptId(), Duration.ofSeconds(10)).join().isCompleted()).isTrue();
            assertThat(kit.await(b.getPromptId(), Duration.ofSeconds(10)).join().isCompleted()).isFalse();
        }
    }

    @Test
    void systemStatsAnswersWhileAnyServerIsUp() throws IOException {
        List<ServerSpec> specs = List.of(ServerSpec.of(closedPortUrl()), ServerSpec.of(servers.get(0).baseUrl()));
        try (ComfyKit kit = pool(specs).build()) {
            assertThat(kit.systemStats().join()).containsKey("system");
        }
    }

    @Test
    void aPoolOfOneRunsOnItsServer() {
        try (ComfyKit kit = pool(List.of(ServerSpec.of(servers.get(2).baseUrl()))).build()) {
            assertThat(kit.execute(T2I, PARAMS).join().isCompleted()).isTrue();
            assertThat(servers.get(2).promptsReceived()).isEqualTo(1);
        }
    }

    @Test
    void withoutServersTheClientTalksToComfyuiUrlAsBefore() {
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(servers.get(2).baseUrl())
                .build()) {
            assertThat(kit.execute(T2I, PARAMS).join().isCompleted()).isTrue();
            assertThat(servers.get(2).promptsReceived()).isEqualTo(1);
            assertThat(kit.resubmissions()).isZero();
        }
    }

    @Test
    void theServersOptionReadsTheTextForm() {
        String text = "gpu1=" + servers.get(0).baseUrl() + ";maxInFlight=1," + servers.get(1).baseUrl();
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).servers(text).build()) {
            assertThat(runAll(kit, 4)).allMatch(ExecuteResult::isCompleted);
            assertThat(servers.get(0).promptsReceived() + servers.get(1).promptsReceived()).isEqualTo(4);
            assertThat(servers.get(0).promptsReceived()).isPositive();
            assertThat(servers.get(1).promptsReceived()).isPositive();
        }
    }
}
