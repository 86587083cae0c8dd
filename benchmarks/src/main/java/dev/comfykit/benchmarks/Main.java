package dev.comfykit.benchmarks;

import dev.comfykit.benchmarks.Options.Executor;
import dev.comfykit.benchmarks.Options.Scenario;
import dev.comfykit.benchmarks.Options.Via;
import dev.comfykit.client.ExecutorType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load harness. {@code java -Xmx512m -jar benchmarks/target/comfykit-benchmarks.jar --scenario all --json
 * target/bench.json}; see {@link Options#USAGE} and the module's README.
 */
public final class Main {

    /** Executions of the per-run warm-up (fresh client: connections, WebSocket, workflow cache). */
    private static final int RUN_WARMUP = 200;
    private static final int LATENCY_RUN_WARMUP = 2;

    private final Options options;
    private final PrintStream out;
    private final Map<String, ServerProcess> servers = new LinkedHashMap<>();
    private final Report report;
    private ResourceSampler sampler;
    private ScenarioRunner runner;
    private int baselineThreads;

    Main(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.report = new Report(options);
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println();
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return;
        }
        new Main(options, System.out).run();
        // clients are closed; nothing of ours keeps the JVM alive, but make the exit immediate
        System.exit(0);
    }

    Report run() throws Exception {
        out.println("comfykit benchmarks, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores (" + Report.cpuModel() + "), " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        sampler = new ResourceSampler();
        Duration patience = options.timeout.plus(Duration.ofMinutes(1));
        runner = new ScenarioRunner(sampler, patience);
        try {
            settle();
            baselineThreads = sampler.liveThreads();
            out.println("live threads before any client: " + baselineThreads);
            warmUp();
            out.println();
            out.println(Report.header());
            if (options.scenarios.contains(Scenario.SEQUENTIAL)) {
                measure(Scenario.SEQUENTIAL, server(1, 0), 1, 0);
            }
            if (options.scenarios.contains(Scenario.THROUGHPUT)) {
                for (int c : options.concurrency) {
                    measure(Scenario.THROUGHPUT, server(options.parallelism, 0), c, 0);
                }
            }
            if (options.scenarios.contains(Scenario.LATENCY)) {
                measure(Scenario.LATENCY, server(1, options.promptDelayMs), 1, options.promptDelayMs);
            }
            report.print(out);
            if (options.json != null) {
                List<String> described = new ArrayList<>();
                servers.values().forEach(s -> described.add(s.describe()));
                report.writeJson(options.json, described);
                out.println();
                out.println("JSON written to " + options.json.toAbsolutePath());
            }
            return report;
        } finally {
            servers.values().forEach(ServerProcess::close);
            sampler.close();
        }
    }

    /** The JIT warm-up: executions through every selected path and executor, not recorded. */
    private void warmUp() throws Exception {
        if (options.warmup <= 0) {
            return;
        }
        ServerProcess server = options.url != null ? server(1, 0)
                : options.scenarios.contains(Scenario.THROUGHPUT) ? server(options.parallelism, 0) : server(1, 0);
        for (Via via : options.vias) {
            for (Executor executor : options.executors) {
                long t0 = System.nanoTime();
                int failures;
                try (Driver driver = driver(via, executor, server.url())) {
                    failures = runner.warm(driver, options.warmup, 16);
                }
                out.printf("warm-up %s/%s: %d executions in %.1f s%s%n", Report.lower(via), Report.lower(executor),
                        options.warmup, (System.nanoTime() - t0) / 1e9,
                        failures == 0 ? "" : ", " + failures + " FAILED");
                settle();
            }
        }
    }

    private void measure(Scenario scenario, ServerProcess server, int inFlight, int jobMs) throws Exception {
        int executions = options.executions(scenario, inFlight);
        for (Via via : options.vias) {
            for (Executor executor : options.executors) {
                for (int repeat = 1; repeat <= options.repeat; repeat++) {
                    RunResult result;
                    try (Driver driver = driver(via, executor, server.url())) {
                        if (scenario == Scenario.LATENCY) {
                            runner.warm(driver, LATENCY_RUN_WARMUP, 1);
                        } else {
                            runner.warm(driver, Math.min(RUN_WARMUP, options.warmup), Math.min(inFlight, 50));
                        }
                        ScenarioRunner.Measured m = runner.measure(driver, executions, inFlight);
                        result = RunResult.of(scenario, via, executor, repeat, server.describe(), jobMs,
                                baselineThreads, m);
                    }
                    report.add(result);
                    out.println(Report.row(result));
                    for (String sample : result.failureSamples()) {
                        out.println("    failure: " + sample);
                    }
                    settle();
                }
            }
        }
    }

    private Driver driver(Via via, Executor executor, String url) {
        ExecutorType type = executor == Executor.HTTP ? ExecutorType.HTTP : ExecutorType.WEBSOCKET;
        return via == Via.CLIENT ? new ClientDriver(url, type, options.timeout, options.workflow)
                : new CamelDriver(url, type, options.timeout, options.workflow);
    }

    private ServerProcess server(int parallelism, int promptDelayMs) throws IOException, InterruptedException {
        if (options.url != null) {
            return servers.computeIfAbsent("url", k -> ServerProcess.external(options.url));
        }
        String key = parallelism + "/" + promptDelayMs;
        ServerProcess server = servers.get(key);
        if (server == null) {
            server = options.inProcessEmulator ? ServerProcess.inProcess(parallelism, promptDelayMs)
                    : ServerProcess.child(parallelism, promptDelayMs, options.emulatorJvmArgs, Path.of("target"));
            servers.put(key, server);
            out.println("server: " + server.describe() + " at " + server.url());
        }
        return server;
    }

    /**
     * Lets the threads of closed clients end (an HTTP client's selector thread ends once the client is collected),
     * so that one run's threads do not count in the next run's peak.
     */
    private void settle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int previous = Integer.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
            int live = sampler.liveThreads();
            if (baselineThreads > 0 && live <= baselineThreads) {
                return;
            }
            if (baselineThreads == 0 && live == previous) {
                return;
            }
            previous = live;
        }
    }
}
