package dev.comfykit.jobstore.jdbc;

import dev.comfykit.client.internal.jobs.JobJson;
import dev.comfykit.client.internal.jobs.JobStores;
import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;
import dev.comfykit.client.jobs.JobStore;
import dev.comfykit.client.jobs.JobStoreException;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@link JobStore} in a SQL database through JDBC: PostgreSQL for many JVMs sharing jobs, H2 for one JVM whose jobs
 * must survive restarts. One table (by default {@code comfykit_jobs}), created on {@link #start()} unless
 * {@link Builder#createSchema(boolean) createSchema(false)}; its DDL is in the jar at
 * {@code dev/comfykit/jobs/postgresql-schema.sql} (and {@code h2-schema.sql}) for DBAs.
 * <p>
 * Each call takes one connection from the {@link DataSource} and gives it back; use a pooled {@code DataSource}
 * (the application's, Spring Boot's HikariCP, ...). On PostgreSQL every call is one statement in auto-commit (progress
 * updates and lease renewals: one statement in a transaction with {@code SET LOCAL synchronous_commit = off}), and
 * claims use {@code FOR UPDATE SKIP LOCKED}, so instances claiming at once never wait for each other and never take
 * the same job. On H2 writes run in short transactions and one claim runs at a time per store: use one store per
 * H2 database (an H2 file belongs to one JVM anyway).
 * <pre>{@code
 * JobStore shared = JdbcJobStore.builder(dataSource).build();           // PostgreSQL (detected)
 * JobStore local = JdbcJobStore.h2File(Path.of("data/comfykit-jobs"));   // embedded, one JVM
 * shared.start();
 * }</pre>
 */
public final class JdbcJobStore implements JobStore {

    /** The table's name unless {@link Builder#table(String)} says otherwise. */
    public static final String DEFAULT_TABLE = "comfykit_jobs";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,47}");
    private static final String COLUMNS = "job_id, prompt_id, backend, server, workflow, prompt, params, state, "
            + "result, error, owner, lease_until, attempts, created_at, updated_at, delivered_at, correlation, version";
    private static final String UNFINISHED = "state IN ('SUBMITTING', 'QUEUED', 'RUNNING')";
    private static final String UNDELIVERED = "delivered_at IS NULL AND state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')";
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final AutoCloseable ownedResource;
    private final String schema;
    private final String table;
    private final String qualifiedTable;
    private final boolean createSchema;
    private final Clock clock;
    private volatile JdbcDialect dialect;
    private volatile boolean started;

    private String insertSql;
    private String updateSql;
    private String renewSql;
    private String claimExpiredSql;
    private String claimUndeliveredSql;
    private String pickUnfinishedSql;
    private String pickUndeliveredSql;
    private String takeUnfinishedSql;
    private String takeUndeliveredSql;
    private final java.util.concurrent.locks.ReentrantLock claimLock = new java.util.concurrent.locks.ReentrantLock();

    private JdbcJobStore(Builder builder) {
        this.dataSource = builder.dataSource;
        this.ownedResource = builder.ownedResource;
        this.schema = builder.schema;
        this.table = builder.table;
        this.qualifiedTable = schema == null ? table : schema + "." + table;
        this.createSchema = builder.createSchema;
        this.clock = builder.clock;
        this.dialect = builder.dialect;
    }

    /** A store on this {@code DataSource}; the dialect is detected from the database unless set. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource is required"));
    }

    /**
     * An embedded H2 store in one file for one JVM: {@code file} without extension ({@code data/jobs} becomes
     * {@code data/jobs.mv.db}); parent directories are created. Every commit is written to the file before the call
     * returns ({@code WRITE_DELAY=0}), so a killed JVM loses no recorded job; only a crash of the machine itself
     * may lose the last writes the operating system had not yet put on disk. The store owns its connection pool
     * and closes it on {@link #close()}. Needs {@code com.h2database:h2} on the class path.
     */
    public static JdbcJobStore h2File(Path file) {
        return h2File(file, Clock.systemUTC());
    }

    /** {@link #h2File(Path)} with a clock for the records' {@code updatedAt} (tests). */
    public static JdbcJobStore h2File(Path file, Clock clock) {
        Objects.requireNonNull(file, "file is required");
        Path absolute = file.toAbsolutePath().normalize();
        String name = absolute.getFileName().toString();
        if (name.endsWith(".mv.db")) {
            absolute = absolute.resolveSibling(name.substring(0, name.length() - ".mv.db".length()));
        }
        try {
            java.nio.file.Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new JobStoreException("cannot create the directory of the job store file " + absolute + ": " + e, e);
        }
        H2Pool pool;
        try {
            pool = H2Pool.open("jdbc:h2:file:" + absolute + ";WRITE_DELAY=0");
        } catch (NoClassDefFoundError e) {
            throw new JobStoreException("the embedded job store needs H2: add the dependency com.h2database:h2 "
                    + "(version 2.x) to the application", e);
        }
        Builder builder = builder(pool.dataSource()).dialect(JdbcDialect.H2).clock(clock);
        builder.ownedResource = pool;
        return builder.build();
    }

    /** The dialect in use (known after {@link #start()} when it was detected). */
    public JdbcDialect dialect() {
        return dialect;
    }

    /** The table, with its schema if one was set. */
    public String table() {
        return qualifiedTable;
    }

    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            if (dialect == null) {
                dialect = JdbcDialect.of(connection);
            }
            prepareSql();
            if (createSchema) {
                createSchema(connection);
            }
            checkSchema(connection);
        } catch (SQLException e) {
            throw new JobStoreException("job store " + qualifiedTable + ": cannot start: " + e.getMessage()
                    + " (is the database up, and may this user read and write it?)", e);
        }
        started = true;
    }

    private void prepareSql() {
        String json = dialect.jsonParameter();
        insertSql = "INSERT INTO " + qualifiedTable + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, " + json + ", " + json
                + ", ?, " + json + ", " + json + ", ?, ?, ?, ?, ?, ?, " + json + ", ?)"
                + (dialect.insertSkipsExistingKey() ? " ON CONFLICT (job_id) DO NOTHING" : "");
        updateSql = dialect.returning("UPDATE " + qualifiedTable + " SET prompt_id = ?, backend = ?, server = ?, "
                + "workflow = ?, prompt = " + json + ", params = " + json + ", state = ?, result = " + json
                + ", error = " + json + ", attempts = ?, updated_at = ?, delivered_at = ?, correlation = " + json
                + ", version = version + 1 WHERE job_id = ? AND version = ?", COLUMNS);
        renewSql = dialect.returning("UPDATE " + qualifiedTable + " SET lease_until = ? "
                + "WHERE owner = ? AND job_id = ANY(?)", "job_id");
        String take = "UPDATE " + qualifiedTable + " SET owner = ?, lease_until = ?, updated_at = ?, "
                + "version = version + 1 WHERE ";
        claimExpiredSql = dialect.returning(take + "job_id IN (" + pickSql(UNFINISHED) + " SKIP LOCKED)", COLUMNS);
        claimUndeliveredSql = dialect.returning(take + "job_id IN (" + pickSql(UNDELIVERED) + " SKIP LOCKED)",
                COLUMNS);
        pickUnfinishedSql = "SELECT job_id, lease_until FROM " + qualifiedTable + " WHERE state = ? AND "
                + "(lease_until IS NULL OR lease_until < ?) ORDER BY state, lease_until NULLS FIRST LIMIT ?";
        pickUndeliveredSql = "SELECT job_id, lease_until FROM " + qualifiedTable + " WHERE state = ? AND "
                + "delivered_at IS NULL AND (lease_until IS NULL OR lease_until < ?) "
                + "ORDER BY state, delivered_at, lease_until NULLS FIRST LIMIT ?";
        String retake = "UPDATE " + qualifiedTable + " SET owner = ?, lease_until = ?, updated_at = ?, "
                + "version = version + 1 WHERE job_id = ANY(?) AND (lease_until IS NULL OR lease_until < ?) AND ";
        takeUnfinishedSql = dialect.returning(retake + UNFINISHED, COLUMNS);
        takeUndeliveredSql = dialect.returning(retake + UNDELIVERED, COLUMNS);
    }

    private String pickSql(String which) {
        return "SELECT job_id FROM " + qualifiedTable + " WHERE " + which
                + " AND (lease_until IS NULL OR lease_until < ?) ORDER BY lease_until NULLS FIRST LIMIT ? FOR UPDATE";
    }

    private void createSchema(Connection connection) throws SQLException {
        List<String> statements = schemaStatements();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            if (dialect == JdbcDialect.POSTGRESQL) {
                // PostgreSQL's DDL is transactional but CREATE ... IF NOT EXISTS races between instances starting
                // together; a transaction-scoped advisory lock makes them create the schema one after the other
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, "comfykit-jobstore:" + qualifiedTable);
                    lock.execute();
                }
            }
            if (schema != null) {
                statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            }
            for (String sql : statements) {
                statement.execute(sql);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw new JobStoreException("job store " + qualifiedTable + ": cannot create its schema: " + e.getMessage()
                    + "; let a DBA run " + dialect.schemaResource() + " (in comfykit-jobstore-jdbc) and set "
                    + "createSchema to false", e);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The dialect's schema file as statements, with this store's table (and schema) in place of the default. */
    List<String> schemaStatements() {
        String text;
        try (InputStream in = JdbcJobStore.class.getClassLoader().getResourceAsStream(dialect.schemaResource())) {
            if (in == null) {
                throw new JobStoreException("the job store's schema " + dialect.schemaResource()
                        + " is missing from the class path: is comfykit-jobstore-jdbc's jar complete?");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JobStoreException("cannot read " + dialect.schemaResource() + ": " + e, e);
        }
        String withoutComments = text.lines().map(line -> line.replaceFirst("--.*$", ""))
                .collect(Collectors.joining("\n"));
        // index names start with the table's name; PostgreSQL puts an index in its table's schema by itself,
        // H2 wants the index's schema named
        String indexPrefix = (dialect == JdbcDialect.H2 && schema != null ? schema + "." : "") + table + "_";
        String named = withoutComments.replaceAll("\\bcomfykit_jobs_", Matcher.quoteReplacement(indexPrefix))
                .replaceAll("\\bcomfykit_jobs\\b", Matcher.quoteReplacement(qualifiedTable));
        return Arrays.stream(named.split(";\\s*(\\n|$)")).map(String::strip).filter(sql -> !sql.isEmpty()).toList();
    }

    private void checkSchema(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT " + COLUMNS + " FROM " + qualifiedTable + " WHERE 1 = 0").close();
        } catch (SQLException e) {
            throw new JobStoreException("job store table " + qualifiedTable + " is missing or lacks columns ("
                    + e.getMessage() + "); create it with " + dialect.schemaResource()
                    + " (in comfykit-jobstore-jdbc) or let the store create it (createSchema true)", e);
        }
    }

    @Override
    public boolean createIfAbsent(JobRecord job) {
        Objects.requireNonNull(job, "job");
        JobJson.requireJsonFields(job);
        JobRecord stored = job.withVersion(1).withUpdatedAt(clock.instant());
        try {
            return write("create job " + job.jobId(), connection -> {
                try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
                    bindAll(insert, stored);
                    return insert.executeUpdate() == 1;
                }
            });
        } catch (UniqueViolation e) {
            if (!dialect.insertSkipsExistingKey() && find(job.jobId()).isPresent()) {
                return false;
            }
            throw promptIdConflict(job, e);
        }
    }

    @Override
    public Optional<JobRecord> find(String jobId) {
        return findBy("job_id", jobId);
    }

    @Override
    public Optional<JobRecord> findByPromptId(String promptId) {
        return findBy("prompt_id", promptId);
    }

    private Optional<JobRecord> findBy(String column, String value) {
        if (value == null) {
            return Optional.empty();
        }
        String sql = "SELECT " + COLUMNS + " FROM " + qualifiedTable + " WHERE " + column + " = ?";
        return withConnection("find job by " + column, connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, value);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(read(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Optional<JobRecord> update(JobRecord next) {
        return update(next, false);
    }

    /**
     * On PostgreSQL without waiting for the write-ahead log to reach the disk ({@code synchronous_commit = off} for
     * this transaction only); on H2 as {@link #update} (H2 has no such setting per transaction).
     */
    @Override
    public Optional<JobRecord> updateProgress(JobRecord next) {
        return update(next, true);
    }

    private Optional<JobRecord> update(JobRecord next, boolean progress) {
        Objects.requireNonNull(next, "next");
        JobJson.requireJsonFields(next);
        Instant now = clock.instant();
        try {
            return write("update job " + next.jobId(), progress, connection -> {
                try (PreparedStatement update = connection.prepareStatement(updateSql)) {
                    int i = 0;
                    update.setString(++i, next.promptId());
                    update.setString(++i, next.backend());
                    update.setString(++i, next.server());
                    update.setString(++i, next.workflow());
                    update.setString(++i, next.prompt());
                    update.setString(++i, next.params());
                    update.setString(++i, next.state().name());
                    update.setString(++i, next.result());
                    update.setString(++i, next.error());
                    update.setInt(++i, next.attempts());
                    setInstant(update, ++i, now);
                    setInstant(update, ++i, next.deliveredAt());
                    update.setString(++i, JobJson.correlationToJson(next.correlation()));
                    update.setString(++i, next.jobId());
                    update.setLong(++i, next.version());
                    try (ResultSet rows = update.executeQuery()) {
                        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
                    }
                }
            });
        } catch (UniqueViolation e) {
            throw promptIdConflict(next, e);
        }
    }

    @Override
    public Set<String> renewLeases(String owner, Collection<String> jobIds, Instant until) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(until, "until");
        if (jobIds.isEmpty()) {
            return Set.of();
        }
        return write("renew leases of " + owner, true, connection -> {
            try (PreparedStatement renew = connection.prepareStatement(renewSql)) {
                setInstant(renew, 1, until);
                renew.setString(2, owner);
                Array ids = connection.createArrayOf("varchar", jobIds.toArray(new String[0]));
                renew.setArray(3, ids);
                Set<String> renewed = new LinkedHashSet<>();
                try (ResultSet rows = renew.executeQuery()) {
                    while (rows.next()) {
                        renewed.add(rows.getString(1));
                    }
                }
                ids.free();
                return renewed;
            }
        });
    }

    @Override
    public List<JobRecord> claimExpired(String owner, Instant now, Duration lease, int max) {
        JobStores.requireClaim(owner, now, lease, max);
        return claim(owner, now, lease, max, true);
    }

    @Override
    public List<JobRecord> claimUndelivered(String owner, Instant now, Duration lease, int max) {
        JobStores.requireClaim(owner, now, lease, max);
        return claim(owner, now, lease, max, false);
    }

    /** @param unfinished unfinished jobs ({@link #claimExpired}), or finished undelivered ones */
    private List<JobRecord> claim(String owner, Instant now, Duration lease, int max, boolean unfinished) {
        Instant until = now.plus(lease);
        Instant writtenAt = clock.instant();
        List<JobRecord> claimed = new ArrayList<>();
        if (dialect.claimsInOneStatement()) {
            withConnection("claim jobs for " + owner, connection -> {
                try (PreparedStatement take = connection.prepareStatement(
                        unfinished ? claimExpiredSql : claimUndeliveredSql)) {
                    take.setString(1, owner);
                    setInstant(take, 2, until);
                    setInstant(take, 3, writtenAt);
                    setInstant(take, 4, now);
                    take.setInt(5, max);
                    try (ResultSet rows = take.executeQuery()) {
                        while (rows.next()) {
                            claimed.add(read(rows));
                        }
                    }
                }
                return null;
            });
        } else {
            // one claim at a time in this store: an H2 database belongs to one JVM (its file is locked), so claimers
            // never need to skip each other's rows, and H2 reads the candidates in index order instead of locking
            // and sorting every expired row (its FOR UPDATE gives up the index order)
            claimLock.lock();
            try {
                inTransaction("claim jobs for " + owner, connection -> {
                    claimed.addAll(claimH2(connection, owner, now, until, writtenAt, max, unfinished));
                    return null;
                });
            } finally {
                claimLock.unlock();
            }
        }
        claimed.sort(Comparator.comparing(JobRecord::createdAt).thenComparing(JobRecord::jobId));
        return claimed;
    }

    private List<JobRecord> claimH2(Connection connection, String owner, Instant now, Instant until,
                                    Instant writtenAt, int max, boolean unfinished) throws SQLException {
        // per state, the oldest leases first, read in the order of the (state, [delivered_at,] lease_until) index
        List<Object[]> candidates = new ArrayList<>();
        String pick = unfinished ? pickUnfinishedSql : pickUndeliveredSql;
        for (JobState state : JobState.values()) {
            if (state.isFinal() == unfinished) {
                continue;
            }
            try (PreparedStatement select = connection.prepareStatement(pick)) {
                select.setString(1, state.name());
                setInstant(select, 2, now);
                select.setInt(3, max);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        candidates.add(new Object[] {rows.getString(1), instant(rows, "lease_until")});
                    }
                }
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        candidates.sort(Comparator.comparing((Object[] c) -> (Instant) c[1],
                Comparator.nullsFirst(Comparator.naturalOrder())));
        String[] ids = candidates.stream().limit(max).map(c -> (String) c[0]).toArray(String[]::new);
        List<JobRecord> claimed = new ArrayList<>();
        // the claim's condition again in the UPDATE: a row that another writer changed since the SELECT (another
        // store on the same database, a renewal) is taken only if it can still be claimed
        try (PreparedStatement update = connection.prepareStatement(unfinished ? takeUnfinishedSql
                : takeUndeliveredSql)) {
            update.setString(1, owner);
            setInstant(update, 2, until);
            setInstant(update, 3, writtenAt);
            Array array = connection.createArrayOf("varchar", ids);
            update.setArray(4, array);
            setInstant(update, 5, now);
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    claimed.add(read(rows));
                }
            }
            array.free();
        }
        return claimed;
    }

    @Override
    public List<JobRecord> listByState(Set<JobState> states, int max) {
        JobStores.requireList(states, max);
        String inList = states.stream().map(state -> "'" + state.name() + "'").sorted()
                .collect(Collectors.joining(", "));
        String sql = "SELECT " + COLUMNS + " FROM " + qualifiedTable + " WHERE state IN (" + inList
                + ") ORDER BY created_at, job_id LIMIT ?";
        return withConnection("list jobs by state", connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setInt(1, max);
                List<JobRecord> jobs = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        jobs.add(read(rows));
                    }
                }
                return jobs;
            }
        });
    }

    @Override
    public int deleteFinishedBefore(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        String sql = "DELETE FROM " + qualifiedTable
                + " WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND updated_at < ?";
        return write("delete finished jobs", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(sql)) {
                setInstant(delete, 1, cutoff);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public void close() {
        if (ownedResource != null) {
            try {
                ownedResource.close();
            } catch (Exception e) {
                throw new JobStoreException("job store " + qualifiedTable + ": cannot close its database: " + e, e);
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcJobStore[" + (dialect == null ? "?" : dialect) + " " + qualifiedTable + "]";
    }

    // --- rows ---

    private void bindAll(PreparedStatement insert, JobRecord job) throws SQLException {
        int i = 0;
        insert.setString(++i, job.jobId());
        insert.setString(++i, job.promptId());
        insert.setString(++i, job.backend());
        insert.setString(++i, job.server());
        insert.setString(++i, job.workflow());
        insert.setString(++i, job.prompt());
        insert.setString(++i, job.params());
        insert.setString(++i, job.state().name());
        insert.setString(++i, job.result());
        insert.setString(++i, job.error());
        insert.setString(++i, job.owner());
        setInstant(insert, ++i, job.leaseUntil());
        insert.setInt(++i, job.attempts());
        setInstant(insert, ++i, job.createdAt());
        setInstant(insert, ++i, job.updatedAt());
        setInstant(insert, ++i, job.deliveredAt());
        insert.setString(++i, JobJson.correlationToJson(job.correlation()));
        insert.setLong(++i, job.version());
    }

    private static JobRecord read(ResultSet row) throws SQLException {
        String state = row.getString("state");
        JobState jobState;
        try {
            jobState = JobState.valueOf(state);
        } catch (IllegalArgumentException e) {
            throw new JobStoreException("stored job " + row.getString("job_id") + " has the unknown state '" + state
                    + "'; the table's state column takes only " + Arrays.toString(JobState.values()), e);
        }
        return new JobRecord(row.getString("job_id"), row.getString("prompt_id"), row.getString("backend"),
                row.getString("server"), row.getString("workflow"), row.getString("prompt"),
                row.getString("params"), jobState, row.getString("result"), row.getString("error"),
                row.getString("owner"), instant(row, "lease_until"), row.getInt("attempts"),
                instant(row, "created_at"), instant(row, "updated_at"), instant(row, "delivered_at"),
                JobJson.correlationFromJson(row.getString("correlation")), row.getLong("version"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
    }

    // --- connections and failures ---

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** One statement's work; a pool that hands out connections without auto-commit gets a commit. */
    private <T> T withConnection(String what, SqlWork<T> work) {
        requireStarted();
        try (Connection connection = dataSource.getConnection()) {
            if (connection.getAutoCommit()) {
                return work.run(connection);
            }
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** A statement that changes rows: in auto-commit where the database handles a failed statement well. */
    private <T> T write(String what, SqlWork<T> work) {
        return write(what, false, work);
    }

    /**
     * @param relaxed whether the write's loss in a crash of the database is harmless: on PostgreSQL it then commits
     *                without waiting for the disk ({@code SET LOCAL synchronous_commit = off}), in a transaction
     */
    private <T> T write(String what, boolean relaxed, SqlWork<T> work) {
        if (relaxed && dialect.relaxesCommits()) {
            return inTransaction(what, connection -> {
                try (Statement relax = connection.createStatement()) {
                    relax.execute("SET LOCAL synchronous_commit = off");
                }
                return work.run(connection);
            });
        }
        return dialect.writesInTransaction() ? inTransaction(what, work) : withConnection(what, work);
    }

    private <T> T inTransaction(String what, SqlWork<T> work) {
        requireStarted();
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("job store " + qualifiedTable + " is not started: call start() first");
        }
    }

    private RuntimeException failure(String what, SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
            return new UniqueViolation(e);
        }
        return new JobStoreException("job store " + qualifiedTable + ": cannot " + what + ": " + e.getMessage(), e);
    }

    private JobStoreException promptIdConflict(JobRecord job, UniqueViolation e) {
        Optional<JobRecord> holder = job.promptId() == null ? Optional.empty() : findByPromptId(job.promptId());
        if (holder.isPresent() && !holder.get().jobId().equals(job.jobId())) {
            JobStoreException conflict = JobStores.promptIdTaken(job, holder.get().jobId());
            conflict.initCause(e.getCause());
            return conflict;
        }
        return new JobStoreException("job store " + qualifiedTable + ": job " + job.jobId()
                + " breaks a unique key: " + e.getCause().getMessage(), e.getCause());
    }

    /** A unique key refused a row: the caller decides which key and what it means. */
    private static final class UniqueViolation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UniqueViolation(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** How to build a {@link JdbcJobStore}. */
    public static final class Builder {
        private final DataSource dataSource;
        private AutoCloseable ownedResource;
        private JdbcDialect dialect;
        private String schema;
        private String table = DEFAULT_TABLE;
        private boolean createSchema = true;
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /** The database's dialect; detected from the connection's metadata when not set. */
        public Builder dialect(JdbcDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * The database schema that holds the table; by default none is named, so the connection's default
         * (PostgreSQL's {@code search_path}, H2's {@code PUBLIC}). Created with the table when createSchema is on.
         */
        public Builder schema(String schema) {
            this.schema = identifier("schema", schema);
            return this;
        }

        /** The table's name, {@value #DEFAULT_TABLE} by default; its indexes' names start with it. */
        public Builder table(String table) {
            this.table = identifier("table", table);
            return this;
        }

        /**
         * Whether {@link JdbcJobStore#start()} creates the schema (table and indexes) when missing; true by
         * default. Set false where the application's database user may not run DDL: a DBA then runs
         * {@code dev/comfykit/jobs/postgresql-schema.sql}, and start only checks that the table is there.
         */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /** The clock of the records' {@code updatedAt}; the system's UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public JdbcJobStore build() {
            return new JdbcJobStore(this);
        }

        private static String identifier(String what, String name) {
            if (name == null || !IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException("job store " + what + " '" + name + "' must be a plain SQL name: "
                        + "a letter or _, then letters, digits or _, at most 48 characters");
            }
            return name;
        }
    }
}
