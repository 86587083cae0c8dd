package dev.comfykit.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The command line options of the harness. */
final class Options {

    static final String USAGE = String.join("\n",
            "Usage: java -Xmx512m -jar benchmarks/target/comfykit-benchmarks.jar [options]",
            "",
            "Runs a small DSL workflow (zero-time nodes, a different param every execution) N times with C in flight",
            "through the ComfyKit client and/or a Camel route (direct: -> comfykit:), with either executor, and",
            "reports latency percentiles, throughput, failures, client CPU per execution, peak heap and peak threads.",
            "By default the ComfyUI emulator runs as a SEPARATE process, so the figures are the client's alone.",
            "",
            "Options:",
            "  --scenario LIST       sequential, throughput, latency, all (these three), pool-scaling, pool-failover,",
            "                        pool-routing or pool (these three), jobstore, events, large-media; comma-separated;",
            "                        default all",
            "  --executor X          http, websocket or both (default both)",
            "  --via X               client, camel or both (default both)",
            "  --n N                 measured executions per run (default: sequential 2000, throughput",
            "                        max(10000, 2 x C), latency 20)",
            "  --concurrency LIST    in-flight levels of the throughput scenario (default 100,500,10000)",
            "  --parallelism P       prompts the emulator runs at once in the throughput scenario (default 64)",
            "  --prompt-delay MS     the job length of the latency scenario (default 500)",
            "  --warmup N            JIT warm-up executions per executor and path, and of every emulator process",
            "                        (default 20000; at most 2000 for the emulator with a prompt delay)",
            "  --repeat R            runs of every measurement, each with a fresh client (default 1)",
            "  --url URL             an external ComfyUI-protocol server instead of the emulator; the latency",
            "                        scenario then assumes its jobs take --prompt-delay",
            "  --in-process-emulator run the emulator inside this JVM (figures then include the server)",
            "  --timeout DURATION    the client's overall execution timeout (default 10m; e.g. 90s, 10m)",
            "  --workflow W          the workflow (default classpath:bench/text.json; params text, suffix)",
            "  --json FILE           also write the results as JSON",
            "  --emulator-jvm-args A extra JVM arguments of the emulator process (space-separated)",
            "  --settle S            seconds to wait after a run for its client's threads to end (default 5)",
            "",
            "Pool scenarios (each emulator a separate JVM, parallelism 1; one pool client, websocket unless",
            "--executor http):",
            "  --servers N           emulators of a pool scenario (default 4)",
            "  --pool-jobs N         jobs of a pool scenario (default: scaling 400, failover 2000, routing 400)",
            "  --pool-in-flight C    jobs in flight of a pool scenario (default 64)",
            "  --pool-job-ms MS      time of one job (default: scaling 100, failover and routing 20)",
            "  --pool-fault-seconds S how long the failover scenario's third server answers 503 (default 10)",
            "",
            "Restart-chaos scenario (--scenario restart-chaos, alone; durable jobs, issue 15): N jobs (--n, default",
            "300) from a file inbox through a Camel application process on the embedded H2 job store, two emulators",
            "with 100-500 ms jobs; the application is killed (SIGKILL) at 30% of the results and started again.",
            "  --json FILE           writes jobs, results, lost, duplicates, reattached, failed, seconds",
            "  --dir DIR             where the inbox, results, store and application logs go (default: a temp dir)",
            "",
            "Scale-out chaos scenario (--scenario scaleout-chaos, alone; issue 16): N jobs (--n, default 300) sent to a",
            "KRaft Kafka broker (own process), taken by 2 Camel application JVMs on a PostgreSQL job store, 3 emulator",
            "processes with 100-500 ms jobs; one application is SIGKILLed at 30% of the results, one emulator at 60%",
            "and started again. Needs PostgreSQL (--jdbc-url, default jdbc:postgresql://127.0.0.1:5432/test).",
            "  --json FILE           writes jobs, results, lost, duplicates, reattached, failed, seconds and more",
            "  --dir DIR             where the broker, emulator and application logs go (default: a temp dir)",
            "",
            "Job store scenario (no server; the store's own cost):",
            "  --jobstore-stores L   postgresql, postgresql-async (synchronous_commit=off), h2, memory;",
            "                        comma-separated (default all four)",
            "  --jobstore-url URL    PostgreSQL's JDBC URL (default $COMFYKIT_TEST_JDBC_URL or",
            "                        jdbc:postgresql://127.0.0.1:5432/test; user postgres unless the URL names one)",
            "  --jobstore-threads T  threads writing and claiming at once (default 8)",
            "  --jobstore-records N  records written then claimed (default 20000)",
            "  --jobstore-batch B    records per claim (default 10)",
            "  --jobstore-latency-jobs N  jobs of the added-latency measurement (default 2000)",
            "",
            "Events scenario (each emulator a separate JVM; KSampler 20 steps, a preview every step; one job in",
            "flight per server; a comfykit:events route consumes progress, preview, success and error):",
            "  --servers N           emulators (default 10)",
            "  --pool-jobs N         jobs (default 20 per server)",
            "  --events-step-ms MS   time of one sampler step: 1000/MS progress events per second per server",
            "                        (default 50: 20/s)",
            "",
            "Large-media scenario (one emulator JVM; run this JVM with -Xmx256m): a file message of --size-mb is",
            "uploaded, copied by the emulator and its output split to a file: endpoint; curl does the same transfers:",
            "  --size-mb MB          size of the input and of the output (default 1024)",
            "  --help                this text");

