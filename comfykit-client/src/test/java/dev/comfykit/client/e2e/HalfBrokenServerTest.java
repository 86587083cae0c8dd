package dev.comfykit.client.e2e;

import dev.comfykit.client.ClientOption;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.ServerSpec;
import dev.comfykit.client.ServerStatus;
import dev.comfykit.emulator.ComfyUiEmulator;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that takes prompts ({@code POST /prompt} works) but answers 5xx to the requests that follow them
 * ({@code GET /queue}, {@code GET /history/{id}}): its prompts end within seconds, not at their time limit, with a
 * {@code CONNECTION} error naming the server, and a pool moves them to another server.
 */
class HalfBrokenServerTest {

    /** The execution's limit: the broken server must be noticed well before it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** The bound within which the prompts end (not a benchmark: failing rounds call the server down in seconds). */
    private static final long NOTICED_WITHIN_SECONDS = 20;
    private static final Map<String, Object> PARAMS = Map.of("prompt", "x", "width", 64, "height", 64);
    private static final String T2I = "classpath:workflows/t2i.json";

    @RegisterExtension
    static ComfyUiEmulatorExtension broken = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(5)));
    @RegisterExtension
    static ComfyUiEmulatorExtension healthy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(5)));

    @BeforeEach
    void idle() {
        for (ComfyUiEmulatorExtension server : List.of(broken, healthy)) {
            server.emulator().awaitIdle(Duration.ofSeconds(10));
            server.emulator().resetObservations();
        }
    }

    /** Every {@code /queue} and {@code /history} request of the broken server fails from now on (this test). */
    private static void breakQueueAndHistory() {
        broken.faults().failNext("GET", "/queue", Integer.MAX_VALUE, 500)
                .failNext("GET", "/history/*", Integer.MAX_VALUE, 500)
                .failNext("GET", "/history", Integer.MAX_VALUE, 500);
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aServerThatTakesPromptsButFailsQueueAndHistoryFailsThemWithConnectionInSeconds(ExecutorType type)
            throws Exception {
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(broken.baseUrl())
                .executorType(type).timeout(TIMEOUT).build()) {
            // held running, so that only the history could tell its end (also to the WebSocket executor)
            broken.faults().stallExecution();
            breakQueueAndHistory();

            ExecuteResult first = kit.execute(T2I, PARAMS).get(NOTICED_WITHIN_SECONDS, TimeUnit.SECONDS);

            assertThat(first.getError().getKind()).isEqualTo(ErrorKind.CONNECTION);
            assertThat(first.getMsg()).contains(broken.baseUrl()).contains("went down");
            assertThat(first.getServer()).isEqualTo(broken.baseUrl());
            assertThat(kit.servers().get(0).state()).isEqualTo(ServerStatus.State.DOWN);
            assertThat(kit.servers().get(0).lastError()).contains("500");
            assertThat(broken.emulator().promptsReceived()).isEqualTo(1);

            // the server still takes prompts while it is down: those fail as soon as a round fails too
            ExecuteResult second = kit.execute(T2I, PARAMS).get(NOTICED_WITHIN_SECONDS, TimeUnit.SECONDS);
            assertThat(second.getError().getKind()).isEqualTo(ErrorKind.CONNECTION);
            assertThat(second.getMsg()).contains(broken.baseUrl());
        }
    }

    @Test
    void steadySubmissionsDoNotKeepTheServerUp() throws Exception {
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(broken.baseUrl())
                .executorType(ExecutorType.HTTP).timeout(TIMEOUT).build()) {
            broken.faults().stallExecution();
            breakQueueAndHistory();
            List<CompletableFuture<ExecuteResult>> runs = new java.util.ArrayList<>();
            // a prompt every 200 ms, until the first one ends: each accepted submission used to call the server
            // well again, so that it never went down while prompts kept coming
            for (int i = 0; i < NOTICED_WITHIN_SECONDS * 5 && !(i > 0 && runs.get(0).isDone()); i++) {
                runs.add(kit.execute(T2I, PARAMS));
                Thread.sleep(200);
            }

            assertThat(runs.get(0)).as("the first prompt ended while prompts kept coming").isDone();
            for (CompletableFuture<ExecuteResult> run : runs) {
                ExecuteResult result = run.get(NOTICED_WITHIN_SECONDS, TimeUnit.SECONDS);
                assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CONNECTION);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aPoolMovesThePromptsOfTheHalfBrokenServerToAnother(ExecutorType type) throws Exception {
        List<ServerSpec> specs = List.of(ServerSpec.of(broken.baseUrl()).withName("half"),
                ServerSpec.of(healthy.baseUrl()).withName("whole"));
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).servers(specs).executorType(type)
                .set(ClientOption.DISPATCH, "first-idle").timeout(TIMEOUT).build()) {
            broken.faults().stallExecution();
            breakQueueAndHistory();

            ExecuteResult result = kit.execute(T2I, PARAMS).get(NOTICED_WITHIN_SECONDS, TimeUnit.SECONDS);

            assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
            assertThat(result.getServer()).isEqualTo("whole");
            assertThat(broken.emulator().promptsReceived()).isEqualTo(1);
            assertThat(healthy.emulator().promptsReceived()).isEqualTo(1);
            assertThat(kit.resubmissions()).isEqualTo(1);
            assertThat(kit.servers()).extracting(ServerStatus::name, ServerStatus::state)
                    .contains(org.assertj.core.groups.Tuple.tuple("half", ServerStatus.State.DOWN));
        }
    }
}
