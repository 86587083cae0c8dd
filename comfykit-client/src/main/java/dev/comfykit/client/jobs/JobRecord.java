package dev.comfykit.client.jobs;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One generation job as a {@link JobStore} keeps it: plain values and JSON text, so that any store can hold it in
 * a row or a document and any JVM can read it back. Immutable; change it with the {@code with...} methods and
 * write the copy with {@link JobStore#update}.
 * <p>
 * Instants are kept to the microsecond (what PostgreSQL and H2 store), so a record reads back equal to what was
 * written. Identifiers ({@code jobId}, {@code promptId}, {@code owner}) are at most {@value #MAX_ID_LENGTH}
 * characters and {@code backend} at most {@value #MAX_BACKEND_LENGTH}. The JSON fields must each hold one JSON
 * document; stores reject a record whose JSON does not parse.
 *
 * @param jobId       the job's own id, chosen by the caller, unique in the store
 * @param promptId    the prompt id sent to ComfyUI (chosen by the client before submission, so a crash between
 *                    the write and the submission is detectable), or the RunningHub task id once known; unique in
 *                    the store when present
 * @param backend     which kind of backend runs the job, e.g. {@code comfyui} or {@code runninghub}; null while
 *                    not yet decided
 * @param server      the server the prompt was sent to (its name in a pool, or its base URL); null before dispatch
 * @param workflow    where the workflow came from (its origin: a path, a classpath resource, a URL or a RunningHub
 *                    workflow id)
 * @param prompt      the bound prompt graph as JSON (what was or will be sent), or null
 * @param params      the caller's params as a JSON object (to bind again on another server), or null
 * @param state       where the job is
 * @param result      the execution result as JSON, once {@link JobState#SUCCEEDED} (or a failed result's details)
 * @param error       the execution error as JSON, once {@link JobState#FAILED} or {@link JobState#CANCELLED}
 * @param owner       the instance (JVM) that tracks the job while its lease runs, or null
 * @param leaseUntil  when the owner's lease ends; after it another instance may claim the job. Null: no lease
 * @param attempts    how many times the prompt was submitted
 * @param createdAt   when the job was first recorded
 * @param updatedAt   when the record was last written (set by the store)
 * @param deliveredAt when the finished job's result was handed to its route, or null while not delivered
 * @param correlation the route's correlation data (a whitelist of message headers), as names and text values
 * @param version     the record's version for compare-and-set: 0 for a record never stored, then increased by the
 *                    store on every write that changes the record's content or its owner
 */
public record JobRecord(String jobId, String promptId, String backend, String server, String workflow,
                        String prompt, String params, JobState state, String result, String error,
                        String owner, Instant leaseUntil, int attempts, Instant createdAt, Instant updatedAt,
                        Instant deliveredAt, Map<String, String> correlation, long version) {

    /** The longest {@code jobId}, {@code promptId} or {@code owner} a store accepts. */
    public static final int MAX_ID_LENGTH = 255;
    /** The longest {@code backend} a store accepts. */
    public static final int MAX_BACKEND_LENGTH = 64;

    public JobRecord {
        requireId("jobId", jobId, false);
        requireId("promptId", promptId, true);
        requireId("owner", owner, true);
        if (backend != null && (backend.isBlank() || backend.length() > MAX_BACKEND_LENGTH)) {
            throw new IllegalArgumentException("backend must be 1 to " + MAX_BACKEND_LENGTH
                    + " characters (e.g. comfyui or runninghub), or null; got '" + backend + "'");
        }
        Objects.requireNonNull(state, "state is required (a new job is SUBMITTING)");
        Objects.requireNonNull(createdAt, "createdAt is required");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be 0 or more, got " + attempts);
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be 0 (never stored) or more, got " + version);
        }
        createdAt = micros(createdAt);
        updatedAt = updatedAt == null ? createdAt : micros(updatedAt);
        leaseUntil = micros(leaseUntil);
        deliveredAt = micros(deliveredAt);
        correlation = copy(correlation);
    }

    /**
     * A new job, not yet stored: {@link JobState#SUBMITTING}, no attempts, no owner, version 0.
     *
     * @param jobId    the job's id
     * @param workflow the workflow's origin
     * @param now      the creation time
     */
    public static JobRecord newJob(String jobId, String workflow, Instant now) {
        return new JobRecord(jobId, null, null, null, workflow, null, null, JobState.SUBMITTING, null, null,
                null, null, 0, now, now, null, Map.of(), 0);
    }

    /** True once the job is in a final state (it will not change any more, except its delivery). */
    public boolean isFinished() {
        return state.isFinal();
    }

    /** True once the finished job's result was handed to its route. */
    public boolean isDelivered() {
        return deliveredAt != null;
    }

    public JobRecord withPromptId(String promptId) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    public JobRecord withBackend(String backend) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    public JobRecord withServer(String server) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    /** @param prompt the bound prompt graph as JSON, or null */
    public JobRecord withPrompt(String prompt) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    /** @param params the caller's params as a JSON object, or null */
    public JobRecord withParams(String params) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    public JobRecord withState(JobState state) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    /** @param result the execution result as JSON, or null */
    public JobRecord withResult(String result) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    /** @param error the execution error as JSON, or null */
    public JobRecord withError(String error) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    /**
     * The owner and its lease. Taken by {@link JobStore#createIfAbsent}; {@link JobStore#update} keeps the stored
     * lease whatever the copy says, as leases change only through create, claims and renewals.
     */
    public JobRecord withLease(String owner, Instant leaseUntil) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    public JobRecord withAttempts(int attempts) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    /** @param deliveredAt when the result was handed to its route, or null */
    public JobRecord withDeliveredAt(Instant deliveredAt) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    /** @param correlation the route's correlation headers (copied; null means none) */
    public JobRecord withCorrelation(Map<String, String> correlation) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    /** For stores: the time of a write. */
    public JobRecord withUpdatedAt(Instant updatedAt) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    /** For stores: the version a write gave the record. */
    public JobRecord withVersion(long version) {
        return new JobRecord(jobId, promptId, backend, server, workflow, prompt, params, state, result, error,
                owner, leaseUntil, attempts, createdAt, updatedAt, deliveredAt, correlation, version);
    }

    private static void requireId(String name, String value, boolean nullable) {
        if (value == null) {
            if (nullable) {
                return;
            }
            throw new IllegalArgumentException(name + " is required");
        }
        if (value.isBlank() || value.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(name + " must be 1 to " + MAX_ID_LENGTH
                    + " characters, not blank; got " + value.length() + " characters");
        }
    }

    private static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static Map<String, String> copy(Map<String, String> correlation) {
        if (correlation == null || correlation.isEmpty()) {
            return Map.of();
        }
        // sorted, so that equal correlations read back as equal maps and serialise to the same JSON
        TreeMap<String, String> sorted = new TreeMap<>();
        correlation.forEach((name, value) -> sorted.put(
                Objects.requireNonNull(name, "a correlation header name is null"),
                Objects.requireNonNull(value, () -> "correlation header '" + name + "' has a null value; leave it out")));
        return Collections.unmodifiableMap(sorted);
    }
}
