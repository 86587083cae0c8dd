package dev.comfykit.benchmarks;

import dev.comfykit.benchmarks.Options.Executor;
import dev.comfykit.benchmarks.Options.Scenario;
import dev.comfykit.benchmarks.Options.Via;

import java.util.List;

/**
 * The figures of one measured run, in report units (milliseconds, MB, executions per second).
 *
 * @param jobMs             the job length the latency scenario subtracts (0 elsewhere)
 * @param baselineThreads       live threads of this JVM before any client or server existed (JVM, JMX, harness)
 * @param threadsBeforeClient  live threads just before this run's client was created (baseline plus e.g. the
 *                             JDK's process reaper of each emulator process)
 * @param peakThreadNames      what the live threads were when their number last rose to its peak
 * @param serverCpuMsPerExecution the server process's CPU time per execution (NaN when it is not a child process)
 * @param otherCores           cores that other processes kept busy during the run (load from outside the benchmark)
 * @param allocatedKbPerExecution heap allocated per execution in this JVM (by the threads alive at the end)
 */
record RunResult(Scenario scenario, Via via, Executor executor, int inFlight, int repeat, String server,
                 int executions, int failures, List<String> failureSamples,
                 double p50, double p90, double p99, double min, double max, double mean,
                 double throughput, double wallSeconds, double cpuMsPerExecution, double cpuCores,
                 double peakHeapMb, double peakLiveAfterGcMb, double maxHeapMb, long gcCount, long gcMs,
                 int threadsBeforeClient, int threadsAtStart, int peakThreads, String peakThreadNames,
                 int baselineThreads, int jobMs, double serverCpuMsPerExecution, double otherCores,
                 double allocatedKbPerExecution) {

    static RunResult of(Scenario scenario, Via via, Executor executor, int repeat, String server, int jobMs,
                        int baselineThreads, int threadsBeforeClient, ScenarioRunner.Measured m) {
        LatencyRecorder.Snapshot l = m.latencies();
        ResourceSampler.Usage u = m.usage();
        int completed = Math.max(1, l.count());
        double mb = 1024.0 * 1024.0;
        return new RunResult(scenario, via, executor, m.inFlight(), repeat, server, m.executions(), m.failures(),
                m.failureSamples(), l.percentileMillis(50), l.percentileMillis(90), l.percentileMillis(99),
                l.minMillis(), l.maxMillis(), l.meanMillis(), m.throughput(), m.wallNanos() / 1e9,
                u.cpuNanos() / 1e6 / completed, m.wallNanos() == 0 ? 0 : (double) u.cpuNanos() / m.wallNanos(),
                u.peakHeapBytes() / mb, u.peakLiveAfterGcBytes() / mb, u.maxHeapBytes() / mb, u.gcCount(),
                u.gcMillis(), threadsBeforeClient, u.threadsAtStart(), u.peakThreads(), u.peakThreadNames(),
                baselineThreads, jobMs, m.serverCpuNanos() < 0 ? Double.NaN : m.serverCpuNanos() / 1e6 / completed,
                otherCores(m), u.allocatedBytes() / 1024.0 / completed);
    }

    /** Cores busy with neither this JVM nor the server (other processes on the shared machine), NaN if unknown. */
    private static double otherCores(ScenarioRunner.Measured m) {
        if (m.machineBusyNanos() < 0 || m.wallNanos() <= 0) {
            return Double.NaN;
        }
        long others = m.machineBusyNanos() - m.usage().cpuNanos() - Math.max(0, m.serverCpuNanos());
        return Math.max(0, others) / (double) m.wallNanos();
    }

    /** Latency added to the job (latency scenario): the percentile minus the job length. */
    double addedP50() {
        return p50 - jobMs;
    }

    double addedP90() {
        return p90 - jobMs;
    }

    double addedP99() {
        return p99 - jobMs;
    }

    /** Runs with the same settings (repeats of one measurement). */
    String key() {
        return scenario + "/" + via + "/" + executor + "/" + inFlight;
    }
}
