package dev.comfykit.examples.scaleout;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The scale-out chaos run (issue 16), shared by the example's test and the {@code scaleout-chaos} benchmark: a KRaft
 * broker, emulator processes (jobs of 100 to 500 ms) and application instances ({@link ScaleOutApp}), each its own
 * JVM, on a fresh schema of the real PostgreSQL. N job requests go to Kafka, after two malformed ones that the
 * instances must skip rather than let block their partitions; the first instance is killed with SIGKILL when 30% of
 * the results exist; one emulator is killed when 60% exist and started again on its port two seconds later; the run
 * waits for every result.
 * <p>
 * Figures: {@code jobs}; {@code results}, the distinct job ids in the results table; {@code lost}, requests without a
 * result; {@code duplicates}, result rows beyond one per job plus jobs recorded twice for one request key (the
 * primary key and create-if-absent must make both 0); {@code redelivered}, deliveries of a job whose row existed
 * already (at least once delivery, absorbed by {@code ON CONFLICT DO NOTHING}); {@code requests_again}, Kafka records
 * taken more than once (redelivered after the kill: they found their job); {@code resubmitted}, jobs whose prompt
 * was submitted more than once (lost by the killed emulator, run again from the stored prompt); {@code reattached},
 * jobs started by the killed instance and finished after its death by another; {@code failed}, results that are not
 * SUCCEEDED; {@code seconds}, from the first request to the last result.
 */
public final class ScaleOutChaos {

    /** The figures of one run. */
    public record Result(int jobs, int results, int lost, int duplicates, int reattached, int redelivered,
                         int requestsAgain, int resubmitted, int failed, int resultsAtKill, double seconds) {

        public String toJson() {
            return String.format(Locale.ROOT, "{\"scenario\": \"scaleout-chaos\", \"jobs\": %d, \"results\": %d,"
                            + " \"lost\": %d, \"duplicates\": %d, \"reattached\": %d, \"redelivered\": %d,"
                            + " \"requests_again\": %d, \"resubmitted\": %d, \"failed\": %d, \"results_at_kill\": %d,"
                            + " \"seconds\": %.1f}%n", jobs, results, lost, duplicates, reattached, redelivered,
                    requestsAgain, resubmitted, failed, resultsAtKill, seconds);
        }

        public boolean meetsTarget() {
            return results == jobs && lost == 0 && duplicates == 0 && reattached > 0;
        }
    }

    private static final Pattern EMULATOR_URL = Pattern.compile("listening on (http://\\S+)");
    private static final Pattern APP_STARTED = Pattern.compile("Started requests \\(kafka");
    private static final String TOPIC = "comfy-jobs";

    private final Path dir;
    private final String jdbcUrl;
    private final PrintStream out;
    private final int emulators;
    private final int instances;

    public ScaleOutChaos(Path dir, String jdbcUrl, PrintStream out, int emulators, int instances) {
        this.dir = dir;
        this.jdbcUrl = jdbcUrl;
        this.out = out;
        this.emulators = emulators;
        this.instances = instances;
    }

