package dev.comfykit.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs N executions with at most C in flight: the calling thread takes a permit before starting each execution and
 * the execution's completion callback gives it back, so no thread waits per execution. Every latency (from the
 * call that starts the execution to its completion callback) is recorded.
 */
final class ScenarioRunner {

    private static final int FAILURE_SAMPLES = 5;
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final ResourceSampler sampler;
    private final Duration patience;

    /**
     * @param patience how long to wait for the last execution beyond the client's own timeout
     */
    ScenarioRunner(ResourceSampler sampler, Duration patience) {
        this.sampler = sampler;
        this.patience = patience;
    }

    /** The measured figures of one run. */
    record Measured(int executions, int inFlight, int failures, List<String> failureSamples,
                    LatencyRecorder.Snapshot latencies, long wallNanos, ResourceSampler.Usage usage,
                    long machineBusyNanos, long serverCpuNanos) {

        double throughput() {
            return wallNanos == 0 ? 0 : latencies.count() / (wallNanos / 1e9);
        }
    }

    /** Executions that are not recorded (JIT warm-up, connections, the workflow cache). */
    int warm(Driver driver, int executions, int inFlight) throws InterruptedException {
        if (executions <= 0) {
            return 0;
        }
        return go(driver, executions, inFlight, new LatencyRecorder(executions), new ArrayList<>()).failures;
    }

    Measured measure(Driver driver, int executions, int inFlight, Optional<ProcessHandle> server)
            throws InterruptedException {
        LatencyRecorder latencies = new LatencyRecorder(executions);
        List<String> samples = new ArrayList<>();
        System.gc();
        ResourceSampler.Window window = sampler.start();
        MachineLoad.Reading load0 = MachineLoad.read(server);
        long started = System.nanoTime();
        Outcome outcome = go(driver, executions, inFlight, latencies, samples);
        long wall = outcome.lastCompletion - started;
        ResourceSampler.Usage usage = window.stop();
        MachineLoad.Reading load1 = MachineLoad.read(server);
        long busy = load0.machineBusyNanos() < 0 || load1.machineBusyNanos() < 0 ? -1
                : load1.machineBusyNanos() - load0.machineBusyNanos();
        long serverCpu = load0.serverCpuNanos() < 0 || load1.serverCpuNanos() < 0 ? -1
                : load1.serverCpuNanos() - load0.serverCpuNanos();
        return new Measured(executions, inFlight, outcome.failures, samples, latencies.snapshot(), wall, usage, busy,
                serverCpu);
    }

    private record Outcome(int failures, long lastCompletion) {
    }

    private Outcome go(Driver driver, int executions, int inFlight, LatencyRecorder latencies, List<String> samples)
            throws InterruptedException {
        String prefix = "bench-" + RUNS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime()) + "-";
        Semaphore permits = new Semaphore(inFlight);
        CountDownLatch finished = new CountDownLatch(executions);
        AtomicInteger failures = new AtomicInteger();
        // the latest completion, kept without a lock: completions are the code under measurement
        AtomicLong last = new AtomicLong();
        Object lock = new Object();
        for (int i = 0; i < executions; i++) {
            permits.acquire();
            long start = System.nanoTime();
            driver.execute(prefix + i).whenComplete((failure, error) -> {
                long end = System.nanoTime();
                latencies.record(end - start);
                if (failure != null || error != null) {
                    failures.incrementAndGet();
                    synchronized (lock) {
                        if (samples.size() < FAILURE_SAMPLES) {
                            samples.add(failure != null ? failure : Failure.describe(error));
                        }
                    }
                }
                last.accumulateAndGet(end, Math::max);
                permits.release();
                finished.countDown();
            });
        }
        if (!finished.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            int missing = (int) finished.getCount();
            failures.addAndGet(missing);
            synchronized (lock) {
                samples.add(missing + " executions did not complete within " + patience.toSeconds() + " s");
            }
            last.set(System.nanoTime());
        }
        return new Outcome(failures.get(), last.get());
    }
}
