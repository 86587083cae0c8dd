package dev.comfykit.jobstore.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.comfykit.client.jobs.JobStore;
import dev.comfykit.client.jobs.JobStoreContract;
import org.junit.jupiter.api.BeforeAll;

import java.time.Clock;

/** The PostgreSQL store keeps the job store contract; each test has a schema of its own, dropped afterwards. */
class PostgresJobStoreTest extends JobStoreContract {

    private HikariDataSource pool;
    private String schema;

    @BeforeAll
    static void needsPostgres() {
        PostgresTestDatabase.requireAvailable();
    }

    @Override
    protected JobStore newStore(Clock clock) {
        pool = PostgresTestDatabase.pool(10);
        schema = PostgresTestDatabase.uniqueSchema();
        JdbcJobStore store = JdbcJobStore.builder(pool).schema(schema).clock(clock).build();
        store.start();
        return store;
    }

    @Override
    protected void dropStore() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (schema != null) {
            PostgresTestDatabase.dropSchema(schema);
        }
    }
}
