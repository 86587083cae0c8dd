package dev.comfykit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.benchmarks.Options.Executor;
import dev.comfykit.benchmarks.Options.Scenario;
import dev.comfykit.benchmarks.Options.Via;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The results as tables (runs, summary over repeats, Camel against the client, targets) and as JSON. */
final class Report {

    static final double SEQUENTIAL_P50_MS = 1.5;
    static final double THROUGHPUT_AT_500 = 1000;
    static final int MAX_THREADS = 64;
    static final double MAX_HEAP_MB = 512;
    static final double ADDED_HTTP_MS = 30;
    static final double ADDED_WEBSOCKET_MS = 5;
    static final double CAMEL_OVERHEAD = 0.10;

    private final Options options;
    private final List<RunResult> runs = new ArrayList<>();
    private final Map<String, Map<String, Object>> pool = new java.util.LinkedHashMap<>();
    private final Map<String, Object> largeMedia = new java.util.LinkedHashMap<>();
    private final Map<String, Map<String, Object>> jobStores = new java.util.LinkedHashMap<>();
    private final Instant started = Instant.now();

    Report(Options options) {
        this.options = options;
    }

    void add(RunResult run) {
        runs.add(run);
    }

    List<RunResult> runs() {
        return runs;
    }

    /** The figures of one pool scenario ({@code pool-scaling}, ...), written under {@code pool} in the JSON. */
    void addPool(String scenario, Map<String, Object> figures) {
        pool.put(scenario, figures);
    }

    /** The figures of the large-media scenario, written under {@code large_media} in the JSON. */
    void addLargeMedia(Map<String, Object> figures) {
        largeMedia.putAll(figures);
    }

    Map<String, Map<String, Object>> pool() {
        return pool;
    }

    /** The figures of one job store ({@code postgresql}, {@code h2}, {@code memory}), under {@code jobstore}. */
    void addJobStore(String store, Map<String, Object> figures) {
        jobStores.put(store, figures);
    }

    Map<String, Map<String, Object>> jobStores() {
        return jobStores;
    }

    // ---------------------------------------------------------------- tables

    static String header() {
        return String.format(Locale.ROOT,
                "%-10s %-6s %-9s %6s %6s %5s %8s %8s %8s %8s %9s %7s %6s %6s %7s %7s %6s %5s %7s %6s",
                "scenario", "via", "executor", "C", "N", "fail", "p50 ms", "p90 ms", "p99 ms", "max ms", "exec/s",
                "cpu ms", "cores", "alloc", "heapMB", "liveMB", "gc ms", "thr", "srv ms", "other");
    }

    static String row(RunResult r) {
        return String.format(Locale.ROOT,
                "%-10s %-6s %-9s %6d %6d %5d %8.2f %8.2f %8.2f %8.1f %9.0f %7.3f %6.2f %6.0f %7.0f %7.0f %6d %5d %7.3f %6.2f%s",
                lower(r.scenario()), lower(r.via()), lower(r.executor()), r.inFlight(), r.executions(),
                r.failures(), r.p50(), r.p90(), r.p99(), r.max(), r.throughput(), r.cpuMsPerExecution(), r.cpuCores(),
                r.allocatedKbPerExecution(), r.peakHeapMb(), r.peakLiveAfterGcMb(), r.gcMs(), r.peakThreads(), r.serverCpuMsPerExecution(),
                r.otherCores(),
                r.scenario() == Scenario.LATENCY ? String.format(Locale.ROOT, "   added p50 %.1f p90 %.1f ms",
                        r.addedP50(), r.addedP90()) : "");
    }

