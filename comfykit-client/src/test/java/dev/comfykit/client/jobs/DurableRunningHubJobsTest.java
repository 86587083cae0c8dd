package dev.comfykit.client.jobs;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ParamSource;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Durable jobs on RunningHub (the emulator's): a task costs money, so a job's task id is recorded as soon as the task
 * exists, and an instance that takes over the job awaits that task instead of creating another; a job whose task may
 * or may not exist is reported, never created again.
 */
class DurableRunningHubJobsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(10)));

    private static final ParamSource PARAMS = schema -> Map.of("prompt", "a red fox", "width", 64, "height", 64);

    /** A client with a RunningHub key, on the store (none: {@code null}). */
    private static ComfyKit kit(JobStore store) {
        // the emulator serves RunningHub's output URLs on 127.0.0.1
        dev.comfykit.client.ComfyKitBuilder builder = ComfyKit.builder().environment(name -> null)
                .allowPrivateUrls(true).comfyuiUrl(comfy.baseUrl()).runninghubUrl(comfy.emulator().runningHubUrl())
                .runninghubApiKey(RunningHubEmulation.DEFAULT_API_KEY).runninghubPollInterval(Duration.ofMillis(20))
                .runninghubTimeout(Duration.ofSeconds(30)).leaseDuration(Duration.ofMillis(600));
        return (store == null ? builder : builder.jobStore(store)).build();
    }

    @Test
    void aRunningHubJobRecordsItsTaskAndEndsInTheStore() {
        JobStore store = JobStore.inMemory();
        try (ComfyKit kit = kit(store)) {
            ExecuteResult result = kit.executeJob("rh-a", RunningHubEmulation.T2I_WORKFLOW_ID, PARAMS,
                    Map.of("order", "7")).join().orThrow();

            JobRecord job = store.find("rh-a").orElseThrow();
            assertThat(job.backend()).isEqualTo("runninghub");
            assertThat(job.promptId()).isEqualTo(result.getPromptId()).matches("[0-9]+");
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.isDelivered()).isTrue();
            // the stored result reads back with its files, fetched from RunningHub's URLs
            assertThat(kit.await("rh-a").join().getFiles()).hasSize(1);
        }
    }

    @Test
    void aJobWhoseOwnerDiedAfterCreatingItsTaskIsFinishedByAnotherWithoutASecondTask() {
        JobStore store = JobStore.inMemory();
        CrashableJobStore dying = new CrashableJobStore(store);
        long tasksBefore = comfy.emulator().runningHub().tasksCreated();
        ComfyKit a = kit(dying);
        try {
            comfy.faults().stallExecution();
            CompletableFuture<ExecuteResult> first = a.executeJob("rh-b", RunningHubEmulation.T2I_WORKFLOW_ID,
                    PARAMS, Map.of("order", "8"));
            await().atMost(Duration.ofSeconds(10)).until(() -> store.find("rh-b").map(JobRecord::promptId)
                    .isPresent());
            String taskId = store.find("rh-b").orElseThrow().promptId();
            // the owner dies: its store calls fail and its client is closed without cleanup
            dying.crash();
            a.close();
            assertThat(first.join().isCompleted()).isFalse();
            comfy.faults().releaseStall();

            try (ComfyKit b = kit(store)) {
                ExecuteResult result = b.await("rh-b", Duration.ofSeconds(20)).join();

                assertThat(result.isCompleted()).isTrue();
                assertThat(result.getPromptId()).isEqualTo(taskId);
                JobRecord job = store.find("rh-b").orElseThrow();
                assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
                assertThat(job.correlation()).containsEntry("order", "8");
                assertThat(comfy.emulator().runningHub().tasksCreated()).isEqualTo(tasksBefore + 1);
            }
        } finally {
            comfy.faults().releaseStall();
            a.close();
        }
    }

    @Test
    void aJobWhoseTaskMayOrMayNotExistFailsWithoutCreatingOne() {
        JobStore store = JobStore.inMemory();
        Instant past = Instant.now().minusSeconds(60);
        // an instance died while creating the task: recorded, but no task id
        store.createIfAbsent(JobRecord.newJob("rh-c", RunningHubEmulation.T2I_WORKFLOW_ID, past)
                .withBackend("runninghub").withServer(comfy.emulator().runningHubUrl()).withAttempts(1)
                .withLease("dead-instance", past));
        long tasksBefore = comfy.emulator().runningHub().tasksCreated();

        try (ComfyKit b = kit(store)) {
            ExecuteResult result = b.await("rh-c", Duration.ofSeconds(20)).join();

            assertThat(result.isCompleted()).isFalse();
            assertThat(result.getError().getMessage()).contains("may or may not have been created on RunningHub")
                    .contains("Check the account");
            assertThat(store.find("rh-c").orElseThrow().state()).isEqualTo(JobState.FAILED);
            assertThat(comfy.emulator().runningHub().tasksCreated()).isEqualTo(tasksBefore);
        }
    }

    @Test
    void anInstanceWithoutARunningHubKeyLeavesRunningHubJobsToOneWithAKey() {
        JobStore store = JobStore.inMemory();
        String taskId;
        try (ComfyKit plain = kit(null)) {
            taskId = plain.submitWith(RunningHubEmulation.T2I_WORKFLOW_ID, PARAMS).join().getPromptId();
        }
        Instant past = Instant.now().minusSeconds(60);
        store.createIfAbsent(JobRecord.newJob("rh-d", RunningHubEmulation.T2I_WORKFLOW_ID, past).withPromptId(taskId)
                .withBackend("runninghub").withServer(comfy.emulator().runningHubUrl()).withAttempts(1)
                .withState(JobState.QUEUED).withLease("dead-instance", past));

        try (ComfyKit noKey = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).jobStore(store)
                .leaseDuration(Duration.ofMillis(300)).build()) {
            // claimed, left alone for a whole lease, and claimed again: never failed for want of a key
            await().atMost(Duration.ofSeconds(10)).until(() -> store.find("rh-d").orElseThrow().version() >= 3);
            assertThat(store.find("rh-d").orElseThrow().state()).isEqualTo(JobState.QUEUED);
        }
        try (ComfyKit withKey = kit(store)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> store.find("rh-d").orElseThrow().isFinished());
            assertThat(store.find("rh-d").orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        }
    }
}
