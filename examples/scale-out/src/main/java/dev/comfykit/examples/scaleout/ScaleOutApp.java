package dev.comfykit.examples.scaleout;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.jobstore.jdbc.JdbcJobStore;
import org.apache.camel.main.Main;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;

/**
 * One instance of the scale-out application (run several, on as many machines as you like): it takes job requests
 * from a Kafka topic, runs them on a pool of ComfyUI servers as durable jobs in a PostgreSQL job store, and writes
 * every finished job once to a results table. Kill any instance at any time: its jobs are finished by another.
 * <p>
 * Configured by system properties (defaults in brackets): {@code kafka.brokers} [localhost:9092], {@code kafka.topic}
 * [comfy-jobs], {@code kafka.group} [comfy-workers], {@code comfyui.servers} (a {@code servers} option value, e.g.
 * {@code a=http://gpu1:8188,b=http://gpu2:8188}) [http://127.0.0.1:8188], {@code jdbc.url}
 * [jdbc:postgresql://127.0.0.1:5432/test], {@code jdbc.user} [postgres], {@code jdbc.password} [empty],
 * {@code db.schema} [comfykit], {@code instance} [the host name and process id], {@code lease.ms} [30000].
 */
public final class ScaleOutApp {

    private ScaleOutApp() {
    }

    public static void main(String[] args) throws Exception {
        String instance = System.getProperty("instance",
                java.net.InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid());
        String schema = System.getProperty("db.schema", "comfykit");
        DataSource dataSource = dataSource(System.getProperty("jdbc.url", "jdbc:postgresql://127.0.0.1:5432/test"),
                System.getProperty("jdbc.user", "postgres"), System.getProperty("jdbc.password", ""));
        createResultsTable(dataSource, schema);
        JdbcJobStore store = JdbcJobStore.builder(dataSource).schema(schema).build();

        ComfyKitComponent comfykit = new ComfyKitComponent();
        comfykit.getConfiguration().setServers(System.getProperty("comfyui.servers", "http://127.0.0.1:8188"));
        comfykit.getConfiguration().setJobStore(store);
        comfykit.getConfiguration().setLeaseDuration(Long.getLong("lease.ms", 30_000));
        comfykit.getConfiguration().setCorrelationHeaders(ScaleOutRoutes.STARTED_BY);
        comfykit.getConfiguration().setExecutorType(ExecutorType.WEBSOCKET);

        Main main = new Main();
        main.bind("comfykit", comfykit);
        main.bind("dataSource", dataSource);
        main.configure().addRoutesBuilder(new ScaleOutRoutes(instance,
                System.getProperty("kafka.brokers", "localhost:9092"),
                System.getProperty("kafka.topic", "comfy-jobs"),
                System.getProperty("kafka.group", "comfy-workers"), schema));
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void afterStop(org.apache.camel.main.BaseMainSupport main) {
                store.close();
            }
        });
        System.out.println("scale-out instance " + instance + " starting");
        main.run();
    }

    static DataSource dataSource(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        config.setPoolName("scale-out");
        return new HikariDataSource(config);
    }

    /** The results table: one row per job (its primary key), and which instance started and which wrote it. */
    static void createResultsTable(DataSource dataSource, String schema) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            // instances start together: CREATE ... IF NOT EXISTS is not safe against a concurrent twin in PostgreSQL
            // (a duplicate key in pg_type), so one instance at a time creates the tables, in one transaction
            connection.setAutoCommit(false);
            statement.execute("SELECT pg_advisory_xact_lock(hashtext('comfykit-scale-out-schema'))");
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            statement.execute("CREATE TABLE IF NOT EXISTS " + schema + ".results (job_id VARCHAR(255) PRIMARY KEY,"
                    + " state VARCHAR(16) NOT NULL, result TEXT, started_by VARCHAR(255),"
                    + " finished_by VARCHAR(255) NOT NULL, finished_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            // every delivery the routes saw, also the ones the primary key refused: duplicates are counted from it
            statement.execute("CREATE TABLE IF NOT EXISTS " + schema + ".requests (job_id VARCHAR(255) NOT NULL,"
                    + " taken_by VARCHAR(255) NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())");
            statement.execute("CREATE TABLE IF NOT EXISTS " + schema + ".deliveries (job_id VARCHAR(255) NOT NULL,"
                    + " finished_by VARCHAR(255) NOT NULL, inserted INT NOT NULL,"
                    + " at TIMESTAMPTZ NOT NULL DEFAULT now())");
            connection.commit();
        }
    }

}
