package dev.comfykit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.ComfyUiEmulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The restart-chaos scenario (issue 15): N jobs through one Camel application process ({@link RestartChaosApp}) on
 * the embedded H2 job store, fed from a file inbox, against two emulators whose jobs take 100 to 500 ms. The
 * application is killed with SIGKILL when 30% of the results exist, started again, and the run waits for the end.
 * <p>
 * Figures: {@code jobs}; {@code results}, the distinct jobs whose result the route wrote; {@code lost}, jobs
 * without one at the end; {@code duplicates}, results written beyond one per job; {@code reattached}, jobs
 * delivered after the restart that were recorded before it; {@code redelivered}, inputs read again after the kill
 * although their result had been written (killed between the route's last step and the file's deletion: the
 * at-least-once of any durable input), which the route's idempotent sink recognised by the job id and did not write
 * again; {@code failed}, results that are failures; {@code seconds}, from the first job to the last result.
 */
public final class RestartChaos {

    /** The figures of one run. */
    public record Result(int jobs, int results, int lost, int duplicates, int reattached, int redelivered,
                         int failed, double seconds, int resultsAtKill) {

        String toJson() {
            return String.format(java.util.Locale.ROOT, "{\"scenario\": \"restart-chaos\", \"jobs\": %d, \"results\": %d,"
                    + " \"lost\": %d, \"duplicates\": %d, \"reattached\": %d, \"redelivered\": %d, \"failed\": %d,"
                    + " \"seconds\": %.1f, \"results_at_kill\": %d}%n", jobs, results, lost, duplicates, reattached,
                    redelivered, failed, seconds, resultsAtKill);
        }
    }

    private static final Duration STEP = Duration.ofMillis(10);
    private static final long LEASE_MILLIS = 2000;

    private final Path dir;
    private final PrintStream out;

    public RestartChaos(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    /** Runs the scenario with N jobs; waits at most {@code patience} for all results after the restart. */
    public Result run(int n, Duration patience) throws Exception {
        Path inbox = dir.resolve("inbox");
        Path results = dir.resolve("results");
        Path store = dir.resolve("store/jobs");
        Files.createDirectories(inbox);
        Files.createDirectories(results);
        List<ComfyUiEmulator> emulators = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                emulators.add(ComfyUiEmulator.builder().stepTime(STEP).parallelism(2).outputCache(false).start());
            }
            String servers = "a=" + emulators.get(0).baseUrl() + ",b=" + emulators.get(1).baseUrl();
            long start = System.nanoTime();
            writeJobs(inbox, n);
            Process first = startApp(inbox, results, store, servers, "run-1");
            int atKill = waitForResults(results, (int) Math.ceil(n * 0.3), Duration.ofMinutes(5), first);
            // SIGKILL on Linux: no shutdown hook, no lease release, nothing cancelled
            first.destroyForcibly().waitFor();
            out.printf("restart-chaos: killed the application with %d of %d results%n", atKill, n);
            Process second = startApp(inbox, results, store, servers, "run-2");
            try {
                waitForResults(results, n, patience, second);
                double seconds = (System.nanoTime() - start) / 1e9;
                return count(n, results, seconds, atKill);
            } finally {
                second.destroy();
                second.waitFor();
            }
        } finally {
            emulators.forEach(ComfyUiEmulator::close);
        }
    }

    private static void writeJobs(Path inbox, int n) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Random random = new Random(15);
        for (int i = 0; i < n; i++) {
            ObjectNode params = json.createObjectNode();
            params.put("prompt", "chaos job " + i);
            // 10 to 50 steps of 10 ms: jobs of 100 to 500 ms
            params.put("steps", 10 + random.nextInt(41));
            String name = String.format("job-%04d", i);
            Path temp = inbox.resolve(name + ".tmp");
            Files.writeString(temp, json.writeValueAsString(params));
            Files.move(temp, inbox.resolve(name + ".json"));
        }
    }

    private Process startApp(Path inbox, Path results, Path store, String servers, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                RestartChaosApp.class.getName(), inbox.toString(), results.toString(), store.toString(), servers,
                String.valueOf(LEASE_MILLIS));
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
        return builder.start();
    }

    private static int waitForResults(Path results, int wanted, Duration patience, Process app) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        int count = resultFiles(results);
        while (count < wanted) {
            if (!app.isAlive()) {
                throw new IllegalStateException("The restart-chaos application ended (exit " + app.exitValue()
                        + ") with " + count + " of " + wanted + " results; see its log next to the results");
            }
            if (System.nanoTime() > deadline) {
                return count;
            }
            Thread.sleep(20);
            count = resultFiles(results);
        }
        return count;
    }

    private static int resultFiles(Path results) throws IOException {
        try (Stream<Path> files = Files.list(results)) {
            return (int) files.filter(f -> f.getFileName().toString().startsWith("job-")
                    && f.getFileName().toString().endsWith(".json")).count();
        }
    }

    private static Result count(int n, Path results, double seconds, int atKill) throws IOException {
        Path log = results.resolve("deliveries.log");
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        Map<String, Integer> deliveries = new HashMap<>();
        int redelivered = 0;
        Set<String> reattached = new HashSet<>();
        Set<String> failed = new HashSet<>();
        for (String line : lines) {
            String[] fields = line.split(",");
            if (fields.length < 4) {
                continue;
            }
            if (fields[1].equals("again")) {
                redelivered++;
                continue;
            }
            deliveries.merge(fields[0], 1, Integer::sum);
            if (fields[2].equals("reattached")) {
                reattached.add(fields[0]);
            }
            if (!fields[3].equals("completed")) {
                failed.add(fields[0]);
            }
        }
        int duplicates = deliveries.values().stream().mapToInt(count -> count - 1).sum();
        int delivered = deliveries.size();
        return new Result(n, delivered, n - delivered, duplicates, reattached.size(), redelivered, failed.size(),
                seconds, atKill);
    }

    /** {@code --scenario restart-chaos [--n N] [--json FILE] [--dir DIR]}. */
    public static void main(String[] args) throws Exception {
        int n = 300;
        Path jsonFile = null;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--json" -> jsonFile = Path.of(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--scenario" -> i++;
                default -> throw new IllegalArgumentException("restart-chaos takes --n N, --json FILE and --dir DIR;"
                        + " got " + args[i]);
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("restart-chaos");
        }
        Result result = new RestartChaos(dir, System.out).run(n, Duration.ofMinutes(10));
        System.out.print(result.toJson());
        if (jsonFile != null) {
            Files.writeString(jsonFile, result.toJson());
            System.out.println("JSON written to " + jsonFile.toAbsolutePath());
        }
        System.exit(result.lost() == 0 && result.duplicates() == 0 && result.results() == result.jobs() ? 0 : 1);
    }
}
