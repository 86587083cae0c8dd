package dev.comfykit.client.internal.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.ServerSpec;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.spi.Backend;
import dev.comfykit.client.spi.DispatchStrategy;
import dev.comfykit.client.spi.PromptRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dispatch and failover decisions of the pool against scripted members: eligibility by health and capabilities,
 * which failures move, caps and the local queue, and cancellation.
 */
class ServerPoolDispatchTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** A member whose executions the test completes. */
    static final class Scripted implements Backend {
        final List<CompletableFuture<ExecuteResult>> runs = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<ExecuteResult> execute(PromptRequest request) {
            CompletableFuture<ExecuteResult> run = new CompletableFuture<>();
            runs.add(run);
            return run;
        }

        synchronized CompletableFuture<ExecuteResult> run(int i) {
            return runs.get(i);
        }

        synchronized int count() {
            return runs.size();
        }

        @Override
        public CompletableFuture<SubmittedPrompt> submit(PromptRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ExecuteResult> await(String promptId, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<CancelOutcome> cancel(String promptId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WorkflowSchema> describe(WorkflowSource source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    static ServerHealth down() {
        ServerHealth up = ServerHealth.alwaysUp();
        return new ServerHealth() {
            public State state() {
                return State.DOWN;
            }

            public void recordSuccess() {
            }

            public void recordFailure(Throwable cause) {
            }

            public String lastError() {
                return "connection refused";
            }

            public void onDown(Runnable listener) {
                up.onDown(listener);
            }
        };
    }

    static ServerCapabilities lacking(ServerCapabilities.Missing missing) {
        return new ServerCapabilities() {
            public CompletableFuture<Missing> missing(ObjectNode graph) {
                return CompletableFuture.completedFuture(missing);
            }

            public void refresh() {
            }
        };
    }

    private static ServerPool.Member member(int index, Backend backend, ServerHealth health,
                                            ServerCapabilities capabilities, int cap) {
        return new ServerPool.Member(index, ServerSpec.of("http://gpu" + index + ":8188").withName("gpu" + index)
                .withMaxInFlight(cap), backend, null, health, capabilities);
    }

    private ServerPool pool(int maxAttempts, boolean moveExecutionErrors, ServerPool.Member... members) {
        return new ServerPool(List.of(members), DispatchStrategy.leastQueue(), maxAttempts, moveExecutionErrors,
                scheduler, System::nanoTime);
    }

    private static PromptRequest request(Duration timeout) {
        ObjectNode graph = new ObjectMapper().createObjectNode();
        return PromptRequest.ofGraph(null, "inline JSON", graph, WorkflowSchema.empty("inline JSON"), s -> Map.of(),
                System.nanoTime(), timeout);
    }

    private static ExecuteResult failed(ErrorKind kind, String promptId) {
        return ExecuteResult.failure(promptId, 0.1, ExecutionError.of(kind, kind + " happened"));
    }

    private static ExecuteResult completed(String promptId) {
        return ExecuteResult.builder(promptId).duration(0.1).build();
    }

    /** A healthy server whose queue depth the test announces, as a status event would. */
    static final class AnnouncingHealth implements ServerHealth {
        private final List<java.util.function.IntConsumer> listeners = new ArrayList<>();

        void announce(int depth) {
            listeners.forEach(listener -> listener.accept(depth));
        }

        @Override
        public State state() {
            return State.UP;
        }

        @Override
        public void recordSuccess() {
        }

        @Override
        public void recordFailure(Throwable cause) {
        }

        @Override
        public String lastError() {
            return null;
        }

        @Override
        public void onDown(Runnable listener) {
        }

        @Override
        public void onQueueDepth(java.util.function.IntConsumer listener) {
            listeners.add(listener);
        }
    }

    @Test
    void leastQueueReadsTheLiveQueueDepthTheServersAnnounce() {
        Scripted a = new Scripted();
        Scripted b = new Scripted();
        AnnouncingHealth busy = new AnnouncingHealth();
        ServerPool pool = pool(3, false, member(0, a, busy, ServerCapabilities.unchecked(), 0),
                member(1, b, ServerHealth.alwaysUp(), ServerCapabilities.unchecked(), 0));

        busy.announce(5);
        pool.execute(request(Duration.ofSeconds(5)));
        pool.execute(request(Duration.ofSeconds(5)));

        assertThat(b.count()).as("gpu0 announced 5 prompts of other clients").isEqualTo(2);
        assertThat(a.count()).isZero();

        busy.announce(0);
        pool.execute(request(Duration.ofSeconds(5)));
        assertThat(a.count()).as("gpu0 is empty now; gpu1 has 2 of ours").isEqualTo(1);
    }

    @Test
    void aWorkflowThatNoServerCanRunFailsAtOnceNamingWhatIsMissingWhere() {
        Scripted a = new Scripted();
        Scripted b = new Scripted();
        ServerPool pool = pool(3, false,
                member(0, a, ServerHealth.alwaysUp(), lacking(new ServerCapabilities.Missing(Set.of("UltimateSDUpscale"),
                        Map.of())), 0),
                member(1, b, ServerHealth.alwaysUp(), lacking(new ServerCapabilities.Missing(Set.of(),
                        Map.of("CheckpointLoaderSimple.ckpt_name", List.of("sdxl.safetensors")))), 0));

        ExecuteResult result = pool.execute(request(Duration.ofSeconds(5))).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(result.getMsg()).contains("gpu0 (http://gpu0:8188) lacks node class UltimateSDUpscale",
                "gpu1 (http://gpu1:8188) lacks checkpoint sdxl.safetensors (CheckpointLoaderSimple.ckpt_name)");
        assertThat(a.count() + b.count()).isZero();
    }

    @Test
    void onlyServersThatAreUpAndCanRunTheWorkflowGetIt() {
        Scripted down = new Scripted();
        Scripted unable = new Scripted();
        Scripted able = new Scripted();
        ServerPool pool = pool(3, false, member(0, down, down(), ServerCapabilities.unchecked(), 0),
                member(1, unable, ServerHealth.alwaysUp(), lacking(new ServerCapabilities.Missing(Set.of("X"),
                        Map.of())), 0),
                member(2, able, ServerHealth.alwaysUp(), ServerCapabilities.unchecked(), 0));

        for (int i = 0; i < 3; i++) {
            pool.execute(request(Duration.ofSeconds(5)));
        }

        assertThat(able.count()).isEqualTo(3);
        assertThat(down.count() + unable.count()).isZero();
    }

    @Test
    void withEveryServerDownThePromptFailsWithTheirLastErrors() {
        ServerPool pool = pool(3, false, member(0, new Scripted(), down(), ServerCapabilities.unchecked(), 0));

        ExecuteResult result = pool.execute(request(Duration.ofSeconds(5))).join();

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CONNECTION);
        assertThat(result.getMsg()).contains("gpu0 (connection refused)");
    }

    @Test
    void validationErrorsStayAndConnectionErrorsMoveToAnUntriedServerCompletingOnce() {
        Scripted a = new Scripted();
        Scripted b = new Scripted();
        ServerPool pool = pool(3, false, member(0, a, ServerHealth.alwaysUp(), ServerCapabilities.unchecked(), 0),
                member(1, b, ServerHealth.alwaysUp(), ServerCapabilities.unchecked(), 0));

        CompletableFuture<ExecuteResult> invalid = pool.execute(request(Duration.ofSeconds(5)));
        a.run(0).complete(failed(ErrorKind.VALIDATION, null));
        assertThat(invalid.join().getError().getKind()).isEqualTo(ErrorKind.VALIDATION);

        CompletableFuture<ExecuteResult> moved = pool.execute(request(Duration.ofSeconds(5)));
        // least-queue ties go round-robin: this one went to b; b loses it, a runs it
        b.run(0).complete(failed(ErrorKind.LOST, "p1"));
        assertThat(moved).isNotDone();
        a.run(1).complete(completed("p2"));

        assertThat(moved.join().getPromptId()).isEqualTo("p2");
        assertThat(pool.resubmissions()).isEqualTo(1);
    }

    @Test
    void executionErrorsMoveOnlyWhenConfigured() {
        Scripted a = new Scripted();
        Scripted b = new Scripted();
        ServerPool staying = pool(3, false, member(0, a, ServerHealth.alwaysUp(), ServerCapabilities.unchecked(), 0));
        CompletableFuture<ExecuteResult> first = staying.execute(request(Duration.ofSeconds(5)));
        a.run(0).complete(failed(ErrorKind.EXECUTION, "p1"));
        assertThat(first.join().getError().getKind()).isEqualTo(ErrorKind.EXECUTION);

        ServerPool moving = pool(3, true, member(0, b, ServerHealth.alwaysUp(), ServerCapabilities.unchecked(), 0));
        CompletableFuture<ExecuteResult> second = moving.execute(request(Duration.ofSeconds(5)));
        b.run(0).complete(failed(ErrorKind.EXECUTION, "p2"));
        // the only server is tried again
        b.run(1).complete(completed("p3"));
        assertThat(second.join().isCompleted()).isTrue();
    }

    @Test
    void afterMaxAttemptsTheLastFailureIsTheResult() {
        Scripted a = new Scripted();
        ServerPool pool = pool(2, false, member(0, a, ServerHealth.alwaysUp(), ServerCapabilities.unchecked(), 0));

        CompletableFuture<ExecuteResult> execution = pool.execute(request(Duration.ofSeconds(5)));
        a.run(0).complete(failed(ErrorKind.CONNECTION, null));
        a.run(1).complete(failed(ErrorKind.CONNECTION, null));

        assertThat(execution.join().getError().getKind()).isEqualTo(ErrorKind.CONNECTION);
        assertThat(a.count()).isEqualTo(2);
    }

    @Test
    void promptsBeyondTheCapsWaitAndStartAsSlotsFree() {
        Scripted a = new Scripted();
        ServerPool pool = pool(3, false, member(0, a, ServerHealth.alwaysUp(), ServerCapabilities.unchecked(), 2));

        List<CompletableFuture<ExecuteResult>> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(pool.execute(request(Duration.ofSeconds(5))));
        }
        assertThat(a.count()).isEqualTo(2);

        a.run(0).complete(completed("p0"));
        assertThat(a.count()).isEqualTo(3);
        a.run(1).complete(completed("p1"));
        a.run(2).complete(completed("p2"));
        assertThat(a.count()).isEqualTo(5);
        a.run(3).complete(completed("p3"));
        a.run(4).complete(completed("p4"));
        assertThat(runs).allMatch(run -> run.join().isCompleted());
    }

    @Test
    void aPromptWaitingForRoomTimesOutWithinItsLimit() {
        Scripted a = new Scripted();
        ServerPool pool = pool(3, false, member(0, a, ServerHealth.alwaysUp(), ServerCapabilities.unchecked(), 1));
        pool.execute(request(Duration.ofSeconds(5)));

        ExecuteResult waited = pool.execute(request(Duration.ofMillis(200))).join();

        assertThat(waited.getError().getKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(a.count()).isEqualTo(1);
    }

    /** Health the test switches; listeners hear when it goes down. */
    static final class Switchable implements ServerHealth {
        volatile State state = State.UP;
        final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

        void goDown() {
            state = State.DOWN;
            listeners.forEach(Runnable::run);
        }

        public State state() {
            return state;
        }

        public void recordSuccess() {
        }

        public void recordFailure(Throwable cause) {
        }

        public String lastError() {
            return state == State.DOWN ? "probe failed" : null;
        }

        public void onDown(Runnable listener) {
            listeners.add(listener);
        }
    }

    @Test
    void aPromptWaitingForAServerThatGoesDownMovesToAnotherAtOnce() {
        Scripted a = new Scripted();
        Scripted b = new Scripted();
        Switchable health = new Switchable();
        ServerPool pool = pool(3, false, member(0, a, health, ServerCapabilities.unchecked(), 1),
                member(1, b, ServerHealth.alwaysUp(), lacking(new ServerCapabilities.Missing(Set.of("Only"),
                        Map.of())), 0));
        pool.execute(request(Duration.ofSeconds(5)));
        CompletableFuture<ExecuteResult> waiting = pool.execute(request(Duration.ofSeconds(5)));
        assertThat(a.count()).isEqualTo(1);

        health.goDown();

        // the only other server cannot run it: it fails now, naming why, instead of waiting out its limit
        assertThat(waiting.join().getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(waiting.join().getMsg()).contains("gpu1 (http://gpu1:8188) lacks node class Only");
    }

    @Test
    void cancellingTheCallersFutureCancelsTheAttempt() {
        Scripted a = new Scripted();
        ServerPool pool = pool(3, false, member(0, a, ServerHealth.alwaysUp(), ServerCapabilities.unchecked(), 0));

        CompletableFuture<ExecuteResult> execution = pool.execute(request(Duration.ofSeconds(5)));
        execution.cancel(true);

        assertThat(a.run(0)).isCancelled();
    }
}
