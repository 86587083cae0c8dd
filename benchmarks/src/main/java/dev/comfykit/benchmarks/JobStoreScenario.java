package dev.comfykit.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;
import dev.comfykit.client.jobs.JobStore;
import dev.comfykit.jobstore.jdbc.JdbcJobStore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * {@code --scenario jobstore} (issue 15): what a durable job store costs. For each store (PostgreSQL, H2 file, in
 * memory): records written per second and claimed per second with T threads (default 8), and the latency the
 * store adds to one job: the two durable writes an execution waits for (create before {@code /prompt}, the outcome),
 * with QUEUED and RUNNING as progress updates between them, one job at a time and with T jobs at once; and, for
 * comparison, the same four writes all durable (as before). PostgreSQL runs in a schema of its own, dropped at the
 * end; H2 in a temporary file, deleted at the end.
 */
final class JobStoreScenario {

    static final double ADDED_P50_TARGET_MS = 5;
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final Options options;
    private final PrintStream out;
    private final Report report;
    private final String prompt;
    private final String params;
    private final String result;

    JobStoreScenario(Options options, PrintStream out, Report report) {
        this.options = options;
        this.out = out;
        this.report = report;
        this.prompt = samplePrompt();
        this.params = "{\"prompt\":\"a lighthouse at dusk, volumetric light\",\"seed\":1234567,\"steps\":28}";
        this.result = "{\"status\":\"completed\",\"duration\":12.4,\"images\":[{\"filename\":\"ComfyUI_00042_.png\","
                + "\"subfolder\":\"\",\"type\":\"output\",\"url\":\"http://gpu-1:8188/view?filename=ComfyUI_00042_.png\"}]}";
    }

    void run() throws Exception {
        int threads = options.jobStoreThreads;
        int records = options.jobStoreRecords;
        int latencyJobs = options.jobStoreLatencyJobs;
        out.printf("%n== jobstore: %s; %d records written then claimed (batches of %d) by %d threads; added latency "
                        + "of %d jobs (2 durable + 2 progress writes), prompt %d bytes ==%n",
                String.join(", ", options.jobStores), records, options.jobStoreBatch, threads, latencyJobs,
                prompt.length());
        out.println("(p50/p90/p99: the store's added latency per job, one job at a time; @" + threads + ": " + threads
                + " jobs at once; commit: one single-row UPDATE committed on the same database, its own cost; load: "
                + "the machine's 1-minute load average during the run)");
        out.println("(p50/p90/p99 and @" + threads + ": the 2 durable writes an execution waits for, create and outcome, "
                + "with QUEUED and RUNNING as progress updates between them; 4dur: the same with all 4 writes durable, "
                + "as before)");
        out.println(String.format(Locale.ROOT, "%-16s %9s %9s %10s %8s %8s %8s %9s %9s %9s %9s %9s %6s",
                "store", "writes/s", "claims/s", "w+c rec/s", "p50 ms", "p90 ms", "p99 ms", "p50@" + threads,
                "p99@" + threads, "4dur p50", "4dur@" + threads, "commit ms", "load"));
        for (String name : options.jobStores) {
            Map<String, Object> figures = measure(name, threads, records, latencyJobs);
            report.addJobStore(name, figures);
            if (figures.containsKey("skipped")) {
                out.printf(Locale.ROOT, "%-16s skipped: %s%n", name, figures.get("skipped"));
                continue;
            }
            out.println(String.format(Locale.ROOT,
                    "%-16s %9.0f %9.0f %10.0f %8.2f %8.2f %8.2f %9.2f %9.2f %9.2f %9.2f %9s %6.1f",
                    name, figures.get("writesPerSecond"), figures.get("claimsPerSecond"),
                    figures.get("writtenAndClaimedPerSecond"), figures.get("addedP50Ms"), figures.get("addedP90Ms"),
                    figures.get("addedP99Ms"), figures.get("addedP50MsConcurrent"), figures.get("addedP99MsConcurrent"),
                    figures.get("fourDurableWritesP50Ms"), figures.get("fourDurableWritesP50MsConcurrent"),
                    figures.get("commitP50Ms") instanceof Double c ? String.format(Locale.ROOT, "%.2f", c) : "-",
                    figures.get("loadAverage")));
        }
        Map<String, Object> pg = report.jobStores().get("postgresql");
        if (pg != null && pg.get("addedP50Ms") instanceof Double p50) {
            out.printf(Locale.ROOT, "target: PostgreSQL adds < %.0f ms p50 per job: %s (p50 %.2f ms)%n",
                    ADDED_P50_TARGET_MS, p50 < ADDED_P50_TARGET_MS ? "met" : "NOT met", p50);
        }
    }

