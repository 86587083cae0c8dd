package dev.comfykit.client.jobs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one contract every {@link JobStore} keeps, run against each implementation (in memory, H2, PostgreSQL) by
 * extending this class. Time is a settable clock, so that nothing depends on the machine's speed.
 */
public abstract class JobStoreContract {

    protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    protected final MutableClock clock = new MutableClock(T0);
    protected JobStore store;

    /** A new, empty, started store that writes its times with the given clock. */
    protected abstract JobStore newStore(Clock clock) throws Exception;

    /** Removes what {@link #newStore} made (tables, files); the store is already closed. */
    protected void dropStore() throws Exception {
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore(clock);
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) {
            store.close();
        }
        dropStore();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private JobRecord newJob(String owner, Instant leaseUntil) {
        return JobRecord.newJob(id(), "classpath:workflows/t2i.json", clock.instant())
                .withPromptId(id()).withLease(owner, leaseUntil);
    }

    private JobRecord stored(JobRecord job) {
        assertThat(store.createIfAbsent(job)).isTrue();
        return store.find(job.jobId()).orElseThrow();
    }

    // --- create and find ---

    @Test
    void aCreatedJobReadsBackAsWrittenWithVersionOneAndTheStoresTime() {
        JobRecord job = JobRecord.newJob("job-1", "file:/flows/a b.json", T0.minusSeconds(5))
                .withPromptId("prompt-1").withBackend("comfyui").withServer("http://gpu-1:8188")
                .withPrompt("{\"3\":{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":42, \"cfg\":7.5}}}")
                .withParams("{\"prompt\":\"a cat \\u00e9 \\\"quoted\\\"\",\"steps\":20}")
                .withAttempts(1).withCorrelation(Map.of("orderId", "o-17", "tenant", "ac\u00e9me"))
                .withLease("jvm-a", T0.plus(LEASE).plusNanos(123_456_789));
        clock.set(T0.plusMillis(250));

        assertThat(store.createIfAbsent(job)).isTrue();

        JobRecord read = store.find("job-1").orElseThrow();
        assertThat(read).isEqualTo(job.withVersion(1).withUpdatedAt(T0.plusMillis(250)));
        assertThat(read.leaseUntil()).isEqualTo(T0.plus(LEASE).plusNanos(123_456_000));
        assertThat(store.findByPromptId("prompt-1")).contains(read);
        assertThat(store.find("nope")).isEmpty();
        assertThat(store.findByPromptId("nope")).isEmpty();
    }

    @Test
    void nullFieldsAndAnEmptyCorrelationReadBackAsSuch() {
        JobRecord job = JobRecord.newJob(id(), null, T0);
        assertThat(store.createIfAbsent(job)).isTrue();
        assertThat(store.find(job.jobId())).contains(job.withVersion(1));
    }

    @Test
    void aLargePromptReadsBackWhole() {
        StringBuilder graph = new StringBuilder("{");
        for (int node = 0; node < 5000; node++) {
            graph.append(node == 0 ? "" : ",").append('"').append(node)
                    .append("\":{\"class_type\":\"CLIPTextEncode\",\"inputs\":{\"text\":\"node ").append(node)
                    .append(" text\"}}");
        }
        JobRecord job = newJob(null, null).withPrompt(graph.append('}').toString());
        assertThat(job.prompt().length()).isGreaterThan(300_000);
        assertThat(stored(job).prompt()).isEqualTo(job.prompt());
    }

    @Test
    void creatingAnExistingJobChangesNothing() {
        JobRecord job = stored(newJob("jvm-a", T0.plus(LEASE)));
        JobRecord again = JobRecord.newJob(job.jobId(), "other", T0).withState(JobState.FAILED);

        assertThat(store.createIfAbsent(again)).isFalse();
        assertThat(store.find(job.jobId())).contains(job);
    }

    @Test
    void aPromptIdBelongsToOneJob() {
        JobRecord first = stored(newJob(null, null));
        JobRecord second = newJob(null, null).withPromptId(first.promptId());

        assertThatThrownBy(() -> store.createIfAbsent(second)).isInstanceOf(JobStoreException.class)
                .hasMessageContaining(first.promptId()).hasMessageContaining(first.jobId());
        assertThat(store.find(second.jobId())).isEmpty();

        JobRecord third = stored(newJob(null, null));
        assertThatThrownBy(() -> store.update(third.withPromptId(first.promptId())))
                .isInstanceOf(JobStoreException.class).hasMessageContaining(first.jobId());
        assertThat(store.find(third.jobId())).contains(third);
    }

