package dev.comfykit.benchmarks;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntFunction;

/**
 * The closed load loop of the pool scenarios: N jobs, C in flight, each job a {@code kit.execute(workflow, params)}
 * whose completion callback gives the permit back. Counts, per job id, how often its completion callback ran, so
 * that a job completed twice or never shows.
 */
final class PoolLoad {

    private static final int FAILURE_SAMPLES = 5;

    /** The outcome of one load run. */
    record Outcome(int jobs, int completed, int failed, int lost, int duplicates, long wallNanos,
                   List<String> failureSamples, Map<String, Integer> failureKinds) {

        double seconds() {
            return wallNanos / 1e9;
        }
    }

    private final int jobs;
    private final AtomicIntegerArray callbacks;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final List<String> samples = new ArrayList<>();
    private final Map<String, Integer> kinds = new TreeMap<>();

    PoolLoad(int jobs) {
        this.jobs = jobs;
        this.callbacks = new AtomicIntegerArray(jobs);
    }

    /** Jobs whose completion callback ran (at least once) so far. */
    int finished() {
        return done.get();
    }

    /**
     * Runs the jobs and waits for all of them, or until the deadline.
     *
     * @param params the params of job {@code i} (each job's text must be unique: the server's cache must not
     *               short-cut a run, and the duplicate check of the failover scenario reads it back)
     */
    Outcome run(ComfyKit kit, String workflow, int inFlight, IntFunction<Map<String, Object>> params,
                Duration deadline) throws InterruptedException {
        return run(inFlight, i -> kit.execute(workflow, params.apply(i)), deadline);
    }

    /** The failure of a client result: {@code "KIND: message"}, or null on success. */
    static CompletableFuture<String> failureOf(CompletableFuture<ExecuteResult> execution) {
        return execution.handle((result, error) -> error != null ? Failure.describe(error)
                : result.isFailed() ? result.getError().getKind() + ": " + result.getMsg() : null);
    }

    /** Runs the jobs through the client, job {@code i} started by {@code start.apply(i)}. */
    Outcome run(int inFlight, IntFunction<CompletableFuture<ExecuteResult>> start, Duration deadline)
            throws InterruptedException {
        return runJobs(inFlight, i -> failureOf(start.apply(i)), deadline);
    }

    /**
     * Runs the jobs, job {@code i} started by {@code start.apply(i)} (completing with null on success or a failure
     * {@code "KIND: message"}), and waits for all of them or the deadline.
     */
    Outcome runJobs(int inFlight, IntFunction<CompletableFuture<String>> start, Duration deadline)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        CountDownLatch all = new CountDownLatch(jobs);
        long started = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            permits.acquire();
            int job = i;
            try {
                start.apply(i).whenComplete((outcome, error) -> {
                    String failure = error != null ? Failure.describe(error) : outcome;
                    if (callbacks.incrementAndGet(job) == 1) {
                        // only a job's first completion counts as its outcome; a second one is a duplicate
                        (failure == null ? completed : failed).incrementAndGet();
                        done.incrementAndGet();
                        permits.release();
                        all.countDown();
                    }
                    if (failure != null) {
                        sample(failure, kind(failure));
                    }
                });
            } catch (RuntimeException e) {
                callbacks.incrementAndGet(job);
                failed.incrementAndGet();
                done.incrementAndGet();
                sample(Failure.describe(e), "EXCEPTION");
                permits.release();
                all.countDown();
            }
        }
        all.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
        long wall = System.nanoTime() - started;
        int lost = 0;
        int duplicates = 0;
        for (int i = 0; i < jobs; i++) {
            int n = callbacks.get(i);
            if (n == 0) {
                lost++;
            } else if (n > 1) {
                duplicates++;
            }
        }
        synchronized (samples) {
            return new Outcome(jobs, completed.get(), failed.get(), lost, duplicates, wall, List.copyOf(samples),
                    Map.copyOf(kinds));
        }
    }

    /** {@code VALIDATION} of {@code "VALIDATION: ..."}; anything else is an exception's description. */
    private static String kind(String failure) {
        int colon = failure.indexOf(':');
        String head = colon > 0 ? failure.substring(0, colon) : "";
        return !head.isEmpty() && head.chars().allMatch(c -> Character.isUpperCase(c) || c == '_') ? head : "EXCEPTION";
    }

    private void sample(String failure, String kind) {
        synchronized (samples) {
            kinds.merge(kind, 1, Integer::sum);
            if (samples.size() < FAILURE_SAMPLES) {
                samples.add(failure);
            }
        }
    }
}
