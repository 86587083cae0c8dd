package dev.comfykit.benchmarks;

import dev.comfykit.benchmarks.Options.Executor;
import dev.comfykit.benchmarks.Options.Scenario;
import dev.comfykit.benchmarks.Options.Via;
import dev.comfykit.client.ExecutorType;

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
        // the restart-chaos scenario runs a Camel application process of its own, with options of its own
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--scenario") && args[i + 1].equals("restart-chaos")) {
                RestartChaos.main(args);
                return;
            }
            // issue 16: the harness is the scale-out example's (Kafka broker, emulators and application JVMs)
            if (args[i].equals("--scenario") && args[i + 1].equals("scaleout-chaos")) {
                dev.comfykit.examples.scaleout.ScaleOutChaos.main(args);
                return;
            }
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (System.getProperty("jdk.internal.httpclient.selectorTimeout") == null) {
            // an idle JDK HTTP client checks every 3 s (by default) whether it was collected; check every second so
            // that closed clients' selector threads end between runs
            System.setProperty("jdk.internal.httpclient.selectorTimeout", "1000");
        }
        if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
            // the client's and Camel's warnings go to a file, not between the table's rows
            java.nio.file.Files.createDirectories(Path.of("target"));
            System.setProperty("org.slf4j.simpleLogger.logFile", "target/bench-client.log");
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
            settle(0);
            baselineThreads = sampler.liveThreads();
            out.println("live threads before any client: " + baselineThreads);
            boolean single = options.scenarios.stream().anyMatch(Options.SINGLE_SERVER::contains);
            if (single) {
                warmUp();
                out.println();
                out.println(Report.header());
            }
            if (options.scenarios.contains(Scenario.SEQUENTIAL)) {
                measure(Scenario.SEQUENTIAL, server(1, 0), 1, 0);
            }
            if (options.scenarios.contains(Scenario.THROUGHPUT)) {
                for (int c : options.concurrency) {
                    measure(Scenario.THROUGHPUT, server(options.parallelism, 0), c, 0);
                }
            }
            if (options.scenarios.contains(Scenario.LATENCY)) {
                // the measured executions run one at a time; the server's parallelism only speeds up its warm-up
                measure(Scenario.LATENCY, server(options.url != null ? 1 : options.parallelism, options.promptDelayMs),
                        1, options.promptDelayMs);
            }
            if (single) {
                report.print(out);
            }
            runPool();
            if (options.scenarios.contains(Scenario.JOBSTORE)) {
                new JobStoreScenario(options, out, report).run();
            }
            if (options.scenarios.contains(Scenario.LARGE_MEDIA)) {
                new LargeMediaScenario(options, out, report).run();
            }
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

    /** The pool scenarios (issue 14); they start their own emulator processes and stop them at the end. */
    private void runPool() throws Exception {
        PoolScenarios pool = new PoolScenarios(options, out, report);
        try {
            if (options.scenarios.contains(Scenario.POOL_SCALING)) {
                pool.scaling();
            }
            if (options.scenarios.contains(Scenario.POOL_FAILOVER)) {
                pool.failover();
            }
            if (options.scenarios.contains(Scenario.POOL_ROUTING)) {
                pool.routing();
            }
            if (options.scenarios.contains(Scenario.EVENTS)) {
                new EventsScenario(options, out, report).run();
            }
        } finally {
            pool.close();
        }
    }

    /** The JIT warm-up of this JVM: executions through every selected path and executor, not recorded. */
    private void warmUp() throws Exception {
        if (options.warmup <= 0) {
            return;
        }
        ServerProcess server = options.url != null ? server(1, 0)
                : options.scenarios.contains(Scenario.THROUGHPUT) ? server(options.parallelism, 0) : server(1, 0);
        for (Via via : options.vias) {
            for (Executor executor : options.executors) {
                int before = sampler.liveThreads();
                long t0 = System.nanoTime();
                int failures;
                try (Driver driver = driver(via, executor, server.url())) {
                    failures = runner.warm(driver, options.warmup, 16);
                }
                out.printf("warm-up %s/%s: %d executions in %.1f s%s%n", Report.lower(via), Report.lower(executor),
                        options.warmup, (System.nanoTime() - t0) / 1e9,
                        failures == 0 ? "" : ", " + failures + " FAILED");
                settle(before);
            }
        }
    }

    /**
     * The JIT warm-up of a new emulator process (its own JVM starts cold too): executions that are not recorded. A
     * server with a per-prompt delay is warmed with many prompts at once (it runs them in parallel).
     */
    private void warmServer(ServerProcess server, int parallelism, int promptDelayMs) throws Exception {
        int executions = promptDelayMs == 0 ? options.warmup : Math.min(options.warmup, 2000);
        if (executions <= 0) {
            return;
        }
        int inFlight = promptDelayMs == 0 ? 16 : Math.min(500, Math.max(1, parallelism * 4));
        int before = sampler.liveThreads();
        long t0 = System.nanoTime();
        int failures;
        try (Driver driver = driver(Via.CLIENT, Executor.WEBSOCKET, server.url())) {
            failures = runner.warm(driver, executions, inFlight);
        }
        out.printf("server warm-up: %d executions in %.1f s%s%n", executions, (System.nanoTime() - t0) / 1e9,
                failures == 0 ? "" : ", " + failures + " FAILED");
        settle(before);
    }

    /**
     * Runs one scenario for every path and executor, {@code --repeat} times; the repeats are the outer loop, so that
     * a drift of the machine's load (or of the server's JIT) spreads over all paths alike.
     */
    private void measure(Scenario scenario, ServerProcess server, int inFlight, int jobMs) throws Exception {
        int executions = options.executions(scenario, inFlight);
        for (int repeat = 1; repeat <= options.repeat; repeat++) {
            for (Via via : options.vias) {
                for (Executor executor : options.executors) {
                    RunResult result;
                    int before = sampler.liveThreads();
                    try (Driver driver = driver(via, executor, server.url())) {
                        if (scenario == Scenario.LATENCY) {
                            runner.warm(driver, LATENCY_RUN_WARMUP, 1);
                        } else {
                            runner.warm(driver, Math.min(RUN_WARMUP, options.warmup), Math.min(inFlight, 50));
                        }
                        ScenarioRunner.Measured m = runner.measure(driver, executions, inFlight, server.process());
                        result = RunResult.of(scenario, via, executor, repeat, server.describe(), jobMs,
                                baselineThreads, before, m);
                    }
                    report.add(result);
                    out.println(Report.row(result));
                    if (result.peakThreads() > 32) {
                        out.println("    threads at the peak: " + result.peakThreadNames());
                    }
                    for (String sample : result.failureSamples()) {
                        out.println("    failure: " + sample);
                    }
                    settle(before);
                }
            }
        }
    }

    private Driver driver(Via via, Executor executor, String url) {
        ExecutorType type = executor == Executor.HTTP ? ExecutorType.HTTP : ExecutorType.WEBSOCKET;
        return via == Via.CLIENT ? new ClientDriver(url, type, options.timeout, options.workflow)
                : new CamelDriver(url, type, options.timeout, options.workflow);
    }

    private ServerProcess server(int parallelism, int promptDelayMs) throws Exception {
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
            if (!options.inProcessEmulator) {
                warmServer(server, parallelism, promptDelayMs);
            }
        }
        return server;
    }

    /**
     * Lets the threads of a closed client end (an idle HTTP client's selector thread ends once the client is
     * collected, checking about once a second), so that one run's threads do not count in the next run's peak.
     *
     * @param target the live thread count to get back to
     */
    private void settle(int target) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(options.settleSeconds).toNanos();
        while (System.nanoTime() < deadline) {
            System.gc();
            if (sampler.liveThreads() <= target) {
                return;
            }
            Thread.sleep(100);
        }
    }
}
