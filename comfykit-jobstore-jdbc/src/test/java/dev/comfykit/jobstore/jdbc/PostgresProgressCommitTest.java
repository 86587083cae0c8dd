package dev.comfykit.jobstore.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On PostgreSQL, progress updates and lease renewals commit without waiting for the WAL flush
 * ({@code synchronous_commit = off} for their transaction only), every other write with the database's setting; a
 * trigger on the table notes the setting each write of a row ran with.
 */
class PostgresProgressCommitTest {

    private HikariDataSource pool;
    private String schema;

    @BeforeAll
    static void needsPostgres() {
        PostgresTestDatabase.requireAvailable();
    }

    @AfterEach
    void drop() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (schema != null) {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    @Test
    void onlyProgressUpdatesAndRenewalsSkipTheFlushAndTheConnectionKeepsItsSetting() throws Exception {
        // one connection: a setting left behind by a relaxed write would show in the writes after it
        pool = PostgresTestDatabase.pool(1);
        schema = PostgresTestDatabase.uniqueSchema();
        JdbcJobStore store = JdbcJobStore.builder(pool).schema(schema).build();
        store.start();
        execute("CREATE TABLE " + schema + ".seen (n serial, setting text)",
                "CREATE FUNCTION " + schema + ".note() RETURNS trigger AS $$ BEGIN INSERT INTO " + schema
                        + ".seen (setting) VALUES (current_setting('synchronous_commit')); RETURN NEW; END $$"
                        + " LANGUAGE plpgsql",
                "CREATE TRIGGER note BEFORE UPDATE ON " + schema + ".comfykit_jobs FOR EACH ROW EXECUTE FUNCTION "
                        + schema + ".note()");
        Instant now = Instant.now();
        JobRecord job = JobRecord.newJob("job-1", "w", now).withPromptId("p-1").withLease("jvm-a", now.plusSeconds(30));
        store.createIfAbsent(job);

        JobRecord queued = store.updateProgress(job.withVersion(1).withState(JobState.QUEUED)).orElseThrow();
        store.renewLeases("jvm-a", List.of("job-1"), now.plusSeconds(60));
        JobRecord running = store.updateProgress(queued.withState(JobState.RUNNING)).orElseThrow();
        store.update(running.withState(JobState.SUCCEEDED).withResult("{}")).orElseThrow();

        assertThat(seen()).containsExactly("off", "off", "off", "on");
        try (Connection connection = pool.getConnection()) {
            assertThat(connection.getAutoCommit()).isTrue();
        }
    }

    private void execute(String... statements) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private List<String> seen() throws SQLException {
        List<String> settings = new ArrayList<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT setting FROM " + schema + ".seen ORDER BY n")) {
            while (rows.next()) {
                settings.add(rows.getString(1));
            }
        }
        return settings;
    }
}
