package dev.comfykit.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfykit.benchmarks.Options.Executor;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.ServerSpec;
import dev.comfykit.client.ServerStatus;
import dev.comfykit.emulator.SampleWorkflows;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pool scenarios of issue 14: {@code pool-scaling} (N servers against 1), {@code pool-failover} (servers killed,
 * restarted and failing with 5xx under load) and {@code pool-routing} (two workflows whose checkpoints exist on
 * disjoint subsets of the servers). Every server is an emulator in its own JVM ({@link PoolMember}); the load goes
 * through one pool client ({@code ComfyKit.builder().servers(...)}).
 */
final class PoolScenarios {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options options;
    private final PrintStream out;
    private final Report report;
    private final List<PoolMember> started = new ArrayList<>();

    PoolScenarios(Options options, PrintStream out, Report report) {
        this.options = options;
        this.out = out;
        this.report = report;
    }

    private ExecutorType executor() {
        // one executor per pool run: websocket unless only http was asked for
        return options.executors.size() == 1 && options.executors.get(0) == Executor.HTTP ? ExecutorType.HTTP
                : ExecutorType.WEBSOCKET;
    }

    private Duration deadline() {
        return options.timeout.plus(Duration.ofSeconds(30));
    }

    // ------------------------------------------------------------------------------------------------ scaling

    /** {@code pool-scaling}: the same jobs through a pool of N and a pool of 1; speedup = time(1) / time(N). */
    void scaling() throws Exception {
        int servers = options.servers;
        int jobs = options.poolJobs(400);
        int inFlight = options.poolInFlight(64);
        int jobMs = options.poolJobMs(100);
        out.printf("%n== pool-scaling: %d emulators (parallelism 1, %d ms per job), %d jobs, %d in flight, %s ==%n",
                servers, jobMs, jobs, inFlight, lower(executor()));
        List<PoolMember> members = startMembers(servers, jobMs, i -> null);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("servers", servers);
        figures.put("jobs", jobs);
        figures.put("inFlight", inFlight);
        figures.put("jobMs", jobMs);
        figures.put("executor", lower(executor()));
        String manyPrefix = "scale-many-" + Long.toHexString(System.nanoTime()) + "-";
        PoolLoad.Outcome many = scalingRun(members, jobs, inFlight, manyPrefix);
        // how the measured jobs were split over the servers (from their histories): an uneven split lengthens the run
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Integer> split = new LinkedHashMap<>();
        Pattern measured = Pattern.compile(Pattern.quote(manyPrefix) + "(\\d+)");
        for (PoolMember member : members) {
            String history = member.history(http, Duration.ofSeconds(10));
            split.put(member.name(), history == null ? -1 : executions(List.of(history), measured).total());
        }
        figures.put("jobsPerServerWith" + servers, split);
        PoolLoad.Outcome one = scalingRun(members.subList(0, 1), jobs, inFlight,
                "scale-one-" + Long.toHexString(System.nanoTime()) + "-");
        double speedup = many.seconds() == 0 ? 0 : one.seconds() / many.seconds();
        figures.put("secondsWith" + servers, round(many.seconds()));
        figures.put("secondsWith1", round(one.seconds()));
        figures.put("jobsPerSecondWith" + servers, round(jobs / many.seconds()));
        figures.put("jobsPerSecondWith1", round(jobs / one.seconds()));
        figures.put("idealSpeedup", servers);
        figures.put("speedup", round(speedup));
        figures.put("failed", many.failed() + one.failed() + many.lost() + one.lost());
        figures.put("target", "speedup >= 3.6 (4 servers)");
        figures.put("met", servers == 4 ? speedup >= 3.6 && many.failed() + one.failed() == 0 : null);
        out.printf(Locale.ROOT, "pool of %d: %.2f s (%.1f jobs/s), pool of 1: %.2f s (%.1f jobs/s), speedup %.2f"
                        + " (ideal %d), failed %d%n", servers, many.seconds(), jobs / many.seconds(), one.seconds(),
                jobs / one.seconds(), speedup, servers, many.failed() + one.failed());
        out.println("  measured jobs per server, pool of " + servers + ": " + split);
        samples(many);
        samples(one);
        figures.put("serversDescribed", describe(members));
        report.addPool("pool-scaling", figures);
        closeAll();
    }