    enum Scenario {
        SEQUENTIAL, THROUGHPUT, LATENCY, POOL_SCALING, POOL_FAILOVER, POOL_ROUTING, JOBSTORE, EVENTS, LARGE_MEDIA;

        /** The scenarios of a pool of servers (issue 14), measured apart from the single-server ones. */
        boolean pool() {
            return this == POOL_SCALING || this == POOL_FAILOVER || this == POOL_ROUTING || this == EVENTS;
        }
    }

    static final Set<Scenario> SINGLE_SERVER = EnumSet.of(Scenario.SEQUENTIAL, Scenario.THROUGHPUT, Scenario.LATENCY);
    static final Set<Scenario> POOL = EnumSet.of(Scenario.POOL_SCALING, Scenario.POOL_FAILOVER, Scenario.POOL_ROUTING);

    enum Via { CLIENT, CAMEL }

    enum Executor { HTTP, WEBSOCKET }

    Set<Scenario> scenarios = EnumSet.copyOf(SINGLE_SERVER);
    List<Executor> executors = List.of(Executor.HTTP, Executor.WEBSOCKET);
    List<Via> vias = List.of(Via.CLIENT, Via.CAMEL);
    Integer n;
    List<Integer> concurrency = List.of(100, 500, 10_000);
    int parallelism = 64;
    int promptDelayMs = 500;
    int warmup = 20_000;
    int repeat = 1;
    String url;
    boolean inProcessEmulator;
    Duration timeout = Duration.ofMinutes(10);
    String workflow = "classpath:bench/text.json";
    Path json;
    List<String> emulatorJvmArgs = List.of();
    int settleSeconds = 5;
    boolean help;
    int servers = 4;
    Integer poolJobs;
    Integer poolInFlight;
    Integer poolJobMs;
    int poolFaultSeconds = 10;
    List<String> jobStores = List.of("postgresql", "postgresql-async", "h2", "memory");
    String jobStoreUrl = System.getenv("COMFYKIT_TEST_JDBC_URL") != null
            && !System.getenv("COMFYKIT_TEST_JDBC_URL").isBlank() ? System.getenv("COMFYKIT_TEST_JDBC_URL")
            : "jdbc:postgresql://127.0.0.1:5432/test";
    int jobStoreThreads = 8;
    int jobStoreRecords = 20_000;
    int jobStoreBatch = 10;
    int jobStoreLatencyJobs = 2000;
    boolean serversGiven;
    int eventsStepMs = 50;
    int sizeMb = 1024;

    /** The emulators of the events scenario: {@code --servers}, else 10. */
    int eventsServers() {
        return serversGiven ? servers : 10;
    }

    int eventsStepMs() {
        return eventsStepMs;
    }

