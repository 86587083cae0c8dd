package dev.comfykit.jobstore.jdbc;

import dev.comfykit.client.jobs.JobStoreException;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The databases the JDBC job store speaks, and the few places where their SQL differs: how a JSON parameter is
 * written, how a statement returns the rows it changed, and how a claim picks and takes rows in one go.
 */
public enum JdbcDialect {

    /** H2 2.x, embedded (file) or server: one JVM that must survive restarts. */
    H2("h2-schema.sql"),
    /** PostgreSQL 12 or later: many JVMs sharing one store. */
    POSTGRESQL("postgresql-schema.sql");

    private final String schemaResource;

    JdbcDialect(String schemaResource) {
        this.schemaResource = schemaResource;
    }

    /** The classpath resource with this dialect's schema, for DBAs: {@code dev/comfykit/jobs/<name>}. */
    public String schemaResource() {
        return "dev/comfykit/jobs/" + schemaResource;
    }

    /** The dialect of the database behind a connection. */
    public static JdbcDialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        if ("PostgreSQL".equalsIgnoreCase(product)) {
            return POSTGRESQL;
        }
        if ("H2".equalsIgnoreCase(product)) {
            return H2;
        }
        throw new JobStoreException("the JDBC job store supports PostgreSQL and H2, not " + product
                + "; use one of those, or implement dev.comfykit.client.jobs.JobStore for this database");
    }

    /** A parameter for a JSON column: PostgreSQL's json columns take text through a cast, H2's text columns as is. */
    String jsonParameter() {
        return this == POSTGRESQL ? "CAST(? AS json)" : "?";
    }

    /** A data-changing statement that returns the named columns of the rows it changed. */
    String returning(String change, String columns) {
        return this == POSTGRESQL ? change + " RETURNING " + columns
                : "SELECT " + columns + " FROM FINAL TABLE (" + change + ")";
    }

    /** PostgreSQL's INSERT can skip an existing key itself; H2's reports it and the store checks which key. */
    boolean insertSkipsExistingKey() {
        return this == POSTGRESQL;
    }

    /**
     * H2 (2.3 and 2.4) loses the row when an UPDATE in auto-commit fails on a unique key (a prompt id already
     * taken): the statement's own rollback does not restore it, while a transaction's rollback does. So H2's
     * writes run in explicit transactions.
     */
    boolean writesInTransaction() {
        return this == H2;
    }

    /**
     * PostgreSQL can commit one transaction without waiting for its write-ahead log to reach the disk
     * ({@code SET LOCAL synchronous_commit = off}); H2 has no such setting per transaction.
     */
    boolean relaxesCommits() {
        return this == POSTGRESQL;
    }

    /**
     * PostgreSQL claims in one statement (UPDATE of a FOR UPDATE SKIP LOCKED subquery, re-checked by PostgreSQL
     * after each lock). H2 claims one claim at a time per store (its database belongs to one JVM): a SELECT per
     * state in index order, then an UPDATE that checks the claim's condition again; H2's FOR UPDATE would read and
     * sort every expired row on each claim.
     */
    boolean claimsInOneStatement() {
        return this == POSTGRESQL;
    }
}