    @Test
    void jsonFieldsMustBeJson() {
        assertThatThrownBy(() -> store.createIfAbsent(newJob(null, null).withParams("{\"a\":")))
                .isInstanceOf(JobStoreException.class).hasMessageContaining("'params'");
        assertThatThrownBy(() -> store.createIfAbsent(newJob(null, null).withPrompt("{} {}")))
                .isInstanceOf(JobStoreException.class).hasMessageContaining("'prompt'");
        JobRecord job = stored(newJob(null, null));
        assertThatThrownBy(() -> store.update(job.withResult("not json")))
                .isInstanceOf(JobStoreException.class).hasMessageContaining("'result'");
        assertThat(store.find(job.jobId())).contains(job);
    }

    // --- compare-and-set ---

    @Test
    void anUpdateWritesTheChangesAndIncreasesTheVersion() {
        JobRecord job = stored(newJob("jvm-a", T0.plus(LEASE)));
        clock.set(T0.plusSeconds(3));

        JobRecord next = job.withState(JobState.SUCCEEDED).withResult("{\"outputs\":[\"a.png\"]}")
                .withServer("gpu-2").withAttempts(2).withDeliveredAt(T0.plusSeconds(2))
                .withCorrelation(Map.of("k", "v"));
        JobRecord written = store.update(next).orElseThrow();

        assertThat(written).isEqualTo(next.withVersion(2).withUpdatedAt(T0.plusSeconds(3)));
        assertThat(store.find(job.jobId())).contains(written);
    }

    @Test
    void anUpdateFromAStaleVersionLosesAndChangesNothing() {
        JobRecord job = stored(newJob(null, null));
        JobRecord first = store.update(job.withState(JobState.QUEUED)).orElseThrow();

        assertThat(store.update(job.withState(JobState.FAILED))).isEmpty();
        assertThat(store.find(job.jobId())).contains(first);
        assertThat(store.update(JobRecord.newJob(id(), "w", T0).withVersion(1))).as("missing job").isEmpty();
    }

    @Test
    void aProgressUpdateIsACompareAndSetUpdateVisibleAtOnce() {
        JobRecord job = stored(newJob("jvm-a", T0.plus(LEASE)));
        clock.set(T0.plusSeconds(1));

        JobRecord running = store.updateProgress(job.withState(JobState.RUNNING)).orElseThrow();

        assertThat(running).isEqualTo(job.withState(JobState.RUNNING).withVersion(2).withUpdatedAt(T0.plusSeconds(1)));
        assertThat(store.find(job.jobId())).contains(running);
        assertThat(store.updateProgress(job.withState(JobState.QUEUED))).as("stale version").isEmpty();
        JobRecord done = store.update(running.withState(JobState.SUCCEEDED)).orElseThrow();
        assertThat(store.updateProgress(running.withState(JobState.RUNNING))).as("after the outcome").isEmpty();
        assertThat(store.find(job.jobId())).contains(done);
    }

    @Test
    void anUpdateKeepsTheStoredOwnerLeaseAndCreationTime() {
        JobRecord job = stored(newJob("jvm-a", T0.plus(LEASE)));
        store.renewLeases("jvm-a", List.of(job.jobId()), T0.plus(LEASE).plusSeconds(60));

        JobRecord written = store.update(job.withState(JobState.RUNNING).withLease("jvm-b", T0.plusSeconds(1)))
                .orElseThrow();

        assertThat(written.owner()).isEqualTo("jvm-a");
        assertThat(written.leaseUntil()).isEqualTo(T0.plus(LEASE).plusSeconds(60));
        assertThat(written.createdAt()).isEqualTo(job.createdAt());
        assertThat(store.find(job.jobId())).contains(written);
    }

    @Test
    void ofManyWritersOfOneVersionExactlyOneWins() throws Exception {
        JobRecord job = stored(newJob(null, null));
        int writers = 8;
        List<Optional<JobRecord>> outcomes = inParallel(writers,
                writer -> store.update(job.withServer("writer-" + writer)));

        List<JobRecord> winners = outcomes.stream().flatMap(Optional::stream).toList();
        assertThat(winners).hasSize(1);
        assertThat(store.find(job.jobId())).contains(winners.get(0));
        assertThat(winners.get(0).version()).isEqualTo(2);
    }

    // --- leases ---

    @Test
    void anOwnerRenewsOnlyTheLeasesItHolds() {
        JobRecord mine = stored(newJob("jvm-a", T0.plus(LEASE)));
        JobRecord expiredMine = stored(newJob("jvm-a", T0.minusSeconds(1)));
        JobRecord theirs = stored(newJob("jvm-b", T0.plus(LEASE)));
        Instant until = T0.plusSeconds(90);

        Set<String> renewed = store.renewLeases("jvm-a",
                List.of(mine.jobId(), expiredMine.jobId(), theirs.jobId(), "missing"), until);

        assertThat(renewed).containsExactlyInAnyOrder(mine.jobId(), expiredMine.jobId());
        assertThat(store.find(mine.jobId()).orElseThrow())
                .isEqualTo(mine.withLease("jvm-a", until)).extracting(JobRecord::version).isEqualTo(1L);
        assertThat(store.find(theirs.jobId())).contains(theirs);
        assertThat(store.renewLeases("jvm-a", List.of(), until)).isEmpty();
    }