    private Map<String, Object> measure(String name, int threads, int records, int latencyJobs) throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("threads", threads);
        figures.put("records", records);
        figures.put("claimBatch", options.jobStoreBatch);
        figures.put("latencyJobs", latencyJobs);
        figures.put("promptBytes", prompt.length());
        try (Backing backing = open(name, threads)) {
            if (backing == null) {
                figures.put("skipped", "no PostgreSQL at " + options.jobStoreUrl);
                return figures;
            }
            figures.put("store", backing.describe);
            JobStore store = backing.store;
            double loadBefore = loadAverage();
            // the JIT's and the database's warm-up: a tenth of the work, not recorded
            writeAndClaim(store, threads, Math.max(threads * 10, records / 10), "warm");
            addedLatency(store, 1, Math.max(20, latencyJobs / 10), "warm");
            store.deleteFinishedBefore(Instant.now().plusSeconds(3600));

            double[] rates = writeAndClaim(store, threads, records, "run");
            figures.put("writesPerSecond", rates[0]);
            figures.put("claimsPerSecond", rates[1]);
            figures.put("writtenAndClaimedPerSecond", rates[2]);
            LatencyRecorder.Snapshot one = addedLatency(store, 1, latencyJobs, "one");
            figures.put("addedP50Ms", one.percentileMillis(50));
            figures.put("addedP90Ms", one.percentileMillis(90));
            figures.put("addedP99Ms", one.percentileMillis(99));
            figures.put("addedMaxMs", one.maxMillis());
            LatencyRecorder.Snapshot many = addedLatency(store, threads, latencyJobs, "many");
            figures.put("addedP50MsConcurrent", many.percentileMillis(50));
            figures.put("addedP99MsConcurrent", many.percentileMillis(99));
            // the same jobs with every write durable, as before: the comparison under the same conditions
            LatencyRecorder.Snapshot before = addedLatency(store, 1, latencyJobs, "one", Writes.FOUR_DURABLE);
            figures.put("fourDurableWritesP50Ms", before.percentileMillis(50));
            figures.put("fourDurableWritesP99Ms", before.percentileMillis(99));
            LatencyRecorder.Snapshot beforeMany = addedLatency(store, threads, latencyJobs, "many",
                    Writes.FOUR_DURABLE);
            figures.put("fourDurableWritesP50MsConcurrent", beforeMany.percentileMillis(50));
            if (backing.baseline != null) {
                figures.put("commitP50Ms", commitLatency(backing.baseline).percentileMillis(50));
            }
            figures.put("loadAverage", Math.round((loadBefore + loadAverage()) / 2 * 10) / 10.0);
            if (name.equals("postgresql")) {
                figures.put("targetAddedP50Ms", ADDED_P50_TARGET_MS);
                figures.put("targetMet", one.percentileMillis(50) < ADDED_P50_TARGET_MS);
            }
        }
        return figures;
    }

    /**
     * Writes {@code records} jobs whose owner's lease has ended (T threads), then claims them all (T threads, each
     * claiming batches until none is left) and checks that each was claimed once.
     *
     * @return writes per second, claims per second, and records written plus claimed per second over both phases
     */
    private double[] writeAndClaim(JobStore store, int threads, int records, String tag) throws Exception {
        String run = tag + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Instant expired = Instant.now().minusSeconds(60);
        AtomicInteger next = new AtomicInteger();
        long writeNanos = inParallel(threads, t -> {
            for (int i = next.getAndIncrement(); i < records; i = next.getAndIncrement()) {
                String id = run + i;
                store.createIfAbsent(JobRecord.newJob(id, "classpath:bench/text.json", Instant.now())
                        .withPromptId(id).withBackend("comfyui").withPrompt(prompt).withParams(params)
                        .withLease("dead-instance", expired));
            }
        });
        LongAdder claimed = new LongAdder();
        long claimNanos = inParallel(threads, t -> {
            String owner = "claimer-" + t;
            int emptyInARow = 0;
            // a claimer stops after a few empty claims in a row: with SKIP LOCKED an empty answer may only mean
            // that the other claimers hold the rest at that moment
            while (emptyInARow < 3) {
                List<JobRecord> batch = store.claimExpired(owner, Instant.now(), LEASE, options.jobStoreBatch);
                claimed.add(batch.size());
                emptyInARow = batch.isEmpty() ? emptyInARow + 1 : 0;
            }
        });
        if (claimed.sum() != records) {
            throw new IllegalStateException(tag + ": " + claimed.sum() + " claims for " + records
                    + " records: the store broke its claim-once guarantee");
        }
        // finish them, so that the next measurement claims only its own records
        for (JobRecord job : store.listByState(java.util.EnumSet.of(JobState.SUBMITTING), records + 1)) {
            store.update(job.withState(JobState.CANCELLED));
        }
        double writeSeconds = writeNanos / 1e9;
        double claimSeconds = claimNanos / 1e9;
        return new double[] {records / writeSeconds, records / claimSeconds, 2.0 * records / (writeSeconds + claimSeconds)};
    }

    /** The store's writes for one job: as an execution makes them today, or as it made them before. */
    enum Writes {
        /**
         * Today: {@code createIfAbsent} (durable, before {@code /prompt}), QUEUED and RUNNING as progress updates
         * ({@link JobStore#updateProgress}: not flushed), the outcome (durable). The execution waits only for the
         * two durable ones (the progress updates run on the store's threads while the prompt runs), so the latency
         * recorded is theirs; the progress updates still load the database in between.
         */
        TWO_DURABLE,
        /** Before (up to 6a6a4ea): create, QUEUED, RUNNING and the outcome, each a durable (flushed) commit. */
        FOUR_DURABLE
    }

    /** The store's part of {@code jobs} executions, {@code threads} at a time: create, QUEUED, RUNNING, SUCCEEDED. */
    private LatencyRecorder.Snapshot addedLatency(JobStore store, int threads, int jobs, String tag) throws Exception {
        return addedLatency(store, threads, jobs, tag, Writes.TWO_DURABLE);
    }

    private LatencyRecorder.Snapshot addedLatency(JobStore store, int threads, int jobs, String tag, Writes writes)
            throws Exception {
        String run = tag + "-" + writes.name().toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID().toString()
                .substring(0, 8) + "-";
        LatencyRecorder latencies = new LatencyRecorder(jobs);
        AtomicInteger next = new AtomicInteger();
        inParallel(threads, t -> {
            for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
                String id = run + i;
                long t0 = System.nanoTime();
                JobRecord job = JobRecord.newJob(id, "classpath:bench/text.json", Instant.now()).withPromptId(id)
                        .withBackend("comfyui").withPrompt(prompt).withParams(params).withAttempts(1)
                        .withServer("http://gpu-1:8188").withCorrelation(Map.of("orderId", id))
                        .withLease("bench", Instant.now().plus(LEASE));
                if (!store.createIfAbsent(job)) {
                    throw new IllegalStateException("job " + id + " exists already");
                }
                long created = System.nanoTime();
                JobRecord running;
                if (writes == Writes.FOUR_DURABLE) {
                    JobRecord queued = store.update(job.withVersion(1).withState(JobState.QUEUED)).orElseThrow();
                    running = store.update(queued.withState(JobState.RUNNING)).orElseThrow();
                } else {
                    JobRecord queued = store.updateProgress(job.withVersion(1).withState(JobState.QUEUED))
                            .orElseThrow();
                    running = store.updateProgress(queued.withState(JobState.RUNNING)).orElseThrow();
                }
                long progressed = System.nanoTime();
                store.update(running.withState(JobState.SUCCEEDED).withResult(result)
                        .withDeliveredAt(Instant.now())).orElseThrow();
                long finished = System.nanoTime();
                latencies.record(writes == Writes.FOUR_DURABLE ? finished - t0
                        : (created - t0) + (finished - progressed));
            }
        });
        return latencies.snapshot();
    }

    private interface Work {
        void run(int thread) throws Exception;
    }

    /** Runs the work on that many threads started together; the nanoseconds from the start to the last end. */
    private static long inParallel(int threads, Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    work.run(thread);
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.MINUTES);
            }
            return System.nanoTime() - t0;
        } finally {
            pool.shutdownNow();
        }
    }

    // --- the stores ---

    /**
     * The database's own commit latency, the floor under every durable write: one single-row UPDATE in
     * auto-commit, 500 times, on a table of its own in the same database.
     */
    private static LatencyRecorder.Snapshot commitLatency(javax.sql.DataSource dataSource) throws SQLException {
        LatencyRecorder latencies = new LatencyRecorder(500);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS ckbench_commit (id integer PRIMARY KEY, n bigint)");
            statement.execute("DELETE FROM ckbench_commit");
            statement.execute("INSERT INTO ckbench_commit VALUES (1, 0)");
            try (var update = connection.prepareStatement("UPDATE ckbench_commit SET n = n + 1 WHERE id = 1")) {
                for (int i = 0; i < 550; i++) {
                    long t0 = System.nanoTime();
                    update.executeUpdate();
                    if (i >= 50) {
                        latencies.record(System.nanoTime() - t0);
                    }
                }
            }
            statement.execute("DROP TABLE ckbench_commit");
        }
        return latencies.snapshot();
    }

    /** The machine's 1-minute load average (the 2 cores are shared with other work), NaN where unknown. */
    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** A store, a DataSource on the same database for the commit baseline, and what must be removed after. */
    private static final class Backing implements AutoCloseable {
        final JobStore store;
        final String describe;
        final javax.sql.DataSource baseline;
        final AutoCloseable cleanup;

        Backing(JobStore store, String describe, javax.sql.DataSource baseline, AutoCloseable cleanup) {
            this.store = store;
            this.describe = describe;
            this.baseline = baseline;
            this.cleanup = cleanup;
        }

        @Override
        public void close() throws Exception {
            store.close();
            if (cleanup != null) {
                cleanup.close();
            }
        }
    }

    private Backing open(String name, int threads) throws Exception {
        switch (name) {
            case "memory" -> {
                return new Backing(JobStore.inMemory(), "in memory", null, null);
            }
            case "h2" -> {
                Path dir = Files.createTempDirectory("comfykit-jobstore-bench");
                JdbcJobStore store = JdbcJobStore.h2File(dir.resolve("jobs"));
                store.start();
                // the baseline on a file of its own with the store's settings (the store keeps its pool private)
                org.h2.jdbcx.JdbcConnectionPool raw = org.h2.jdbcx.JdbcConnectionPool.create(
                        "jdbc:h2:file:" + dir.resolve("baseline") + ";WRITE_DELAY=0", "sa", "");
                return new Backing(store, "H2 file " + dir.resolve("jobs.mv.db"), raw, () -> {
                    raw.dispose();
                    deleteTree(dir);
                });
            }
            case "postgresql", "postgresql-async" -> {
                Properties properties = new Properties();
                if (!options.jobStoreUrl.contains("user=")) {
                    properties.setProperty("user", "postgres");
                }
                if (name.equals("postgresql-async")) {
                    // the same store with PostgreSQL's commit not waiting for the WAL flush: what the durable
                    // writes cost on this disk (a PostgreSQL crash may then lose the last commits)
                    properties.setProperty("options", "-c synchronous_commit=off");
                }
                String version;
                try (Connection connection = DriverManager.getConnection(options.jobStoreUrl, properties)) {
                    version = connection.getMetaData().getDatabaseProductVersion();
                } catch (SQLException e) {
                    return null;
                }
                String schema = "ckbench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(options.jobStoreUrl);
                config.setDataSourceProperties(properties);
                config.setMaximumPoolSize(threads);
                config.setPoolName("jobstore-bench");
                HikariDataSource pool = new HikariDataSource(config);
                JdbcJobStore store = JdbcJobStore.builder(pool).schema(schema).build();
                store.start();
                return new Backing(store, "PostgreSQL " + version + " at " + options.jobStoreUrl + ", schema " + schema
                        + ", HikariCP pool of " + threads + (name.equals("postgresql-async")
                        ? ", synchronous_commit=off" : ""), new SchemaDataSource(pool, schema), () -> {
                    pool.close();
                    try (Connection connection = DriverManager.getConnection(options.jobStoreUrl, properties);
                         Statement statement = connection.createStatement()) {
                        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                    }
                });
            }
            default -> throw new IllegalArgumentException("unknown job store " + name);
        }
    }

    /** The pool's connections with the benchmark's schema first on the search path (for the baseline's table). */
    private record SchemaDataSource(HikariDataSource pool, String schema) implements javax.sql.DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            Connection connection = pool.getConnection();
            connection.setSchema(schema);
            return connection;
        }

        @Override
        public Connection getConnection(String user, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** A text-to-image prompt graph of the usual size (about 3 KB): what an execution records before it submits. */
    private static String samplePrompt() {
        StringBuilder graph = new StringBuilder("{");
        String[] classes = {"CheckpointLoaderSimple", "CLIPTextEncode", "CLIPTextEncode", "EmptyLatentImage",
                "KSampler", "VAEDecode", "SaveImage", "LoraLoader", "LoraLoader", "ImageScale", "PreviewImage",
                "UpscaleModelLoader"};
        for (int node = 0; node < classes.length; node++) {
            graph.append(node == 0 ? "" : ",").append('"').append(node + 1).append("\":{\"class_type\":\"")
                    .append(classes[node]).append("\",\"_meta\":{\"title\":\"$param").append(node)
                    .append(".value\"},\"inputs\":{\"seed\":").append(1000 + node)
                    .append(",\"steps\":28,\"cfg\":7.5,\"sampler_name\":\"dpmpp_2m\",\"scheduler\":\"karras\","
                            + "\"denoise\":1.0,\"text\":\"a lighthouse at dusk, volumetric light, 35mm, detailed\","
                            + "\"model\":[\"1\",0],\"clip\":[\"1\",1],\"vae\":[\"1\",2]}}");
        }
        return graph.append('}').toString();
    }
}