    private PoolLoad.Outcome scalingRun(List<PoolMember> members, int jobs, int inFlight, String prefix)
            throws Exception {
        try (ComfyKit kit = pool(members, 3)) {
            // connections, WebSockets and the workflow cache of the fresh client; not measured
            new PoolLoad(2 * members.size()).run(kit, options.workflow, inFlight, i -> text(prefix + "warm-" + i),
                    deadline());
            return new PoolLoad(jobs).run(kit, options.workflow, inFlight, i -> text(prefix + i), deadline());
        }
    }

    // ------------------------------------------------------------------------------------------------ failover

    /**
     * {@code pool-failover}: after 25 % of the jobs one server is killed (for good), after 50 % another is killed
     * and started again on its port (its queue and history gone), after 75 % a third answers 503 for 10 s.
     */
    void failover() throws Exception {
        for (Options.Via via : options.vias) {
            failover(via);
        }
    }

    /** One failover run through the client, or through a Camel route with {@code servers=} (fresh emulators each). */
    private void failover(Options.Via via) throws Exception {
        boolean camel = via == Options.Via.CAMEL;
        int servers = options.servers;
        if (servers < 3) {
            throw new IllegalArgumentException("pool-failover needs --servers 3 or more");
        }
        int jobs = options.poolJobs(2000);
        int inFlight = options.poolInFlight(64);
        int jobMs = options.poolJobMs(20);
        int faultSeconds = options.poolFaultSeconds;
        int attempts = 10;
        out.printf("%n== pool-failover%s: %d emulators (parallelism 1, %d ms per job), %d jobs, %d in flight, %s,"
                + " maxAttempts %d ==%n", camel ? " via camel" : "", servers, jobMs, jobs, inFlight,
                lower(executor()), attempts);
        List<PoolMember> members = startMembers(servers, jobMs, i -> null);
        String prefix = "fo-" + Long.toHexString(System.nanoTime()) + "-";
        Map<String, Object> figures = new LinkedHashMap<>();
        List<String> histories = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> events = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        PoolLoad load = new PoolLoad(jobs);
        PoolLoad.Outcome outcome;
        long resubmitted;
        List<ServerStatus> statuses;
        long t0 = System.nanoTime();
        Thread chaos = new Thread(() -> {
            try {
                PoolMember killed = members.get(0);
                PoolMember restarted = members.get(1);
                PoolMember failing = members.get(2);
                await(load, jobs / 4);
                // what it ran so far, read just before the kill (prompts it runs in between are not seen)
                histories.add(killed.history(http, Duration.ZERO));
                labels.add(killed.name() + " before its kill");
                killed.kill();
                events.add(event(t0, load, "killed " + killed.name()));
                await(load, jobs / 2);
                histories.add(restarted.history(http, Duration.ZERO));
                labels.add(restarted.name() + " before its restart");
                restarted.kill();
                events.add(event(t0, load, "killed " + restarted.name() + " for a restart"));
                restarted.relaunch();
                events.add(event(t0, load, restarted.name() + " up again on its port (queue and history"
                        + " forgotten)"));
                await(load, 3 * jobs / 4);
                failing.failFor(faultSeconds);
                events.add(event(t0, load, failing.name() + " answers 503 for " + faultSeconds + " s"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                events.add("fault injection failed: " + e);
            }
        }, "bench-pool-chaos");
        chaos.setDaemon(true);
        chaos.start();
        if (camel) {
            String list = String.join(",", members.stream().map(m -> m.name() + "=" + m.url()).toList());
            try (CamelDriver route = CamelDriver.withServerOptions("servers=RAW(" + list + ")&maxAttempts=" + attempts,
                    executor(), options.timeout, options.workflow)) {
                outcome = load.runJobs(inFlight, i -> route.execute(prefix + i), deadline());
                chaos.join(60_000);
            }
            // the component's client is inside the endpoint: no resubmission count, no server states
            resubmitted = -1;
            statuses = List.of();
        } else {
            try (ComfyKit kit = pool(members, attempts)) {
                outcome = load.run(kit, options.workflow, inFlight, i -> text(prefix + i), deadline());
                chaos.join(60_000);
                resubmitted = kit.resubmissions();
                statuses = kit.servers();
            }
        }
        events.forEach(e -> out.println("  " + e));
        // what every server still alive ran (the restarted one: since its restart)
        Duration patience = Duration.ofSeconds(faultSeconds + 10L);
        int unread = 0;
        for (int i = 1; i < members.size(); i++) {
            String history = members.get(i).history(http, patience);
            unread += history == null ? 1 : 0;
            histories.add(history);
            labels.add(members.get(i).name() + (i == 1 ? " after its restart" : ""));
        }
        Executions executions = executions(histories, labels, Pattern.compile(Pattern.quote(prefix) + "(\\d+)"));
        figures.put("via", camel ? "camel" : "client");
        figures.put("servers", servers);
        figures.put("jobs", outcome.jobs());
        figures.put("inFlight", inFlight);
        figures.put("jobMs", jobMs);
        figures.put("executor", lower(executor()));
        figures.put("maxAttempts", attempts);
        figures.put("faultSeconds", faultSeconds);
        figures.put("completed", outcome.completed());
        figures.put("failed", outcome.failed());
        figures.put("lost", outcome.lost());
        figures.put("duplicates", outcome.duplicates());
        figures.put("failureKinds", outcome.failureKinds());
        figures.put("executedTwice", executions.twice());
        figures.put("executedTwiceWhere", executions.twiceWhere());
        figures.put("executionsSeen", executions.total());
        figures.put("historiesUnread", unread);
        figures.put("resubmitted", resubmitted);
        figures.put("seconds", round(outcome.seconds()));
        figures.put("events", events);
        figures.put("serverStatesAtEnd", statuses.stream().map(s -> s.name() + " " + s.state()).toList());
        figures.put("target", "completed == jobs, lost == 0, duplicates == 0");
        // the target is about completions; a prompt run twice (finished on a server that died before the
        // client read its result, then run again elsewhere) is reported beside it, not part of it
        figures.put("met", outcome.completed() == outcome.jobs() && outcome.lost() == 0 && outcome.duplicates() == 0);
        out.printf(Locale.ROOT, "jobs %d, completed %d, failed %d, lost %d, duplicates %d (callbacks), executed twice"
                        + " %d (of %d executions seen in the servers' histories), resubmitted %d, %.1f s%n",
                outcome.jobs(), outcome.completed(), outcome.failed(), outcome.lost(), outcome.duplicates(),
                executions.twice(), executions.total(), resubmitted, outcome.seconds());
        executions.twiceWhere().forEach(w -> out.println("  ran twice: " + w));
        out.println("  server states at the end: " + figures.get("serverStatesAtEnd"));
        samples(outcome);
        figures.put("serversDescribed", describe(members));
        report.addPool(camel ? "pool-failover-camel" : "pool-failover", figures);
        closeAll();
    }

    private static void await(PoolLoad load, int finished) throws InterruptedException {
        while (load.finished() < finished) {
            Thread.sleep(5);
        }
    }

    private static String event(long t0, PoolLoad load, String what) {
        return String.format(Locale.ROOT, "at %.1f s, %d jobs finished: %s", (System.nanoTime() - t0) / 1e9,
                load.finished(), what);
    }

    // ------------------------------------------------------------------------------------------------ routing

    /**
     * {@code pool-routing}: two copies of the emulator's {@code t2i} workflow, one loading {@code model-a}, one
     * {@code model-b}; the first half of the servers offers only model-a, the second half only model-b. Every job
     * must run on a server that has its model: {@code misrouted} counts the prompts that ran on one that does not
     * (read back from every server's history), {@code refused} the jobs failed by a server's validation.
     */
    void routing() throws Exception {
        int servers = Math.max(2, options.servers);
        int jobs = options.poolJobs(400);
        int inFlight = options.poolInFlight(64);
        int jobMs = options.poolJobMs(20);
        int half = servers / 2;
        IntToCheckpoint checkpoints = i -> i < half ? "model-a.safetensors" : "model-b.safetensors";
        out.printf("%n== pool-routing: %d emulators (%d with model-a only, %d with model-b only; %d ms per job),"
                + " %d jobs alternating the two workflows, %d in flight, %s ==%n", servers, half, servers - half,
                jobMs, jobs, inFlight, lower(executor()));
        List<PoolMember> members = startMembers(servers, jobMs, checkpoints::of);
        Path dir = Files.createTempDirectory("bench-routing-");
        String t2i = SampleWorkflows.json(SampleWorkflows.T2I);
        Path workflowA = Files.writeString(dir.resolve("t2i-model-a.json"),
                t2i.replace("v1-5-pruned-emaonly.safetensors", "model-a.safetensors"));
        Path workflowB = Files.writeString(dir.resolve("t2i-model-b.json"),
                t2i.replace("v1-5-pruned-emaonly.safetensors", "model-b.safetensors"));
        String prefix = "route-" + Long.toHexString(System.nanoTime()) + "-";
        PoolLoad.Outcome outcome;
        long resubmitted;
        int refused;
        PoolLoad load = new PoolLoad(jobs);
        try (ComfyKit kit = pool(members, 3)) {
            // small images: the figure is where prompts run, not how fast the emulator draws
            outcome = load.run(inFlight, i -> kit.execute(i % 2 == 0 ? workflowA : workflowB,
                    Map.of("prompt", prefix + i, "seed", i, "width", 64, "height", 64)), deadline());
            resubmitted = kit.resubmissions();
        }
        refused = outcome.failureKinds().entrySet().stream().filter(e -> e.getKey().contains("VALIDATION"))
                .mapToInt(Map.Entry::getValue).sum();
        Pattern job = Pattern.compile(Pattern.quote(prefix) + "(\\d+)");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int misrouted = 0;
        int seen = 0;
        Map<String, Integer> ranOn = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            String offered = checkpoints.of(i);
            String history = members.get(i).history(http, Duration.ofSeconds(10));
            int a = 0;
            int b = 0;
            if (history != null) {
                for (Iterator<JsonNode> it = JSON.readTree(history).elements(); it.hasNext(); ) {
                    String graph = it.next().path("prompt").path(2).toString();
                    if (!job.matcher(graph).find()) {
                        continue;
                    }
                    seen++;
                    String model = graph.contains("model-a.safetensors") ? "model-a.safetensors" : "model-b.safetensors";
                    if (model.startsWith("model-a")) {
                        a++;
                    } else {
                        b++;
                    }
                    if (!model.equals(offered)) {
                        misrouted++;
                    }
                }
            }
            ranOn.put(members.get(i).name() + " (" + offered + ")", a + b);
            out.printf("  %s offers %s: ran %d model-a jobs, %d model-b jobs%n", members.get(i).name(), offered, a, b);
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("servers", servers);
        figures.put("jobs", jobs);
        figures.put("inFlight", inFlight);
        figures.put("jobMs", jobMs);
        figures.put("executor", lower(executor()));
        figures.put("completed", outcome.completed());
        figures.put("failed", outcome.failed());
        figures.put("lost", outcome.lost());
        figures.put("refusedByValidation", refused);
        figures.put("failureKinds", outcome.failureKinds());
        figures.put("executionsSeen", seen);
        figures.put("misrouted", misrouted);
        figures.put("resubmitted", resubmitted);
        figures.put("seconds", round(outcome.seconds()));
        figures.put("jobsPerServer", ranOn);
        figures.put("target", "misrouted == 0 and completed == jobs");
        figures.put("met", misrouted == 0 && outcome.completed() == jobs);
        out.printf(Locale.ROOT, "jobs %d, completed %d, failed %d (refused by validation %d), lost %d, misrouted %d"
                        + " (of %d executions seen), resubmitted %d, %.1f s%n", jobs, outcome.completed(),
                outcome.failed(), refused, outcome.lost(), misrouted, seen, resubmitted, outcome.seconds());
        samples(outcome);
        figures.put("serversDescribed", describe(members));
        report.addPool("pool-routing", figures);
        closeAll();
    }

    @FunctionalInterface
    private interface IntToCheckpoint {
        String of(int index);
    }

    // ------------------------------------------------------------------------------------------------ shared

    /** What the servers' histories say: executions per job, and which checkpoint each ran on which server. */
    record Executions(int total, int twice, Map<Integer, Integer> perJob, List<String> twiceWhere) {
    }

    static Executions executions(List<String> histories, Pattern job) throws IOException {
        return executions(histories, histories.stream().map(h -> "").toList(), job);
    }

    /** @param labels where each history comes from, to say where a job ran twice */
    static Executions executions(List<String> histories, List<String> labels, Pattern job) throws IOException {
        Map<Integer, Integer> perJob = new HashMap<>();
        Map<Integer, List<String>> where = new HashMap<>();
        int total = 0;
        for (int h = 0; h < histories.size(); h++) {
            String history = histories.get(h);
            if (history == null) {
                continue;
            }
            JsonNode root = JSON.readTree(history);
            for (Iterator<JsonNode> it = root.elements(); it.hasNext(); ) {
                JsonNode entry = it.next();
                // [number, prompt id, graph, extra data, output node ids]
                Matcher m = job.matcher(entry.path("prompt").path(2).toString());
                if (m.find()) {
                    total++;
                    int id = Integer.parseInt(m.group(1));
                    perJob.merge(id, 1, Integer::sum);
                    where.computeIfAbsent(id, k -> new ArrayList<>()).add(h < labels.size() ? labels.get(h) : "?");
                }
            }
        }
        List<String> twiceWhere = perJob.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> "job " + e.getKey() + ": " + where.get(e.getKey())).sorted().toList();
        return new Executions(total, twiceWhere.size(), perJob, twiceWhere);
    }

    @FunctionalInterface
    private interface MemberCheckpoints {
        String of(int index);
    }

    private List<PoolMember> startMembers(int count, int jobMs, MemberCheckpoints checkpoints) throws Exception {
        List<PoolMember> members = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            PoolMember member = PoolMember.start(i, 1, jobMs, checkpoints.of(i), options.emulatorJvmArgs,
                    Path.of("target"));
            started.add(member);
            members.add(member);
        }
        out.printf(Locale.ROOT, "started %d emulator processes in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);
        return members;
    }

    private ComfyKit pool(List<PoolMember> members, int maxAttempts) {
        List<ServerSpec> specs = members.stream().map(m -> ServerSpec.of(m.url()).withName(m.name())).toList();
        return ComfyKit.builder()
                .environment(name -> null)      // no COMFYUI_* variables: exactly the settings below
                .servers(specs)
                .maxAttempts(maxAttempts)
                .executorType(executor())
                .timeout(options.timeout)
                .build();
    }

    private static Map<String, Object> text(String value) {
        return Map.of("text", value);
    }

    private void samples(PoolLoad.Outcome outcome) {
        outcome.failureSamples().forEach(s -> out.println("    failure: " + s));
    }

    private static List<String> describe(List<PoolMember> members) {
        return members.stream().map(PoolMember::describe).toList();
    }

    private void closeAll() {
        started.forEach(PoolMember::close);
        started.clear();
    }

    /** Stops every emulator process still running (after a failure). */
    void close() {
        closeAll();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static String lower(Object value) {
        return value.toString().toLowerCase(Locale.ROOT);
    }
}