    @Test
    void aClaimTakesOnlyEndedLeasesOfUnfinishedJobsAndFencesThePreviousOwner() {
        JobRecord expired = stored(newJob("jvm-a", T0.minusSeconds(10)));
        JobRecord unowned = stored(newJob(null, null));
        JobRecord live = stored(newJob("jvm-a", T0.plus(LEASE)));
        JobRecord finished = store.update(stored(newJob("jvm-a", T0.minusSeconds(10)))
                .withState(JobState.SUCCEEDED).withResult("{}")).orElseThrow();
        clock.set(T0.plusSeconds(1));

        List<JobRecord> claimed = store.claimExpired("jvm-b", T0, LEASE, 10);

        assertThat(claimed).extracting(JobRecord::jobId).containsExactlyInAnyOrder(expired.jobId(), unowned.jobId());
        JobRecord taken = claimed.stream().filter(j -> j.jobId().equals(expired.jobId())).findFirst().orElseThrow();
        assertThat(taken).isEqualTo(expired.withLease("jvm-b", T0.plus(LEASE)).withVersion(2)
                .withUpdatedAt(T0.plusSeconds(1)));
        assertThat(store.find(expired.jobId())).contains(taken);
        assertThat(store.find(live.jobId())).contains(live);
        assertThat(store.find(finished.jobId())).contains(finished);

        // the old owner lost the job: its update and its renewal no longer apply
        assertThat(store.update(expired.withState(JobState.RUNNING))).isEmpty();
        assertThat(store.renewLeases("jvm-a", List.of(expired.jobId()), T0.plusSeconds(600))).isEmpty();
        assertThat(store.find(expired.jobId())).contains(taken);
        assertThat(store.claimExpired("jvm-c", T0.plusSeconds(2), LEASE, 10)).isEmpty();
    }

    @Test
    void aClaimTakesAtMostMaxOldestLeaseFirst() {
        List<String> ids = new ArrayList<>();
        for (int i = 5; i >= 1; i--) {
            ids.add(0, stored(newJob("jvm-a", T0.minusSeconds(i * 10L))).jobId());
        }
        List<JobRecord> first = store.claimExpired("jvm-b", T0, LEASE, 2);
        assertThat(first).extracting(JobRecord::jobId).containsExactlyInAnyOrder(ids.get(4), ids.get(3));
        assertThat(store.claimExpired("jvm-b", T0, LEASE, 10)).hasSize(3);
    }

    @Test
    void aReleasedLeaseIsClaimableAtOnce() {
        JobRecord job = stored(newJob("jvm-a", T0.plus(LEASE)));
        assertThat(store.claimExpired("jvm-b", T0, LEASE, 10)).isEmpty();

        assertThat(store.renewLeases("jvm-a", List.of(job.jobId()), Instant.EPOCH)).containsExactly(job.jobId());

        assertThat(store.claimExpired("jvm-b", T0, LEASE, 10)).extracting(JobRecord::owner).containsExactly("jvm-b");
    }

    @Test
    void finishedUndeliveredJobsAreClaimedForDeliveryOnceTheFinishersLeaseEnds() {
        JobRecord job = stored(newJob("jvm-a", T0.plus(LEASE)));
        JobRecord finished = store.update(job.withState(JobState.FAILED).withError("{\"kind\":\"EXECUTION\"}"))
                .orElseThrow();
        JobRecord running = stored(newJob("jvm-a", T0.minusSeconds(1)));

        assertThat(store.claimUndelivered("jvm-b", T0, LEASE, 10)).isEmpty();

        Instant later = T0.plus(LEASE).plusSeconds(1);
        List<JobRecord> claimed = store.claimUndelivered("jvm-b", later, LEASE, 10);
        assertThat(claimed).extracting(JobRecord::jobId).containsExactly(finished.jobId());
        assertThat(claimed.get(0).owner()).isEqualTo("jvm-b");
        assertThat(store.find(running.jobId()).orElseThrow().owner()).isEqualTo("jvm-a");

        JobRecord delivered = store.update(claimed.get(0).withDeliveredAt(later)).orElseThrow();
        assertThat(delivered.isDelivered()).isTrue();
        assertThat(store.claimUndelivered("jvm-c", later.plus(LEASE).plus(LEASE), LEASE, 10)).isEmpty();
    }

    @Test
    void eightClaimersTakeEachExpiredJobExactlyOnce() throws Exception {
        int jobs = 200;
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < jobs; i++) {
            expected.add(stored(newJob("dead-jvm", T0.minusSeconds(1))).jobId());
        }
        Map<String, String> claimedBy = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();