    void print(PrintStream out) {
        out.println();
        out.println("== Summary (median over " + options.repeat + " run(s); [min..max] when repeated) ==");
        out.println("C = executions in flight; cpu ms = this JVM's CPU time per execution; cores = CPU time / wall"
                + " time; heapMB = peak used heap; liveMB = largest heap left after a GC; thr = peak live threads"
                + " (of which " + (runs.isEmpty() ? "?" : runs.get(0).baselineThreads()) + " exist before any client);"
                + " KB/ex = heap allocated per execution; srv ms = the server's CPU time per execution; other = cores used by"
                + " other processes meanwhile");
        out.println(String.format(Locale.ROOT,
                "%-10s %-6s %-9s %6s %5s %-22s %-22s %-20s %8s %6s %7s %7s %5s %7s %6s",
                "scenario", "via", "executor", "C", "fail", "p50 ms", "p90 ms", "exec/s", "cpu ms", "KB/ex", "heapMB",
                "liveMB", "thr", "srv ms", "other"));
        for (List<RunResult> group : groups().values()) {
            RunResult first = group.get(0);
            boolean latency = first.scenario() == Scenario.LATENCY;
            out.println(String.format(Locale.ROOT,
                    "%-10s %-6s %-9s %6d %5d %-22s %-22s %-20s %8.3f %6.0f %7.0f %7.0f %5d %7.3f %6.2f",
                    lower(first.scenario()), lower(first.via()), lower(first.executor()), first.inFlight(),
                    group.stream().mapToInt(RunResult::failures).sum(),
                    spread(group, latency ? RunResult::addedP50 : RunResult::p50, 2) + (latency ? "+" : ""),
                    spread(group, latency ? RunResult::addedP90 : RunResult::p90, 2) + (latency ? "+" : ""),
                    spread(group, RunResult::throughput, 0),
                    median(group, RunResult::cpuMsPerExecution), median(group, RunResult::allocatedKbPerExecution),
                    max(group, RunResult::peakHeapMb),
                    max(group, RunResult::peakLiveAfterGcMb), (int) max(group, RunResult::peakThreads),
                    median(group, RunResult::serverCpuMsPerExecution), median(group, RunResult::otherCores)));
        }
        if (runs.stream().anyMatch(r -> r.scenario() == Scenario.LATENCY)) {
            out.println("(latency rows: p50/p90 marked + are the latency ADDED to the " + options.promptDelayMs
                    + " ms job, i.e. measured minus " + options.promptDelayMs + " ms)");
        }
        List<String[]> camel = camelComparison();
        if (!camel.isEmpty()) {
            out.println();
            out.println("== Camel route against the client (same executor, same settings; ratio camel/client) ==");
            out.println(String.format(Locale.ROOT, "%-10s %-9s %6s %12s %12s %12s", "scenario", "executor", "C",
                    "p50", "exec/s", "cpu ms"));
            for (String[] row : camel) {
                out.println(String.format(Locale.ROOT, "%-10s %-9s %6s %12s %12s %12s", (Object[]) row));
            }
        }
        out.println();
        out.println("== Targets ==");
        for (Target t : targets()) {
            out.println(String.format(Locale.ROOT, "%-7s %-70s %s", t.met == null ? "n/a" : t.met ? "MET" : "MISSED",
                    t.name, t.value));
        }
    }

    // ---------------------------------------------------------------- aggregation

