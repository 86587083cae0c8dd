package dev.comfykit.client.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ParamSource;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.internal.jobs.ResultJson;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Durable jobs on the emulator and the in-memory store: recorded before submission, finished by another instance
 * when their owner dies, submitted again when the server lost them, joined by job id.
 */
class DurableJobsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(10)));

    private static final String T2I = "classpath:workflows/t2i.json";
    private static final ParamSource PARAMS = schema -> Map.of("prompt", "a cat", "width", 64, "height", 64);

    private static ComfyKit kit(JobStore store) {
        return ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).jobStore(store)
                .leaseDuration(Duration.ofMillis(600)).lostPromptGrace(Duration.ofMillis(500)).build();
    }

    @Test
    void aResultReadBackFromTheStoreIsTheResultThatWasStored() throws Exception {
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).build()) {
            ExecuteResult result = kit.executeWith(T2I, PARAMS).join().orThrow();

            ExecuteResult read = ResultJson.read(ResultJson.write(result), file -> null);

            ObjectMapper mapper = new ObjectMapper();
            assertThat(mapper.readTree(read.toJson())).isEqualTo(mapper.readTree(result.toJson()));
            assertThat(read.getFiles()).hasSameSizeAs(result.getFiles());
        }
    }

    @Test
    void aJobIsRecordedAndDeliveredToItsCaller() {
        JobStore store = JobStore.inMemory();
        try (ComfyKit kit = kit(store)) {
            ExecuteResult result = kit.executeJob("job-a", T2I, PARAMS, Map.of("order", "42")).join().orThrow();

            JobRecord job = store.find("job-a").orElseThrow();
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.promptId()).isEqualTo(result.getPromptId());
            assertThat(job.prompt()).contains("a cat");
            assertThat(job.correlation()).containsEntry("order", "42");
            assertThat(job.isDelivered()).isTrue();
            assertThat(job.attempts()).isEqualTo(1);
        }
    }

    @Test
    void runningAJobIdAgainJoinsTheRecordedJobInsteadOfRunningItTwice() {
        JobStore store = JobStore.inMemory();
        try (ComfyKit kit = kit(store)) {
            ExecuteResult first = kit.executeJob("job-b", T2I, PARAMS, Map.of()).join().orThrow();
            long prompts = comfy.emulator().promptsReceived();

            ExecuteResult again = kit.executeJob("job-b", T2I, PARAMS, Map.of()).join().orThrow();

            assertThat(comfy.emulator().promptsReceived()).isEqualTo(prompts);
            assertThat(again.getPromptId()).isEqualTo(first.getPromptId());
            assertThat(again.getImages()).isEqualTo(first.getImages());
        }
    }

    @Test
    void theJobsOfAnInstanceThatDiedAreFinishedByAnotherAndWaitForAJobsConsumer() {
        JobStore store = JobStore.inMemory();
        CrashableJobStore dying = new CrashableJobStore(store);
        ComfyKit a = kit(dying);
        comfy.faults().stallExecution();
        List<CompletableFuture<ExecuteResult>> executions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            executions.add(a.executeJob("job-c" + i, T2I, PARAMS, Map.of("n", "" + i)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> comfy.emulator().queueRemaining() == 3);
        dying.crash();
        a.close();
        // a JVM that died cancels nothing: its prompts are still on the server
        assertThat(comfy.emulator().queueRemaining()).isEqualTo(3);
        comfy.faults().releaseStall();

        try (ComfyKit b = kit(store)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> store.listByState(EnumSet.of(JobState.SUCCEEDED), 10)
                    .size() == 3);
            List<JobRecord> claimed = b.claimUndeliveredJobs(10);

            assertThat(claimed).extracting(JobRecord::jobId).containsExactlyInAnyOrder("job-c0", "job-c1",
                    "job-c2");
            for (JobRecord job : claimed) {
                assertThat(b.jobResult(job).isCompleted()).isTrue();
                assertThat(job.correlation()).containsKey("n");
                assertThat(b.markJobDelivered(job)).isTrue();
            }
            assertThat(b.claimUndeliveredJobs(10)).isEmpty();
            // any instance awaits a job by its id, and by its prompt id
            assertThat(b.await("job-c1").join().isCompleted()).isTrue();
            assertThat(b.await(claimed.get(0).promptId()).join().isCompleted()).isTrue();
        }
    }

    @Test
    void aPromptLostBeforeItRanIsSubmittedAgainFromTheStoredPrompt() throws Exception {
        JobStore store = JobStore.inMemory();
        // the bound prompt of an earlier run, recorded by an instance that died before /prompt reached the server
        try (ComfyKit plain = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).build()) {
            plain.executeWith(T2I, PARAMS).join().orThrow();
        }
        JsonNode body = new ObjectMapper().readTree(comfy.emulator().lastPromptBody());
        Instant past = Instant.now().minusSeconds(60);
        store.createIfAbsent(JobRecord.newJob("job-d", T2I, past).withPromptId("never-sent-" + System.nanoTime())
                .withBackend("comfyui").withServer(comfy.baseUrl()).withPrompt(body.get("prompt").toString())
                .withAttempts(1).withLease("dead-instance", past));
        long prompts = comfy.emulator().promptsReceived();

        try (ComfyKit b = kit(store)) {
            ExecuteResult result = b.await("job-d", Duration.ofSeconds(20)).join();

            assertThat(result.isCompleted()).isTrue();
            assertThat(comfy.emulator().promptsReceived()).isEqualTo(prompts + 1);
            JobRecord job = store.find("job-d").orElseThrow();
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.attempts()).isEqualTo(2);
            assertThat(job.isDelivered()).isTrue();
        }
    }

    @Test
    void aJobWhoseServerWentDownIsSubmittedAgainOnAnotherServerOfThePool() throws Exception {
        JobStore store = JobStore.inMemory();
        try (ComfyKit plain = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).build()) {
            plain.executeWith(T2I, PARAMS).join().orThrow();
        }
        JsonNode body = new ObjectMapper().readTree(comfy.emulator().lastPromptBody());
        // a server that died with the job's prompt on it (nothing listens on its port any more)
        String dead;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            dead = "http://127.0.0.1:" + socket.getLocalPort();
        }
        Instant past = Instant.now().minusSeconds(60);
        store.createIfAbsent(JobRecord.newJob("job-down", T2I, past).withPromptId("on-dead-" + System.nanoTime())
                .withBackend("comfyui").withServer(dead).withPrompt(body.get("prompt").toString())
                .withAttempts(1).withLease("dead-instance", past));
        long prompts = comfy.emulator().promptsReceived();

        try (ComfyKit b = ComfyKit.builder().environment(name -> null).servers("up=" + comfy.baseUrl() + ",down=" + dead)
                .jobStore(store).leaseDuration(Duration.ofMillis(600)).lostPromptGrace(Duration.ofMillis(500))
                .build()) {
            ExecuteResult result = b.await("job-down", Duration.ofSeconds(30)).join();

            assertThat(result.isCompleted()).as("%s", result.getError()).isTrue();
            assertThat(comfy.emulator().promptsReceived()).isEqualTo(prompts + 1);
            JobRecord job = store.find("job-down").orElseThrow();
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            // the dead server may be tried once more before its health says so (within maxAttempts); it never
            // answers, so the one prompt the emulator received is the run that finished the job
            assertThat(job.attempts()).isBetween(2, 3);
        }
    }

    @Test
    void aSubmittedJobIsTrackedToItsEndAndWaitsForItsConsumer() {
        JobStore store = JobStore.inMemory();
        try (ComfyKit kit = kit(store)) {
            SubmittedPrompt submitted = kit.submitJob("job-e", T2I, PARAMS, Map.of()).join();

            assertThat(submitted.getJobId()).isEqualTo("job-e");
            await().atMost(Duration.ofSeconds(10)).until(() -> store.find("job-e").orElseThrow().isFinished());
            // the finished record and its claimable lease are two writes: the consumer may poll once more
            List<List<JobRecord>> polls = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                List<JobRecord> batch = kit.claimUndeliveredJobs(10);
                polls.add(batch);
                return !batch.isEmpty();
            });
            List<JobRecord> claimed = polls.get(polls.size() - 1);
            assertThat(claimed).extracting(JobRecord::jobId).containsExactly("job-e");
            assertThat(claimed.get(0).promptId()).isEqualTo(submitted.getPromptId());
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aJobReadsRunningWhileTheServerRunsItThenSucceeded(ExecutorType executor) {
        JobStore store = JobStore.inMemory();
        String jobId = "job-f-" + executor;
        // HTTP: the jobs API (or /queue) lists the prompt as running; WEBSOCKET: its execution_start event (the
        // safety-net poll of a healthy socket is set too slow to be the one that finds it)
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).jobStore(store)
                .executorType(executor).reconcileInterval(executor == ExecutorType.WEBSOCKET
                        ? Duration.ofSeconds(60) : Duration.ofSeconds(1))
                .leaseDuration(Duration.ofMillis(600)).build()) {
            comfy.faults().stallExecution();
            CompletableFuture<ExecuteResult> execution = kit.executeJob(jobId, T2I, PARAMS, Map.of());

            await().atMost(Duration.ofSeconds(10)).until(() -> store.find(jobId)
                    .map(job -> job.state() == JobState.RUNNING).orElse(false));
            comfy.faults().releaseStall();

            assertThat(execution.join().isCompleted()).isTrue();
            assertThat(store.find(jobId).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        } finally {
            comfy.faults().releaseStall();
        }
    }

    @Test
    void anInstanceThatClaimsAQueuedJobRecordsThatItRunsThenItsOutcome() {
        JobStore store = JobStore.inMemory();
        try (ComfyKit plain = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).build()) {
            comfy.faults().stallExecution();
            // the prompt of an instance that died after the server accepted it: recorded QUEUED, now running
            SubmittedPrompt submitted = plain.submitWith(T2I, PARAMS).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> comfy.emulator().queueRemaining() == 1);
            Instant past = Instant.now().minusSeconds(60);
            store.createIfAbsent(JobRecord.newJob("job-g", T2I, past).withPromptId(submitted.getPromptId())
                    .withBackend("comfyui").withServer(comfy.baseUrl()).withPrompt("{}").withAttempts(1)
                    .withState(JobState.QUEUED).withLease("dead-instance", past));

            try (ComfyKit b = kit(store)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> store.find("job-g").orElseThrow().state()
                        == JobState.RUNNING);
                assertThat(store.find("job-g").orElseThrow().owner()).isNotEqualTo("dead-instance");
                comfy.faults().releaseStall();

                await().atMost(Duration.ofSeconds(10)).until(() -> store.find("job-g").orElseThrow().state()
                        == JobState.SUCCEEDED);
            }
        } finally {
            comfy.faults().releaseStall();
        }
    }
}
