package dev.comfykit.jobstore.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * The PostgreSQL that tests use: {@code COMFYKIT_TEST_JDBC_URL} (system property or environment variable, default
 * {@value #DEFAULT_URL}, user {@code postgres} unless the URL names one). When it does not answer, tests are skipped
 * with one line saying why, unless {@code COMFYKIT_CI=true}, where a missing database fails the build.
 */
final class PostgresTestDatabase {

    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private static volatile String unavailable;
    private static volatile boolean checked;

    private PostgresTestDatabase() {
    }

    static String url() {
        return setting("COMFYKIT_TEST_JDBC_URL", DEFAULT_URL);
    }

    /** Skips (or in CI fails) the calling test when PostgreSQL does not answer. */
    static synchronized void requireAvailable() {
        if (!checked) {
            checked = true;
            try (Connection connection = DriverManager.getConnection(url(), properties())) {
                connection.isValid(5);
            } catch (SQLException e) {
                unavailable = e.getMessage();
                if (!ci()) {
                    System.out.println("SKIPPED PostgreSQL job store tests: no PostgreSQL at " + url() + " ("
                            + unavailable + "); set COMFYKIT_TEST_JDBC_URL, or COMFYKIT_CI=true to fail instead");
                }
            }
        }
        if (unavailable != null) {
            if (ci()) {
                throw new IllegalStateException("COMFYKIT_CI=true and no PostgreSQL at " + url() + ": " + unavailable
                        + "; start PostgreSQL (database test, user postgres) or set COMFYKIT_TEST_JDBC_URL");
            }
            Assumptions.abort("no PostgreSQL at " + url());
        }
    }

    /** A small pool on the test database. */
    static HikariDataSource pool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url());
        config.setDataSourceProperties(properties());
        config.setMaximumPoolSize(size);
        config.setPoolName("jobstore-test");
        return new HikariDataSource(config);
    }

    /** A schema name no other test run uses. */
    static String uniqueSchema() {
        return "cktest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    }

    static void dropSchema(String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url(), properties());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static Properties properties() {
        Properties properties = new Properties();
        if (!url().contains("user=")) {
            properties.setProperty("user", setting("COMFYKIT_TEST_JDBC_USER", "postgres"));
        }
        return properties;
    }

    private static boolean ci() {
        return "true".equalsIgnoreCase(setting("COMFYKIT_CI", "false"));
    }

    private static String setting(String name, String fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