    static Options parse(String... args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--help") || name.equals("-h")) {
                o.help = true;
                continue;
            }
            if (name.equals("--in-process-emulator")) {
                o.inProcessEmulator = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--scenario" -> o.scenarios = scenarios(value);
                case "--executor" -> o.executors = both(value, Executor.class, Executor.values());
                case "--via" -> o.vias = both(value, Via.class, Via.values());
                case "--n" -> o.n = number(name, value, 1);
                case "--concurrency" -> {
                    List<Integer> levels = new ArrayList<>();
                    for (String level : value.split(",")) {
                        levels.add(number(name, level, 1));
                    }
                    o.concurrency = List.copyOf(levels);
                }
                case "--parallelism" -> o.parallelism = number(name, value, 1);
                case "--prompt-delay" -> o.promptDelayMs = number(name, value, 0);
                case "--warmup" -> o.warmup = number(name, value, 0);
                case "--repeat" -> o.repeat = number(name, value, 1);
                case "--url" -> o.url = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                case "--timeout" -> o.timeout = duration(name, value);
                case "--workflow" -> o.workflow = value;
                case "--settle" -> o.settleSeconds = number(name, value, 0);
                case "--servers" -> {
                    o.servers = number(name, value, 1);
                    o.serversGiven = true;
                }
                case "--events-step-ms" -> o.eventsStepMs = number(name, value, 1);
                case "--size-mb" -> o.sizeMb = number(name, value, 1);
                case "--pool-jobs" -> o.poolJobs = number(name, value, 1);
                case "--pool-in-flight" -> o.poolInFlight = number(name, value, 1);
                case "--pool-job-ms" -> o.poolJobMs = number(name, value, 0);
                case "--pool-fault-seconds" -> o.poolFaultSeconds = number(name, value, 1);
                case "--jobstore-stores" -> o.jobStores = jobStores(value);
                case "--jobstore-url" -> o.jobStoreUrl = value;
                case "--jobstore-threads" -> o.jobStoreThreads = number(name, value, 1);
                case "--jobstore-records" -> o.jobStoreRecords = number(name, value, 1);
                case "--jobstore-batch" -> o.jobStoreBatch = number(name, value, 1);
                case "--jobstore-latency-jobs" -> o.jobStoreLatencyJobs = number(name, value, 1);
                case "--json" -> o.json = Path.of(value);
                case "--emulator-jvm-args" -> o.emulatorJvmArgs = value.isBlank() ? List.of()
                        : List.of(value.trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (o.url != null && o.inProcessEmulator) {
            throw new IllegalArgumentException("--url and --in-process-emulator exclude each other");
        }
        if (o.url != null && o.scenarios.stream().anyMatch(Scenario::pool)) {
            // the pool scenarios kill, restart and configure their servers: they need emulators they started
            throw new IllegalArgumentException("the pool scenarios start their own emulators; --url does not apply");
        }
        return o;
    }

    /** The measured executions of one run. */
    int executions(Scenario scenario, int inFlight) {
        if (n != null) {
            return n;
        }
        return switch (scenario) {
            case SEQUENTIAL -> 2000;
            case THROUGHPUT -> Math.max(10_000, 2 * inFlight);
            case LATENCY -> 20;
            default -> throw new IllegalArgumentException("not a single-server scenario: " + scenario);
        };
    }

    int poolJobs(int byDefault) {
        return poolJobs != null ? poolJobs : byDefault;
    }

    int poolInFlight(int byDefault) {
        return poolInFlight != null ? poolInFlight : byDefault;
    }

    int poolJobMs(int byDefault) {
        return poolJobMs != null ? poolJobMs : byDefault;
    }

    private static Set<Scenario> scenarios(String value) {
        Set<Scenario> set = EnumSet.noneOf(Scenario.class);
        for (String s : value.split(",")) {
            String name = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            if (name.equals("ALL")) {
                set.addAll(SINGLE_SERVER);
            } else if (name.equals("POOL")) {
                set.addAll(POOL);
            } else {
                try {
                    set.add(Scenario.valueOf(name));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--scenario takes sequential, throughput, latency, all, pool-scaling, pool-failover, pool-routing, pool, jobstore, events or large-media: " + s);
                }
            }
        }
        return set;
    }

    private static List<String> jobStores(String value) {
        List<String> stores = new ArrayList<>();
        for (String s : value.split(",")) {
            String name = s.trim().toLowerCase(Locale.ROOT);
            if (!List.of("postgresql", "postgresql-async", "h2", "memory").contains(name)) {
                throw new IllegalArgumentException(
                        "--jobstore-stores takes postgresql, postgresql-async, h2 and memory: " + s);
            }
            stores.add(name);
        }
        return List.copyOf(stores);
    }

    private static <E extends Enum<E>> List<E> both(String value, Class<E> type, E[] all) {
        String name = value.trim().toUpperCase(Locale.ROOT);
        if (name.equals("BOTH") || name.equals("ALL")) {
            return List.of(all);
        }
        try {
            return List.of(Enum.valueOf(type, name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown value " + value + "; expected one of "
                    + java.util.Arrays.toString(all).toLowerCase(Locale.ROOT) + " or both");
        }
    }

    private static int number(String name, String value, int min) {
        try {
            int n = Integer.parseInt(value.trim().replace("_", ""));
            if (n < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a whole number: " + value);
        }
    }

    static Duration duration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofMillis(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a duration such as 500ms, 90s or 10m: " + value);
        }
    }
}