    private Map<String, List<RunResult>> groups() {
        Map<String, List<RunResult>> groups = new LinkedHashMap<>();
        for (RunResult r : runs) {
            groups.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    private List<RunResult> group(Scenario scenario, Via via, Executor executor, int inFlight) {
        List<RunResult> list = new ArrayList<>();
        for (RunResult r : runs) {
            if (r.scenario() == scenario && r.via() == via && r.executor() == executor
                    && (inFlight < 0 || r.inFlight() == inFlight)) {
                list.add(r);
            }
        }
        return list;
    }

    static double median(List<RunResult> group, ToDoubleFunction<RunResult> metric) {
        double[] values = group.stream().mapToDouble(metric).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static double min(List<RunResult> group, ToDoubleFunction<RunResult> metric) {
        return group.stream().mapToDouble(metric).min().orElse(Double.NaN);
    }

    private static double max(List<RunResult> group, ToDoubleFunction<RunResult> metric) {
        return group.stream().mapToDouble(metric).max().orElse(Double.NaN);
    }

    private static String spread(List<RunResult> group, ToDoubleFunction<RunResult> metric, int decimals) {
        String f = "%." + decimals + "f";
        String median = String.format(Locale.ROOT, f, median(group, metric));
        if (group.size() < 2) {
            return median;
        }
        return median + String.format(Locale.ROOT, " [" + f + ".." + f + "]", min(group, metric), max(group, metric));
    }

    private List<String[]> camelComparison() {
        List<String[]> rows = new ArrayList<>();
        for (List<RunResult> camel : groups().values()) {
            RunResult c = camel.get(0);
            if (c.via() != Via.CAMEL) {
                continue;
            }
            List<RunResult> client = group(c.scenario(), Via.CLIENT, c.executor(), c.inFlight());
            if (client.isEmpty()) {
                continue;
            }
            boolean latency = c.scenario() == Scenario.LATENCY;
            ToDoubleFunction<RunResult> p50 = latency ? RunResult::addedP50 : RunResult::p50;
            rows.add(new String[]{lower(c.scenario()), lower(c.executor()), String.valueOf(c.inFlight()),
                    latency ? String.format(Locale.ROOT, "%+.2f ms", median(camel, p50) - median(client, p50))
                            : ratio(median(camel, p50), median(client, p50)),
                    ratio(median(camel, RunResult::throughput), median(client, RunResult::throughput)),
                    ratio(median(camel, RunResult::cpuMsPerExecution), median(client, RunResult::cpuMsPerExecution))});
        }
        return rows;
    }

    private static String ratio(double a, double b) {
        return b == 0 || Double.isNaN(a) || Double.isNaN(b) ? "n/a" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    // ---------------------------------------------------------------- targets

    record Target(String name, Boolean met, String value) {
    }

    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (Via via : Via.values()) {
            for (Executor executor : Executor.values()) {
                String who = lower(via) + "/" + lower(executor);
                List<RunResult> seq = group(Scenario.SEQUENTIAL, via, executor, -1);
                if (!seq.isEmpty()) {
                    double p50 = median(seq, RunResult::p50);
                    targets.add(new Target("sequential p50 <= " + SEQUENTIAL_P50_MS + " ms (" + who + ")",
                            p50 <= SEQUENTIAL_P50_MS, fmt("%.2f ms", p50) + range(seq, RunResult::p50, "%.2f")));
                }
                List<RunResult> t500 = group(Scenario.THROUGHPUT, via, executor, 500);
                if (!t500.isEmpty()) {
                    double rate = median(t500, RunResult::throughput);
                    int failures = t500.stream().mapToInt(RunResult::failures).sum();
                    targets.add(new Target(">= " + (int) THROUGHPUT_AT_500 + " exec/s at 500 in flight, no failure ("
                            + who + ")", rate >= THROUGHPUT_AT_500 && failures == 0,
                            fmt("%.0f/s", rate) + range(t500, RunResult::throughput, "%.0f") + ", " + failures
                                    + " failed"));
                }
                List<RunResult> t10k = group(Scenario.THROUGHPUT, via, executor, 10_000);
                if (!t10k.isEmpty()) {
                    int failures = t10k.stream().mapToInt(RunResult::failures).sum();
                    double threads = max(t10k, RunResult::peakThreads);
                    double heap = max(t10k, RunResult::peakHeapMb);
                    targets.add(new Target("10,000 in flight: no failure, <= " + MAX_THREADS + " threads, <= "
                            + (int) MAX_HEAP_MB + " MB heap (" + who + ")",
                            failures == 0 && threads <= MAX_THREADS && heap <= MAX_HEAP_MB,
                            failures + " failed, " + (int) threads + " threads, " + fmt("%.0f MB", heap)
                                    + " peak heap (" + fmt("%.0f MB", max(t10k, RunResult::peakLiveAfterGcMb))
                                    + " live after GC, -Xmx " + fmt("%.0f MB", t10k.get(0).maxHeapMb()) + ")"));
                }
                List<RunResult> lat = group(Scenario.LATENCY, via, executor, -1);
                if (!lat.isEmpty()) {
                    double limit = executor == Executor.HTTP ? ADDED_HTTP_MS : ADDED_WEBSOCKET_MS;
                    double p50 = median(lat, RunResult::addedP50);
                    double p90 = median(lat, RunResult::addedP90);
                    targets.add(new Target("latency added to a " + options.promptDelayMs + " ms job, p50 <= "
                            + (int) limit + " ms (" + who + ")", p50 <= limit,
                            fmt("p50 %.1f ms", p50) + range(lat, RunResult::addedP50, "%.1f")
                                    + fmt(", p90 %.1f ms", p90) + (p90 <= limit ? " (also within)" : " (p90 above)")));
                }
            }
        }
        for (Executor executor : Executor.values()) {
            List<String> worse = new ArrayList<>();
            boolean any = false;
            for (List<RunResult> camel : groups().values()) {
                RunResult c = camel.get(0);
                if (c.via() != Via.CAMEL || c.executor() != executor || c.scenario() == Scenario.LATENCY) {
                    continue;
                }
                List<RunResult> client = group(c.scenario(), Via.CLIENT, executor, c.inFlight());
                if (client.isEmpty()) {
                    continue;
                }
                any = true;
                String where = lower(c.scenario()) + " C=" + c.inFlight();
                double limit = 1 + CAMEL_OVERHEAD;
                if (c.scenario() == Scenario.SEQUENTIAL) {
                    double r = median(camel, RunResult::p50) / median(client, RunResult::p50);
                    if (r > limit) {
                        worse.add(where + " p50 " + fmt("%.2fx", r));
                    }
                } else {
                    double r = median(client, RunResult::throughput) / median(camel, RunResult::throughput);
                    if (r > limit) {
                        worse.add(where + " exec/s " + fmt("%.2fx lower", r));
                    }
                }
                double cpu = median(camel, RunResult::cpuMsPerExecution) / median(client, RunResult::cpuMsPerExecution);
                if (cpu > limit) {
                    worse.add(where + " cpu/exec " + fmt("%.2fx", cpu));
                }
            }
            if (any) {
                targets.add(new Target("Camel route adds <= 10% (p50, exec/s, cpu/exec) (" + lower(executor) + ")",
                        worse.isEmpty(), worse.isEmpty() ? "within 10% everywhere" : String.join("; ", worse)));
            }
        }
        return targets;
    }

    private static String range(List<RunResult> group, ToDoubleFunction<RunResult> metric, String f) {
        return group.size() < 2 ? "" : String.format(Locale.ROOT, " [" + f + ".." + f + "]", min(group, metric),
                max(group, metric));
    }

    // ---------------------------------------------------------------- JSON

    void writeJson(Path file, List<String> servers) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("date", started.toString());
        root.set("machine", machine(mapper));
        ObjectNode o = root.putObject("options");
        o.put("scenarios", options.scenarios.toString());
        o.put("executors", options.executors.toString());
        o.put("via", options.vias.toString());
        o.put("warmup", options.warmup);
        o.put("repeat", options.repeat);
        o.put("parallelism", options.parallelism);
        o.put("promptDelayMs", options.promptDelayMs);
        o.put("timeout", options.timeout.toString());
        o.put("workflow", options.workflow);
        o.put("url", options.url);
        o.put("inProcessEmulator", options.inProcessEmulator);
        o.put("servers", options.servers);
        o.putPOJO("concurrency", options.concurrency);
        ArrayNode serverList = root.putArray("servers");
        servers.forEach(serverList::add);
        ArrayNode list = root.putArray("runs");
        for (RunResult r : runs) {
            ObjectNode n = identify(list.addObject(), r);
            n.put("repeat", r.repeat());
            n.put("server", r.server());
            n.put("executions", r.executions());
            n.put("failures", r.failures());
            n.putPOJO("failureSamples", r.failureSamples());
            ObjectNode lat = n.putObject("latencyMs");
            lat.put("p50", r.p50());
            lat.put("p90", r.p90());
            lat.put("p99", r.p99());
            lat.put("min", r.min());
            lat.put("max", r.max());
            lat.put("mean", r.mean());
            if (r.scenario() == Scenario.LATENCY) {
                ObjectNode added = n.putObject("addedLatencyMs");
                added.put("jobMs", r.jobMs());
                added.put("p50", r.addedP50());
                added.put("p90", r.addedP90());
                added.put("p99", r.addedP99());
            }
            n.put("throughputPerSecond", r.throughput());
            n.put("wallSeconds", r.wallSeconds());
            n.put("cpuMsPerExecution", r.cpuMsPerExecution());
            n.put("cpuCores", r.cpuCores());
            n.put("serverCpuMsPerExecution", r.serverCpuMsPerExecution());
            n.put("allocatedKbPerExecution", r.allocatedKbPerExecution());
            n.put("otherProcessesCores", r.otherCores());
            n.put("peakHeapMb", r.peakHeapMb());
            n.put("peakLiveAfterGcMb", r.peakLiveAfterGcMb());
            n.put("maxHeapMb", r.maxHeapMb());
            n.put("gcCount", r.gcCount());
            n.put("gcMs", r.gcMs());
            n.put("threadsBeforeClient", r.threadsBeforeClient());
            n.put("threadsAtStart", r.threadsAtStart());
            n.put("peakThreads", r.peakThreads());
            n.put("peakThreadNames", r.peakThreadNames());
            n.put("baselineThreads", r.baselineThreads());
        }
        ArrayNode summary = root.putArray("summary");
        for (List<RunResult> group : groups().values()) {
            RunResult r = group.get(0);
            ObjectNode n = identify(summary.addObject(), r);
            n.put("runs", group.size());
            n.put("failures", group.stream().mapToInt(RunResult::failures).sum());
            stat(n, "p50Ms", group, RunResult::p50);
            stat(n, "p90Ms", group, RunResult::p90);
            stat(n, "p99Ms", group, RunResult::p99);
            if (r.scenario() == Scenario.LATENCY) {
                stat(n, "addedP50Ms", group, RunResult::addedP50);
                stat(n, "addedP90Ms", group, RunResult::addedP90);
            }
            stat(n, "throughputPerSecond", group, RunResult::throughput);
            stat(n, "cpuMsPerExecution", group, RunResult::cpuMsPerExecution);
            stat(n, "serverCpuMsPerExecution", group, RunResult::serverCpuMsPerExecution);
            stat(n, "allocatedKbPerExecution", group, RunResult::allocatedKbPerExecution);
            stat(n, "otherProcessesCores", group, RunResult::otherCores);
            stat(n, "peakHeapMb", group, RunResult::peakHeapMb);
            stat(n, "peakLiveAfterGcMb", group, RunResult::peakLiveAfterGcMb);
            stat(n, "peakThreads", group, RunResult::peakThreads);
        }
        ArrayNode targetList = root.putArray("targets");
        for (Target t : targets()) {
            ObjectNode n = targetList.addObject();
            n.put("target", t.name());
            if (t.met() == null) {
                n.putNull("met");
            } else {
                n.put("met", t.met());
            }
            n.put("value", t.value());
        }
        if (!pool.isEmpty()) {
            root.set("pool", mapper.valueToTree(pool));
        }
        if (!jobStores.isEmpty()) {
            root.set("jobstore", mapper.valueToTree(jobStores));
        }
        if (!largeMedia.isEmpty()) {
            root.set("large_media", mapper.valueToTree(largeMedia));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        mapper.writeValue(file.toFile(), root);
    }

    private static void stat(ObjectNode n, String name, List<RunResult> group, ToDoubleFunction<RunResult> metric) {
        ObjectNode s = n.putObject(name);
        s.put("median", median(group, metric));
        s.put("min", min(group, metric));
        s.put("max", max(group, metric));
    }

    static ObjectNode machine(ObjectMapper mapper) {
        ObjectNode m = mapper.createObjectNode();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        m.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        return m;
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }

    /** The fields that say which measurement a JSON entry is: scenario, path, executor and executions in flight. */
    private static ObjectNode identify(ObjectNode n, RunResult r) {
        n.put("scenario", lower(r.scenario()));
        n.put("via", lower(r.via()));
        n.put("executor", lower(r.executor()));
        n.put("inFlight", r.inFlight());
        return n;
    }
}
