package dev.comfykit.client.jobs;

import dev.comfykit.client.internal.jobs.InMemoryJobStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where jobs are kept, so that a job outlives the JVM that submitted it. Implementations: {@link #inMemory()}
 * (the default; nothing survives the JVM), and in the module {@code comfykit-jobstore-jdbc} an embedded H2 file
 * (one JVM, survives restarts) and PostgreSQL (many JVMs).
 *
 * <h2>Guarantees every implementation keeps</h2>
 * <ul>
 *   <li><b>Thread-safe and atomic per call.</b> Any method may be called from any thread and, for the shared
 *       stores, from any JVM at once; each call is all-or-nothing.</li>
 *   <li><b>Compare-and-set.</b> Every write that changes a record's content or owner increases its
 *       {@link JobRecord#version() version} by one; {@link #update} writes only when the stored version is the
 *       one the caller read, so of two writers that read the same version exactly one wins.</li>
 *   <li><b>Leases.</b> A record's {@code owner} and {@code leaseUntil} change only through
 *       {@link #createIfAbsent}, {@link #claimExpired}, {@link #claimUndelivered} and {@link #renewLeases}. A claim
 *       takes only records whose lease has ended (or that have none), and of several instances claiming at once
 *       each record goes to exactly one. A claim increases the version, so the previous owner's pending update
 *       loses its compare-and-set and its renewal no longer applies: the new owner alone writes the job.</li>
 *   <li><b>JSON only.</b> Records hold text and JSON documents, never Java-serialised objects; a store rejects a
 *       JSON field that does not parse.</li>
 *   <li><b>Time.</b> {@code updatedAt} is the store's clock at each write; lease decisions use the instants the
 *       caller passes, so instances sharing a store need clocks that agree to well within a lease.</li>
 * </ul>
 * A store does not check state transitions (the execution does) and does not deliver results (it only records
 * whether a job was delivered).
 */
public interface JobStore extends AutoCloseable {

    /** A new in-memory store: the default, with every guarantee above within one JVM, and nothing kept after it. */
    static JobStore inMemory() {
        return new InMemoryJobStore();
    }

    /**
     * Prepares the store (connects, checks or creates its schema). Called once before any other method; calling
     * it again does nothing. The default does nothing.
     *
     * @throws JobStoreException when the store cannot be used, naming what is missing
     */
    default void start() {
    }

    /**
     * Records a new job, unless a job with its id exists. The stored record gets version 1 and the store's time as
     * {@code updatedAt}; its owner and lease are taken as given, so the submitting instance owns the job from the
     * start.
     *
     * @param job a record with version 0, typically {@link JobRecord#newJob} with a prompt id, owner and lease
     * @return true if it was recorded, false if a job with that id already exists (the store is unchanged)
     * @throws JobStoreException if the job's prompt id belongs to another job, or a JSON field does not parse
     */
    boolean createIfAbsent(JobRecord job);

    /** The job with this id, if it is stored. */
    Optional<JobRecord> find(String jobId);

    /** The job with this prompt id (or RunningHub task id), if one is stored. */
    Optional<JobRecord> findByPromptId(String promptId);

    /**
     * Writes a changed record if nobody wrote it since it was read: the stored version must equal
     * {@code next.version()}. Everything is written as given except the job id, {@code createdAt}, the owner and
     * the lease, which stay as stored.
     *
     * @param next the record as read (same version), changed with its {@code with...} methods
     * @return the stored record (version one higher, {@code updatedAt} now), or empty if the version changed or
     *         the job is gone: read it again and decide anew
     * @throws JobStoreException if the new prompt id belongs to another job, or a JSON field does not parse
     */
    Optional<JobRecord> update(JobRecord next);

    /**
     * {@link #update}, for a change whose loss in a crash of the database is harmless, because whoever reads the
     * record next checks the server anyway: a progress state ({@link JobState#QUEUED}, {@link JobState#RUNNING}).
     * It is just as atomic and compare-and-set, and visible to every reader once the call returns; only its
     * durability is relaxed: a store may commit it without waiting for the disk (PostgreSQL:
     * {@code SET LOCAL synchronous_commit = off} for its transaction), so that it costs no flush. The default is
     * {@link #update}.
     */
    default Optional<JobRecord> updateProgress(JobRecord next) {
        return update(next);
    }

    /**
     * Sets the lease of the jobs this owner still holds. Jobs that another instance claimed, or that are gone, are
     * left alone (the owner has lost them); a lease that ended but that nobody claimed yet is still held and is
     * renewed. The version does not change. Passing an instant in the past releases the jobs at once, for another
     * instance to claim (a graceful stop). A store may commit renewals without waiting for the disk, like
     * {@link #updateProgress}: a renewal lost in a crash of the database only lets a lease end one renewal earlier,
     * and a claim then changes the version, so that the previous owner notices and stops writing the job.
     *
     * @return the ids whose lease was set
     */
    Set<String> renewLeases(String owner, Collection<String> jobIds, Instant until);

    /**
     * Claims unfinished jobs whose lease ended before {@code now} (or that have no lease): they get this owner,
     * a lease until {@code now + lease} and a version one higher. Oldest lease first.
     *
     * @param max the most records to claim in this call (at least 1)
     * @return the claimed records as stored; each is claimed by exactly one caller however many claim at once
     */
    List<JobRecord> claimExpired(String owner, Instant now, Duration lease, int max);

    /**
     * Claims finished jobs not yet delivered whose lease ended before {@code now} (or that have none), to deliver
     * them (for example through a {@code comfykit:jobs} consumer). The instance that finished a job keeps its lease
     * for a while, so it delivers to its own route first; after that anyone may. Mark a delivery with
     * {@link #update} and {@link JobRecord#withDeliveredAt}. Same claiming rules as {@link #claimExpired}.
     */
    List<JobRecord> claimUndelivered(String owner, Instant now, Duration lease, int max);

    /**
     * Jobs in any of these states, oldest first.
     *
     * @param max the most records to return (at least 1)
     */
    List<JobRecord> listByState(Set<JobState> states, int max);

    /**
     * Deletes finished jobs (delivered or not) last written before the cutoff: the retention of finished jobs.
     * Unfinished jobs are never deleted.
     *
     * @return how many were deleted
     */
    int deleteFinishedBefore(Instant cutoff);

    /** Releases the store's resources (not a {@code DataSource} it was given). Records already written stay. */
    @Override
    default void close() {
    }
}