        inParallel(8, claimer -> {
            String owner = "jvm-" + claimer;
            while (true) {
                List<JobRecord> batch = store.claimExpired(owner, T0, LEASE, 7);
                if (batch.isEmpty()) {
                    // another claimer may still hold rows it is about to take: stop only when none is left
                    if (store.listByState(EnumSet.of(JobState.SUBMITTING), jobs).stream()
                            .allMatch(j -> !"dead-jvm".equals(j.owner()))) {
                        return null;
                    }
                    continue;
                }
                for (JobRecord job : batch) {
                    assertThat(job.owner()).isEqualTo(owner);
                    if (claimedBy.putIfAbsent(job.jobId(), owner) != null) {
                        duplicates.incrementAndGet();
                    }
                }
            }
        });

        assertThat(duplicates).hasValue(0);
        assertThat(claimedBy.keySet()).isEqualTo(expected);
        for (String jobId : expected) {
            JobRecord job = store.find(jobId).orElseThrow();
            assertThat(job.owner()).isEqualTo(claimedBy.get(jobId));
            assertThat(job.version()).isEqualTo(2);
        }
    }

    // --- listing and retention ---

    @Test
    void listingByStateGivesTheOldestFirstUpToMax() {
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clock.set(T0.plusSeconds(i));
            JobRecord job = stored(JobRecord.newJob(id(), "w", T0.plusSeconds(i)));
            queued.add(store.update(job.withState(JobState.QUEUED)).orElseThrow().jobId());
        }
        stored(JobRecord.newJob(id(), "w", T0.minusSeconds(100)));

        assertThat(store.listByState(EnumSet.of(JobState.QUEUED), 3)).extracting(JobRecord::jobId)
                .containsExactlyElementsOf(queued.subList(0, 3));
        assertThat(store.listByState(EnumSet.of(JobState.QUEUED, JobState.SUBMITTING), 10)).hasSize(5);
        assertThat(store.listByState(EnumSet.of(JobState.CANCELLED), 10)).isEmpty();
    }

    @Test
    void retentionDeletesOnlyFinishedJobsWrittenBeforeTheCutoff() {
        JobRecord oldDone = store.update(stored(newJob(null, null)).withState(JobState.SUCCEEDED)).orElseThrow();
        JobRecord oldCancelled = store.update(stored(newJob(null, null)).withState(JobState.CANCELLED)
                .withDeliveredAt(T0)).orElseThrow();
        JobRecord oldRunning = store.update(stored(newJob(null, null)).withState(JobState.RUNNING)).orElseThrow();
        clock.set(T0.plusSeconds(3600));
        JobRecord newDone = store.update(stored(newJob(null, null)).withState(JobState.FAILED)).orElseThrow();

        assertThat(store.deleteFinishedBefore(T0.plusSeconds(60))).isEqualTo(2);

        assertThat(store.find(oldDone.jobId())).isEmpty();
        assertThat(store.findByPromptId(oldDone.promptId())).isEmpty();
        assertThat(store.find(oldCancelled.jobId())).isEmpty();
        assertThat(store.find(oldRunning.jobId())).contains(oldRunning);
        assertThat(store.find(newDone.jobId())).contains(newDone);
        assertThat(store.deleteFinishedBefore(T0.plusSeconds(60))).isZero();
        // a deleted job's ids are free again
        assertThat(store.createIfAbsent(JobRecord.newJob(oldDone.jobId(), "w", T0)
                .withPromptId(oldDone.promptId()))).isTrue();
    }

    // --- bad input ---

    @Test
    void badArgumentsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> store.claimExpired("", T0, LEASE, 1)).hasMessageContaining("owner");
        assertThatThrownBy(() -> store.claimExpired("a", T0, Duration.ZERO, 1)).hasMessageContaining("lease");
        assertThatThrownBy(() -> store.claimUndelivered("a", T0, LEASE, 0)).hasMessageContaining("max");
        assertThatThrownBy(() -> store.listByState(Set.of(), 1)).hasMessageContaining("states");
        assertThatThrownBy(() -> JobRecord.newJob(" ", "w", T0)).hasMessageContaining("jobId");
        assertThatThrownBy(() -> JobRecord.newJob("x".repeat(256), "w", T0)).hasMessageContaining("jobId");
        assertThatThrownBy(() -> JobRecord.newJob("a", "w", T0).withCorrelation(Collections.singletonMap("h", null)))
                .hasMessageContaining("'h'");
    }

    // --- helpers ---

    /** Runs the task on that many threads started together; any failure fails the test. */
    protected static <T> List<T> inParallel(int threads, ParallelTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.run(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    protected interface ParallelTask<T> {
        T run(int index) throws Exception;
    }

    /** A clock the test moves by hand. */
    protected static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        public void set(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
