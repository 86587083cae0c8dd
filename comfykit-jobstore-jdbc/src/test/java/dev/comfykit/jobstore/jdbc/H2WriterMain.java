package dev.comfykit.jobstore.jdbc;

import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A JVM that records jobs into an H2 file until it is killed, printing each job id once its last write returned
 * (H2FileJobStoreTest). Bounded: it stops by itself after 100,000 jobs.
 */
public final class H2WriterMain {

    private H2WriterMain() {
    }

    public static void main(String[] args) {
        JdbcJobStore store = JdbcJobStore.h2File(Path.of(args[0]));
        try {
            store.start();
        } catch (RuntimeException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
        for (int i = 0; i < 100_000; i++) {
            String jobId = UUID.randomUUID().toString();
            store.createIfAbsent(JobRecord.newJob(jobId, "w.json", Instant.now()).withPromptId(jobId)
                    .withLease("writer", Instant.now().plus(Duration.ofMinutes(1))));
            store.update(store.find(jobId).orElseThrow().withState(JobState.QUEUED)).orElseThrow();
            System.out.println(jobId);
            System.out.flush();
        }
        store.close();
    }
}