    /** Runs N jobs; waits at most {@code patience} for the results after the kills. */
    public Result run(int n, Duration patience) throws Exception {
        String schema = "scaleout_" + Long.toString(System.currentTimeMillis(), 36) + "_"
                + Integer.toString(new Random().nextInt(1 << 20), 36);
        out.println("scaleout-chaos: schema " + schema + ", logs in " + dir);
        List<JavaProcess> started = new ArrayList<>();
        DataSource dataSource = ScaleOutApp.dataSource(jdbcUrl, "postgres", "");
        try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"))) {
            broker.createTopic(TOPIC, 6);
            List<JavaProcess> servers = new ArrayList<>();
            List<Integer> ports = new ArrayList<>();
            StringBuilder pool = new StringBuilder();
            for (int i = 0; i < emulators; i++) {
                JavaProcess emulator = startEmulator(i, 0);
                started.add(emulator);
                servers.add(emulator);
                String url = emulator.await(EMULATOR_URL, Duration.ofMinutes(1));
                ports.add(URI.create(url).getPort());
                pool.append(i == 0 ? "" : ",").append("gpu").append(i).append('=').append(url);
            }
            List<JavaProcess> apps = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                JavaProcess app = JavaProcess.start("app-" + (i + 1), dir.resolve("app-" + (i + 1) + ".log"),
                        List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dinstance=app-" + (i + 1),
                                "-Dkafka.brokers=" + broker.bootstrap(), "-Dkafka.topic=" + TOPIC,
                                "-Dcomfyui.servers=" + pool, "-Djdbc.url=" + jdbcUrl, "-Ddb.schema=" + schema,
                                "-Dlease.ms=3000"),
                        ScaleOutApp.class.getName(), List.of());
                started.add(app);
                apps.add(app);
            }
            for (JavaProcess app : apps) {
                app.await(APP_STARTED, Duration.ofMinutes(2));
            }
            long start = System.nanoTime();
            send(broker.bootstrap(), n);
            int atKill = waitForResults(dataSource, schema, (int) Math.ceil(n * 0.3), Duration.ofMinutes(5), apps);
            Timestamp killedAt = now(dataSource);
            // the instance with the most jobs in flight: Kafka may have given another one every partition
            JavaProcess victim = busiest(dataSource, schema, apps);
            apps.remove(victim);
            victim.kill();
            out.printf("scaleout-chaos: SIGKILLed %s with %d of %d results%n", victim.name(), atKill, n);
            int atEmulatorKill = waitForResults(dataSource, schema, (int) Math.ceil(n * 0.6), Duration.ofMinutes(5),
                    apps);
            servers.get(0).kill();
            out.printf("scaleout-chaos: SIGKILLed emulator gpu0 with %d of %d results%n", atEmulatorKill, n);
            Thread.sleep(2000);
            JavaProcess restarted = startEmulator(0, ports.get(0));
            started.add(restarted);
            restarted.await(EMULATOR_URL, Duration.ofMinutes(1));
            out.println("scaleout-chaos: emulator gpu0 started again on port " + ports.get(0));
            waitForResults(dataSource, schema, n, patience, apps);
            double seconds = (System.nanoTime() - start) / 1e9;
            Result result = count(dataSource, schema, n, victim.name(), killedAt, atKill, seconds);
            if (result.meetsTarget() && result.failed() == 0) {
                dropSchema(dataSource, schema);
            } else {
                out.println("scaleout-chaos: schema " + schema + " kept for inspection");
            }
            return result;
        } finally {
            for (JavaProcess process : started) {
                process.close();
            }
            ((AutoCloseable) dataSource).close();
        }
    }

    private JavaProcess startEmulator(int index, int port) throws IOException {
        // 10 ms steps; the requests ask for 10 to 50 steps: jobs of 100 to 500 ms
        return JavaProcess.start("emulator-gpu" + index, dir.resolve("emulator-gpu" + index + ".log"),
                List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                "dev.comfykit.emulator.Main", List.of("--port", String.valueOf(port), "--step-time", "10",
                        "--parallelism", "2", "--no-cache"));
    }

    private static void send(String bootstrap, int n) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(), ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName());
        Random random = new Random(16);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            // two requests that can never become jobs, one per partition of their own: the instances must log and
            // skip them (commit), or every request behind them in that partition would be lost
            producer.send(new ProducerRecord<>(TOPIC, 0, null, "{\"prompt\": \"no key\"}"));
            producer.send(new ProducerRecord<>(TOPIC, 1, "not-json", "this is not JSON"));
            for (int i = 0; i < n; i++) {
                String params = "{\"prompt\": \"scale-out job " + i + "\", \"steps\": "
                        + (10 + random.nextInt(41)) + "}";
                producer.send(new ProducerRecord<>(TOPIC, String.format("request-%05d", i), params));
            }
            producer.flush();
        }
    }

    private static int waitForResults(DataSource dataSource, String schema, int wanted, Duration patience,
                                      List<JavaProcess> apps) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        int count = 0;
        while (System.nanoTime() < deadline) {
            count = single(dataSource, "SELECT count(*) FROM " + schema + ".results");
            if (count >= wanted) {
                return count;
            }
            for (JavaProcess app : apps) {
                if (!app.isAlive()) {
                    throw new IllegalStateException(app.name() + " ended with " + count + " of " + wanted
                            + " results; see " + app.log());
                }
            }
            Thread.sleep(100);
        }
        return count;
    }

    /** The instance that took the most requests whose results do not exist yet (the first one when none did). */
    private static JavaProcess busiest(DataSource dataSource, String schema, List<JavaProcess> apps)
            throws SQLException {
        try (Connection connection = dataSource.getConnection();
             var statement = connection.prepareStatement("SELECT taken_by FROM " + schema + ".requests r"
                     + " WHERE NOT EXISTS (SELECT 1 FROM " + schema + ".results s WHERE s.job_id = r.job_id)"
                     + " GROUP BY taken_by ORDER BY count(*) DESC LIMIT 1");
             ResultSet rs = statement.executeQuery()) {
            String name = rs.next() ? rs.getString(1) : null;
            return apps.stream().filter(app -> app.name().equals(name)).findFirst().orElse(apps.get(0));
        }
    }

    private static Result count(DataSource dataSource, String schema, int n, String victim, Timestamp killedAt,
                                int atKill, double seconds) throws SQLException {
        int results = single(dataSource, "SELECT count(DISTINCT job_id) FROM " + schema + ".results"
                + " WHERE job_id LIKE 'kafka-request-%'");
        int rows = single(dataSource, "SELECT count(*) FROM " + schema + ".results");
        int jobs = single(dataSource, "SELECT count(*) FROM " + schema + ".comfykit_jobs");
        int requestedJobs = single(dataSource, "SELECT count(DISTINCT job_id) FROM " + schema + ".requests");
        int redelivered = single(dataSource, "SELECT count(*) FROM " + schema + ".deliveries WHERE inserted = 0");
        int requestsAgain = single(dataSource, "SELECT count(*) - count(DISTINCT job_id) FROM " + schema
                + ".requests");
        int resubmitted = single(dataSource, "SELECT count(*) FROM " + schema + ".comfykit_jobs WHERE attempts > 1");
        int failed = single(dataSource, "SELECT count(*) FROM " + schema + ".results WHERE state <> 'SUCCEEDED'");
        int reattached;
        try (Connection connection = dataSource.getConnection();
             var statement = connection.prepareStatement("SELECT count(*) FROM " + schema + ".results"
                     + " WHERE started_by = ? AND finished_by <> ? AND finished_at > ?")) {
            statement.setString(1, victim);
            statement.setString(2, victim);
            statement.setTimestamp(3, killedAt);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                reattached = rs.getInt(1);
            }
        }
        // rows beyond one per job (the primary key), and jobs beyond one per request key (create-if-absent)
        int duplicates = (rows - results) + Math.max(0, jobs - requestedJobs);
        return new Result(n, results, n - results, duplicates, reattached, redelivered, requestsAgain, resubmitted,
                failed, atKill, seconds);
    }

    private static void dropSchema(DataSource dataSource, String schema) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static Timestamp now(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private static int single(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** {@code [--n N] [--json FILE] [--dir DIR] [--jdbc-url URL]}: the {@code scaleout-chaos} benchmark scenario. */
    public static void main(String[] args) throws Exception {
        int n = 300;
        Path json = null;
        Path dir = null;
        String jdbcUrl = System.getenv().getOrDefault("COMFYKIT_TEST_JDBC_URL",
                "jdbc:postgresql://127.0.0.1:5432/test");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--jdbc-url" -> jdbcUrl = args[++i];
                case "--scenario" -> i++;
                default -> throw new IllegalArgumentException("scaleout-chaos takes --n N, --json FILE, --dir DIR and"
                        + " --jdbc-url URL; got " + args[i]);
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("scaleout-chaos");
        }
        Result result = new ScaleOutChaos(dir, jdbcUrl, System.out, 3, 2).run(n, Duration.ofMinutes(10));
        System.out.print(result.toJson());
        if (json != null) {
            Files.writeString(json, result.toJson());
            System.out.println("JSON written to " + json.toAbsolutePath());
        }
        System.exit(result.meetsTarget() ? 0 : 1);
    }
}
