package dev.comfykit.jobstore.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PostgreSQL schema: created on start (once, however many instances start together), or by a DBA. */
class PostgresSchemaTest {

    private HikariDataSource pool;
    private String schema;

    @BeforeAll
    static void needsPostgres() {
        PostgresTestDatabase.requireAvailable();
    }

    @BeforeEach
    void open() {
        pool = PostgresTestDatabase.pool(12);
        schema = PostgresTestDatabase.uniqueSchema();
    }

    @AfterEach
    void drop() throws Exception {
        pool.close();
        PostgresTestDatabase.dropSchema(schema);
    }

    @Test
    void instancesStartingTogetherCreateTheSchemaOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<Future<JdbcJobStore>> starts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                starts.add(threads.submit((Callable<JdbcJobStore>) () -> {
                    JdbcJobStore store = JdbcJobStore.builder(pool).schema(schema).table("jobs").build();
                    store.start();
                    return store;
                }));
            }
            for (Future<JdbcJobStore> start : starts) {
                assertThat(start.get(2, TimeUnit.MINUTES).dialect()).isEqualTo(JdbcDialect.POSTGRESQL);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(indexes()).containsExactlyInAnyOrder("jobs_pkey", "jobs_prompt_id_key", "jobs_unfinished_lease",
                "jobs_undelivered_lease", "jobs_state_created", "jobs_state_updated");
    }

    @Test
    void aSchemaMadeByADbaFromTheFileIsUsedAsIs() throws Exception {
        JdbcJobStore forDdl = JdbcJobStore.builder(pool).schema(schema).dialect(JdbcDialect.POSTGRESQL).build();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
            for (String sql : forDdl.schemaStatements()) {
                statement.execute(sql);
            }
        }
        JdbcJobStore store = JdbcJobStore.builder(pool).schema(schema).createSchema(false).build();
        store.start();

        assertThat(store.createIfAbsent(JobRecord.newJob("j", "w", Instant.now()))).isTrue();
        assertThat(store.claimExpired("me", Instant.now(), Duration.ofSeconds(5), 5)).hasSize(1);
    }

    @Test
    void withoutCreateSchemaAMissingTableIsNamedWithTheFix() {
        JdbcJobStore store = JdbcJobStore.builder(pool).schema(schema).createSchema(false).build();
        assertThatThrownBy(store::start).isInstanceOf(JobStoreException.class)
                .hasMessageContaining(schema + ".comfykit_jobs is missing")
                .hasMessageContaining("dev/comfykit/jobs/postgresql-schema.sql");
    }

    @Test
    void theDatabaseRefusesAStateItDoesNotKnow() throws Exception {
        JdbcJobStore store = JdbcJobStore.builder(pool).schema(schema).build();
        store.start();
        store.createIfAbsent(JobRecord.newJob("j", "w", Instant.now()));
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute("UPDATE " + store.table() + " SET state = 'DONE'"))
                    .hasMessageContaining("check");
            assertThatThrownBy(() -> statement.execute("UPDATE " + store.table() + " SET params = '{oops'"))
                    .hasMessageContaining("json");
        }
    }

    private List<String> indexes() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT indexname FROM pg_indexes WHERE schemaname = '" + schema + "'")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
