package dev.comfykit.jobstore.jdbc;

import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;

/**
 * H2's own small connection pool for the embedded store, in a class of its own so that H2 is loaded only when the
 * embedded store is asked for (H2 is an optional dependency).
 */
final class H2Pool implements AutoCloseable {

    // a few connections: claims and renewals of one JVM overlap with the writes of its executions
    private static final int MAX_CONNECTIONS = 16;

    private final JdbcConnectionPool pool;

    private H2Pool(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    static H2Pool open(String url) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        pool.setMaxConnections(MAX_CONNECTIONS);
        return new H2Pool(pool);
    }

    DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
