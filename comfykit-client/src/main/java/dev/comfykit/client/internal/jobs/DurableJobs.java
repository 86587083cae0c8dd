package dev.comfykit.client.internal.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.OutputFile;
import dev.comfykit.client.SubmissionException;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.execution.PromptJournal;
import dev.comfykit.client.internal.json.Json;
import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;
import dev.comfykit.client.jobs.JobStore;
import dev.comfykit.client.jobs.JobStoreException;
import dev.comfykit.client.spi.Backend;
import dev.comfykit.client.spi.PromptRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Durable execution on a {@link JobStore}: a job's prompt is recorded before it is submitted (as the engine's
 * {@link PromptJournal}), its state follows what the engine learns (QUEUED, RUNNING: progress updates written on this
 * class's threads, forward only, never waited for; only the record before submission and the outcome are durable
 * writes on a job's path), a RunningHub job's task id is recorded as soon as the task exists, this instance renews
 * the leases of the jobs it tracks (one periodic batch), and a reconciler, running in every instance, claims the jobs whose lease ended (their
 * owner died or stopped) and finishes them: it awaits the prompt where it was sent, submits the stored prompt again
 * when the server lost it (within {@code maxAttempts}; never a RunningHub task, which is billed: one whose id was
 * not recorded is reported as possibly created), and records the outcome.
 * <p>
 * <b>Delivery.</b> A result goes to the callers waiting in this instance ({@code execute}, {@code await}); the
 * record is then marked delivered in the same write. A finished job nobody here waits for (a {@code submit}, or a
 * job claimed from a dead instance) is released with its result for a jobs consumer to claim
 * ({@link #claimUndelivered}) and mark delivered once its route completed ({@link #markDelivered}).
 * <p>
 * Only built when a store is configured: without one the client runs no code of this class, as before. Store calls
 * block (JDBC), so they run on this class's own threads, never on the engine's.
 */
public final class DurableJobs implements PromptJournal, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DurableJobs.class);
    /** The backend name a ComfyUI job is recorded with. */
    static final String COMFYUI = "comfyui";
    /** The backend name a RunningHub job is recorded with; its prompt id is the RunningHub task id. */
    static final String RUNNINGHUB = "runninghub";
    /** The most jobs one reconcile round claims. */
    private static final int CLAIM_BATCH = 64;
    /** How often finished jobs older than the retention are deleted. */
    private static final Duration RETENTION_SWEEP = Duration.ofMinutes(10);

    /** Runs a stored (already bound) prompt again on the server it was recorded with, or another one. */
    public interface Resubmitter {
        /**
         * Runs the graph again, on {@code server} (the one the job was recorded with) or, when {@code avoid} is set
         * (that server went down) or it cannot take prompts, on another one of the client's servers.
         */
        CompletableFuture<ExecuteResult> run(String server, boolean avoid, String jobId, ObjectNode graph,
                                             Duration timeout);
    }

    private final JobStore store;
    private final String owner;
    private final Duration lease;
    private final Duration retention;
    private final Duration timeout;
    private final int maxAttempts;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService io;
    private final Function<String, OutputFile.Reader> readers;
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    /** The tracked jobs by the prompt ids the engine knows them by (to record that a prompt started). */
    private final Map<String, Tracked> byPrompt = new ConcurrentHashMap<>();
    /** Callers in this instance waiting for jobs that another instance tracks (found by polling the store). */
    private final Map<String, List<CompletableFuture<ExecuteResult>>> waiting = new ConcurrentHashMap<>();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private volatile Backend backend;
    private volatile Resubmitter resubmitter;
    private volatile boolean followsRunningHub;
    private volatile boolean closing;
    private volatile Instant lastSweep = Instant.EPOCH;

    /**
     * @param timeout     the time limit of an execution, also of the wait for a claimed job's prompt
     * @param maxAttempts how many times a job's prompt is submitted in all when servers lose it
     * @param readers     the reader of output files, by the server a job was recorded with
     */
    public DurableJobs(JobStore store, Duration lease, Duration retention, Duration timeout, int maxAttempts,
                       ScheduledExecutorService scheduler, Function<String, OutputFile.Reader> readers) {
        this.store = store;
        this.owner = "comfykit-" + UUID.randomUUID();
        this.lease = lease;
        this.retention = retention;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        this.scheduler = scheduler;
        this.readers = readers;
        this.io = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "comfykit-jobs");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the store and the periodic tasks.
     *
     * @param awaits     awaits a prompt by id wherever it runs (the client's backend)
     * @param resubmits  runs a stored prompt again
     * @param runningHub whether this client can follow RunningHub tasks (it has a RunningHub key); one that cannot
     *                   leaves the RunningHub jobs it claims to an instance that can, instead of failing them
     */
    public void start(Backend awaits, Resubmitter resubmits, boolean runningHub) {
        this.backend = awaits;
        this.resubmitter = resubmits;
        this.followsRunningHub = runningHub;
        store.start();
        long renewMillis = Math.max(50, lease.toMillis() / 3);
        long reconcileMillis = Math.max(100, lease.toMillis() / 2);
        tasks.add(scheduler.scheduleWithFixedDelay(() -> io.execute(this::renew), renewMillis, renewMillis,
                TimeUnit.MILLISECONDS));
        // the first round at once: a restarted instance takes over its predecessor's expired jobs without delay
        tasks.add(scheduler.scheduleWithFixedDelay(() -> io.execute(this::reconcile), 0, reconcileMillis,
                TimeUnit.MILLISECONDS));
        LOG.info("Durable jobs on {} as {} (lease {})", store, owner, lease);
    }

    /** This instance's owner id in the store. */
    public String owner() {
        return owner;
    }

    public JobStore store() {
        return store;
    }

    // ---- executing ----------------------------------------------------------------------------------------------

    /**
     * Runs a request as a job, or joins the job when its id is recorded already (its stored result when finished).
     *
     * @param waited whether the caller waits for the result (execute, not submit)
     */
    public CompletableFuture<ExecuteResult> execute(PromptRequest request, Map<String, String> correlation) {
        String jobId = request.jobId() != null ? request.jobId() : newJobId();
        CompletableFuture<ExecuteResult> out = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> store.find(jobId), io).whenComplete((existing, error) -> {
            if (error != null) {
                out.complete(storeFailure(jobId, error));
            } else if (existing.isPresent()) {
                attach(existing.get(), request.timeout(), out);
            } else {
                Tracked job = start(jobId, request, correlation, true);
                out.whenComplete((r, e) -> {
                    if (e instanceof CancellationException && job.run != null) {
                        job.run.cancel(true);
                    }
                });
                job.result.whenComplete((r, e) -> complete(out, r, e));
            }
        });
        return out;
    }

    /** Submits a request as a job; the answer comes once the server queued the prompt. */
    public CompletableFuture<SubmittedPrompt> submit(PromptRequest request, Map<String, String> correlation) {
        String jobId = request.jobId() != null ? request.jobId() : newJobId();
        return CompletableFuture.supplyAsync(() -> store.find(jobId), io).thenCompose(existing -> {
            if (existing.isPresent()) {
                return CompletableFuture.completedFuture(new SubmittedPrompt(existing.get().promptId(), null, existing.get().server(), jobId));
            }
            Tracked job = start(jobId, request, correlation, false);
            return job.accepted.thenApply(promptId -> new SubmittedPrompt(promptId, null, null, jobId));
        });
    }

    /**
     * Waits for a recorded job, by job id or prompt id.
     *
     * @return the result, or empty when no job has this id (the caller then asks the server)
     */
    public CompletableFuture<Optional<ExecuteResult>> await(String id, Duration wait) {
        return CompletableFuture.supplyAsync(() -> store.find(id).or(() -> store.findByPromptId(id)), io)
                .thenCompose(found -> {
                    if (found.isEmpty()) {
                        return CompletableFuture.completedFuture(Optional.<ExecuteResult>empty());
                    }
                    CompletableFuture<ExecuteResult> out = new CompletableFuture<>();
                    attach(found.get(), wait, out);
                    return out.thenApply(Optional::of);
                });
    }

    /** A recorded job, by job id or prompt id. */
    public Optional<JobRecord> find(String id) {
        return store.find(id).or(() -> store.findByPromptId(id));
    }

    private Tracked start(String jobId, PromptRequest request, Map<String, String> correlation, boolean waited) {
        Tracked job = new Tracked(jobId, request.origin(), correlation, waited);
        Tracked raced = tracked.putIfAbsent(jobId, job);
        if (raced != null) {
            // the same job started twice at once in this instance: the second joins the first
            raced.waited |= waited;
            return raced;
        }
        job.run = backend.execute(request.withJobId(jobId));
        job.run.whenComplete((result, error) -> io.execute(() -> settle(job, result, error)));
        return job;
    }

    /** Joins a recorded job: its stored result when finished, else its result once whoever tracks it finishes it. */
    private void attach(JobRecord record, Duration wait, CompletableFuture<ExecuteResult> out) {
        if (record.isFinished()) {
            ExecuteResult result = decode(record);
            if (!record.isDelivered()) {
                io.execute(() -> deliver(record));
            }
            out.complete(result);
            return;
        }
        Tracked local = tracked.get(record.jobId());
        if (local != null) {
            local.waited = true;
            local.result.whenComplete((r, e) -> complete(out, r, e));
            return;
        }
        waiting.computeIfAbsent(record.jobId(), id -> new CopyOnWriteArrayList<>()).add(out);
        ScheduledFuture<?> timer = scheduler.schedule(() -> out.complete(ExecuteResult.failure(record.promptId(),
                null, ExecutionError.of(ErrorKind.TIMEOUT, "Stopped waiting for job " + record.jobId() + " after "
                        + wait + "; it is still " + record.state() + " and tracked by " + record.owner()
                        + ", and may still finish."))), wait.toNanos(), TimeUnit.NANOSECONDS);
        out.whenComplete((r, e) -> {
            timer.cancel(false);
            List<CompletableFuture<ExecuteResult>> list = waiting.get(record.jobId());
            if (list != null) {
                list.remove(out);
                waiting.remove(record.jobId(), List.of());
            }
        });
    }

    // ---- the journal: what the engine tells ---------------------------------------------------------------------

    @Override
    public CompletableFuture<Void> submitting(String jobId, String promptId, ObjectNode graph, String server) {
        Tracked job = tracked.get(jobId);
        if (job == null || closing) {
            return CompletableFuture.failedFuture(new JobStoreException("job " + jobId + " is not tracked by this"
                    + " client any more (it was closed)"));
        }
        String prompt = Json.write(graph);
        job.progress = null;
        job.promptIds.forEach(old -> byPrompt.remove(old, job));
        job.promptIds.add(promptId);
        byPrompt.put(promptId, job);
        return CompletableFuture.runAsync(() -> {
            synchronized (job) {
                Instant now = Instant.now();
                if (job.record == null) {
                    JobRecord fresh = JobRecord.newJob(jobId, job.workflow, now).withPromptId(promptId)
                            .withBackend(COMFYUI).withServer(server).withPrompt(prompt).withAttempts(1)
                            .withCorrelation(job.correlation).withLease(owner, now.plus(lease));
                    if (!store.createIfAbsent(fresh)) {
                        job.duplicate = true;
                        throw new JobStoreException("job " + jobId + " was recorded meanwhile by another caller");
                    }
                    job.record = fresh.withVersion(1);
                } else {
                    change(job, r -> r.withPromptId(promptId).withServer(server).withPrompt(prompt)
                            .withState(JobState.SUBMITTING).withAttempts(r.attempts() + 1).withResult(null)
                            .withError(null));
                }
            }
        }, io);
    }

    @Override
    public void accepted(String jobId, String promptId) {
        Tracked job = tracked.get(jobId);
        if (job == null) {
            return;
        }
        if (job.promptIds.add(promptId)) {
            // an old server chose its own prompt id
            byPrompt.put(promptId, job);
        }
        job.acceptedPromptId = promptId;
        job.accepted.complete(promptId);
        progressed(job, JobState.QUEUED);
    }

    @Override
    public void running(String promptId) {
        Tracked job = byPrompt.get(promptId);
        if (job != null && tracked.get(job.jobId) == job) {
            progressed(job, JobState.RUNNING);
        }
    }

    /**
     * A RunningHub task is about to be created: the job is recorded first (durably), without a task id. A crash
     * between this write and the task id's leaves a record that says the task may or may not exist (see
     * {@link #adopt}): never created twice.
     */
    @Override
    public CompletableFuture<Void> creatingTask(String jobId, String site) {
        Tracked job = tracked.get(jobId);
        if (job == null || closing) {
            return CompletableFuture.failedFuture(new JobStoreException("job " + jobId + " is not tracked by this"
                    + " client any more (it was closed)"));
        }
        return CompletableFuture.runAsync(() -> {
            synchronized (job) {
                if (job.record != null) {
                    return;
                }
                Instant now = Instant.now();
                JobRecord fresh = JobRecord.newJob(jobId, job.workflow, now).withBackend(RUNNINGHUB).withServer(site)
                        .withAttempts(1).withCorrelation(job.correlation).withLease(owner, now.plus(lease));
                if (!store.createIfAbsent(fresh)) {
                    job.duplicate = true;
                    throw new JobStoreException("job " + jobId + " was recorded meanwhile by another caller");
                }
                job.record = fresh.withVersion(1);
            }
        }, io);
    }

    /**
     * RunningHub created the job's task: its id is written durably (it is what lets another instance await the task
     * instead of paying for another), without holding up the engine. Written even while this client closes: the task
     * runs on, for whoever claims the job.
     */
    @Override
    public void taskCreated(String jobId, String taskId) {
        Tracked job = tracked.get(jobId);
        if (job == null) {
            return;
        }
        job.promptIds.add(taskId);
        byPrompt.put(taskId, job);
        job.acceptedPromptId = taskId;
        job.accepted.complete(taskId);
        try {
            io.execute(() -> {
                synchronized (job) {
                    if (job.record == null || job.lost) {
                        return;
                    }
                    try {
                        change(job, r -> r.isFinished() || taskId.equals(r.promptId()) ? null
                                : r.withPromptId(taskId).withState(r.state() == JobState.SUBMITTING
                                ? JobState.QUEUED : r.state()));
                        LOG.debug("Job {}: RunningHub task {}", jobId, taskId);
                    } catch (RuntimeException e) {
                        LOG.warn("Job {}: RunningHub task {} was created but its id could not be recorded ({}); if"
                                + " this instance stops before the job ends, another reports it as possibly created",
                                jobId, taskId, Failures.describe(e));
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("Job {}: RunningHub task {} was created while the client closed; its id was not recorded",
                    jobId, taskId);
        }
    }

    /**
     * The engine learnt that a job's prompt moved on (queued, then running): remembered at once, written by one of
     * the store threads, so that the socket's thread never waits for the database. The write is a progress update
     * (no flush to disk on PostgreSQL), it only moves a job forward (a late RUNNING never overwrites a final state or
     * a re-submission), and when QUEUED and RUNNING are both known before it runs, only RUNNING is written.
     */
    private void progressed(Tracked job, JobState state) {
        synchronized (job.progressLock) {
            if (job.progress != null && job.progress.compareTo(state) >= 0) {
                return;
            }
            job.progress = state;
        }
        io.execute(() -> writeProgress(job));
    }

    private void writeProgress(Tracked job) {
        synchronized (job) {
            JobState target = job.progress;
            JobRecord record = job.record;
            if (target == null || record == null || closing || job.lost || record.state().isFinal()
                    || record.state().compareTo(target) >= 0) {
                return;
            }
            String promptId = job.acceptedPromptId;
            try {
                change(job, r -> r.state().isFinal() || r.state().compareTo(target) >= 0 ? null
                        : (promptId != null ? r.withPromptId(promptId) : r).withState(target), true);
                LOG.debug("Job {} {}", job.jobId, target);
            } catch (RuntimeException e) {
                LOG.debug("Job {}: state {} not recorded: {}", job.jobId, target, e.toString());
            }
        }
    }

    // ---- finishing ----------------------------------------------------------------------------------------------

    /** An execution of a tracked job ended: record its outcome, or submit it again when the server lost it. */
    private void settle(Tracked job, ExecuteResult result, Throwable error) {
        if (job.duplicate) {
            // another caller recorded the job first: this one joins it
            untrack(job);
            store.find(job.jobId).ifPresentOrElse(record -> {
                CompletableFuture<ExecuteResult> joined = new CompletableFuture<>();
                attach(record, timeout, joined);
                joined.whenComplete((r, e) -> complete(job.result, r, e));
            }, () -> job.result.complete(result));
            return;
        }
        if (closing) {
            // the client stops: the job stays recorded, leased to nobody, for another instance (or a restart)
            untrack(job);
            finishLocally(job, result, error);
            return;
        }
        if (error != null || job.record == null) {
            // invalid input, or a failure before anything was recorded: nothing was submitted, nothing to keep
            untrack(job);
            if (!job.accepted.isDone()) {
                job.accepted.completeExceptionally(error != null ? Failures.unwrap(error)
                        : new SubmissionException(result.getError()));
            }
            finishLocally(job, result, error);
            return;
        }
        synchronized (job) {
            if (job.lost) {
                // another instance claimed it (our lease lapsed): it records the outcome; ours goes to our callers
                untrack(job);
                finishLocally(job, result, null);
                return;
            }
            ExecutionError failure = result.getError();
            // LOST: the server provably does not have the prompt; CONNECTION: its server went down (or could not
            // be reached) while the job waited, so nobody will report its end: run the stored prompt again, on
            // another server when one is up (at-least-once execution, as the pool does for execute)
            if (failure != null && (failure.getKind() == ErrorKind.LOST || failure.getKind() == ErrorKind.CONNECTION)
                    && job.record.attempts() < maxAttempts && job.record.prompt() != null) {
                boolean down = failure.getKind() == ErrorKind.CONNECTION;
                resubmit(job, down ? "its server went down" : "the server lost it", down);
                return;
            }
            JobState state = failure == null ? JobState.SUCCEEDED
                    : failure.getKind() == ErrorKind.CANCELLED ? JobState.CANCELLED : JobState.FAILED;
            boolean deliverNow = job.waited || waiting.containsKey(job.jobId);
            Instant now = Instant.now();
            try {
                change(job, r -> r.withState(state).withResult(ResultJson.write(result))
                        .withError(ResultJson.writeError(failure)).withPromptId(promptIdOf(r, result))
                        .withDeliveredAt(deliverNow ? now : null));
                LOG.debug("Job {} {}", job.jobId, state);
            } catch (RuntimeException e) {
                LOG.warn("Job {} finished ({}) but its outcome could not be recorded: {}", job.jobId, state,
                        Failures.describe(e));
            }
            untrack(job);
            if (!deliverNow) {
                // nobody here waits: a jobs consumer (of any instance) may claim it at once
                release(job.jobId);
            }
        }
        finishLocally(job, result, null);
    }

    private void finishLocally(Tracked job, ExecuteResult result, Throwable error) {
        if (!job.accepted.isDone()) {
            if (result != null && result.getError() == null) {
                job.accepted.complete(result.getPromptId());
            } else {
                job.accepted.completeExceptionally(error != null ? Failures.unwrap(error)
                        : new SubmissionException(result.getError()));
            }
        }
        complete(job.result, result, error);
        List<CompletableFuture<ExecuteResult>> others = waiting.remove(job.jobId);
        if (others != null) {
            others.forEach(waiter -> complete(waiter, result, error));
        }
    }

    private void resubmit(Tracked job, String why, boolean avoidServer) {
        JobRecord record = job.record;
        LOG.info("Job {}: prompt {} is not on {} ({}); submitting the stored prompt again (attempt {} of {})",
                job.jobId, record.promptId(), record.server(), why, record.attempts() + 1, maxAttempts);
        ObjectNode graph;
        try {
            graph = (ObjectNode) Json.mapper().readTree(record.prompt());
        } catch (Exception e) {
            settle(job, ExecuteResult.failure(record.promptId(), null, ExecutionError.of(ErrorKind.LOST,
                    "Job " + job.jobId + " was lost and its stored prompt cannot be read: " + e.getMessage())), null);
            return;
        }
        job.run = resubmitter.run(record.server(), avoidServer, job.jobId, graph, timeout);
        job.run.whenComplete((result, error) -> io.execute(() -> settle(job, result, error)));
    }

    private static String promptIdOf(JobRecord record, ExecuteResult result) {
        return result.getPromptId() != null ? result.getPromptId() : record.promptId();
    }

    // ---- leases and the reconciler ------------------------------------------------------------------------------

    private void renew() {
        if (closing) {
            return;
        }
        List<String> ids = new ArrayList<>();
        tracked.forEach((id, job) -> {
            if (job.record != null && !job.lost) {
                ids.add(id);
            }
        });
        if (ids.isEmpty()) {
            return;
        }
        try {
            Set<String> kept = store.renewLeases(owner, ids, Instant.now().plus(lease));
            for (String id : ids) {
                Tracked job = tracked.get(id);
                if (!kept.contains(id) && job != null && job.record != null && !job.lost) {
                    LOG.warn("Job {}: this instance lost its lease (another instance claimed it)", id);
                    job.lost = true;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Renewing the leases of {} jobs failed: {}", ids.size(), Failures.describe(e));
        }
    }

    private void reconcile() {
        if (closing) {
            return;
        }
        try {
            for (JobRecord record : store.claimExpired(owner, Instant.now(), lease, CLAIM_BATCH)) {
                adopt(record);
            }
            pollWaited();
            Instant now = Instant.now();
            if (Duration.between(lastSweep, now).compareTo(RETENTION_SWEEP) >= 0) {
                lastSweep = now;
                int deleted = store.deleteFinishedBefore(now.minus(retention));
                if (deleted > 0) {
                    LOG.info("Deleted {} finished jobs older than {}", deleted, retention);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Reconciling jobs with the store failed: {}", Failures.describe(e));
        }
    }

    /** A job claimed from an instance whose lease ended: find out where its prompt is and finish it. */
    private void adopt(JobRecord record) {
        if (RUNNINGHUB.equals(record.backend()) && !followsRunningHub) {
            // not tracked: the claim's lease ends untouched, and an instance with a RunningHub key may claim it then
            LOG.warn("Job {} runs on RunningHub (task {}), which this client has no key for (runninghubApiKey): left"
                    + " to an instance that has one", record.jobId(), record.promptId());
            return;
        }
        Tracked job = new Tracked(record.jobId(), record.workflow(), record.correlation(), false);
        job.record = record;
        if (tracked.putIfAbsent(record.jobId(), job) != null) {
            return;
        }
        LOG.info("Job {} claimed (the lease of the instance that tracked it ended); state {}, prompt {} on {}",
                record.jobId(), record.state(), record.promptId(), record.server());
        if (RUNNINGHUB.equals(record.backend()) && record.promptId() == null) {
            // a RunningHub task costs money: one that may exist is never created again
            settle(job, ExecuteResult.failure(null, null, ExecutionError.of(ErrorKind.LOST, "Job " + record.jobId()
                    + " was being created on RunningHub (" + record.server() + ") when the instance that ran it"
                    + " stopped: its task may or may not have been created on RunningHub, and its id was not"
                    + " recorded. Check the account's tasks on RunningHub before running the job again; it is not"
                    + " created again automatically, as RunningHub tasks are billed.")), null);
            return;
        }
        if (record.promptId() == null || (record.prompt() == null && !RUNNINGHUB.equals(record.backend()))) {
            settle(job, ExecuteResult.failure(null, null, ExecutionError.of(ErrorKind.LOST, "Job " + record.jobId()
                    + " was recorded without its prompt, so it cannot be followed or run again; submit it again.")),
                    null);
            return;
        }
        job.accepted.complete(record.promptId());
        job.promptIds.add(record.promptId());
        byPrompt.put(record.promptId(), job);
        // a RunningHub task id (all digits) is awaited on RunningHub: its status and outputs, never a new task
        job.run = backend.await(record.promptId(), timeout);
        job.run.whenComplete((result, error) -> io.execute(() -> settle(job, result, error)));
    }

    /** Callers here waiting for jobs tracked elsewhere: their results, once the store has them. */
    private void pollWaited() {
        for (String id : List.copyOf(waiting.keySet())) {
            if (tracked.containsKey(id)) {
                continue;
            }
            store.find(id).filter(JobRecord::isFinished).ifPresent(record -> {
                List<CompletableFuture<ExecuteResult>> waiters = waiting.remove(id);
                if (waiters != null) {
                    ExecuteResult result = decode(record);
                    deliver(record);
                    waiters.forEach(waiter -> waiter.complete(result));
                }
            });
        }
    }

    private void untrack(Tracked job) {
        tracked.remove(job.jobId, job);
        job.promptIds.forEach(id -> byPrompt.remove(id, job));
    }

    private void release(String jobId) {
        try {
            store.renewLeases(owner, List.of(jobId), Instant.EPOCH);
        } catch (RuntimeException e) {
            LOG.debug("Releasing job {} failed (it is claimable when its lease ends): {}", jobId, e.toString());
        }
    }

    // ---- delivery through a jobs consumer ----------------------------------------------------------------------

    /** Claims finished jobs nobody received yet, for a jobs consumer; each until its lease ends. */
    public List<JobRecord> claimUndelivered(int max) {
        return store.claimUndelivered(owner, Instant.now(), lease, max);
    }

    /** Marks a job delivered (its consumer's route completed); false when it was delivered already. */
    public boolean markDelivered(JobRecord record) {
        return deliver(record);
    }

    /** The result of a finished job, as stored. */
    public ExecuteResult decode(JobRecord record) {
        if (record.result() != null) {
            return ResultJson.read(record.result(), readers.apply(record.server()));
        }
        ExecutionError error = record.error() != null ? readError(record.error())
                : ExecutionError.of(ErrorKind.SERVER, "Job " + record.jobId() + " is " + record.state()
                + " without a stored result.");
        return ExecuteResult.failure(record.promptId(), null, error);
    }

    private static ExecutionError readError(String json) {
        try {
            return ResultJson.readError(Json.mapper().readTree(json));
        } catch (Exception e) {
            return ExecutionError.of(ErrorKind.SERVER, "The stored error cannot be read: " + json);
        }
    }

    private boolean deliver(JobRecord record) {
        JobRecord current = record;
        for (int i = 0; i < 3 && current != null && !current.isDelivered(); i++) {
            try {
                if (store.update(current.withDeliveredAt(Instant.now())).isPresent()) {
                    return true;
                }
                current = store.find(current.jobId()).orElse(null);
            } catch (RuntimeException e) {
                LOG.warn("Job {} could not be marked delivered: {}", record.jobId(), Failures.describe(e));
                return false;
            }
        }
        return false;
    }

    // ---- store writes -------------------------------------------------------------------------------------------

    /** Writes a change of a tracked job (compare-and-set; read again and redo when someone else wrote it). */
    private void change(Tracked job, UnaryOperator<JobRecord> edit) {
        change(job, edit, false);
    }

    /**
     * @param edit     the change of the record as last read; null when, as read, there is nothing to write
     * @param progress whether the change is a progress state, whose loss in a database crash is harmless
     *                 ({@link JobStore#updateProgress}: not flushed to disk)
     */
    private void change(Tracked job, UnaryOperator<JobRecord> edit, boolean progress) {
        for (int i = 0; i < 3; i++) {
            JobRecord next = edit.apply(job.record);
            if (next == null) {
                return;
            }
            Optional<JobRecord> written = progress ? store.updateProgress(next) : store.update(next);
            if (written.isPresent()) {
                job.record = written.get();
                return;
            }
            JobRecord now = store.find(job.jobId).orElseThrow(() -> new JobStoreException("job " + job.jobId
                    + " was deleted from the store while it ran"));
            if (!owner.equals(now.owner())) {
                job.lost = true;
                throw new JobStoreException("job " + job.jobId + " was claimed by " + now.owner());
            }
            job.record = now;
        }
        throw new JobStoreException("job " + job.jobId + " keeps changing under this instance");
    }

    private static ExecuteResult storeFailure(String jobId, Throwable error) {
        return ExecuteResult.failure(null, null, ExecutionError.of(ErrorKind.SERVER, "Job " + jobId + " could not be"
                + " read from the job store, so it was not run: " + Failures.describe(error)
                + ". Check the job store (its database) and retry."));
    }

    private static void complete(CompletableFuture<ExecuteResult> target, ExecuteResult result, Throwable error) {
        if (error != null) {
            Throwable cause = Failures.unwrap(error);
            target.completeExceptionally(cause instanceof CompletionException ? cause.getCause() : cause);
        } else {
            target.complete(result);
        }
    }

    private static String newJobId() {
        return UUID.randomUUID().toString();
    }

    /**
     * Stops: the periodic tasks end and the leases of the jobs still running are released at once, so that another
     * instance (or this application after a restart) claims them without waiting for the leases to end. Nothing is
     * cancelled; callers still waiting get a {@code CANCELLED} result. The store is not closed (its creator does).
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        tasks.forEach(task -> task.cancel(false));
        List<String> open = new ArrayList<>();
        tracked.forEach((id, job) -> {
            if (job.record != null && !job.lost) {
                open.add(id);
            }
        });
        try {
            CompletableFuture.runAsync(() -> {
                if (!open.isEmpty()) {
                    store.renewLeases(owner, open, Instant.EPOCH);
                    LOG.info("Released {} unfinished jobs for another instance to finish", open.size());
                }
            }, io).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Releasing the leases of {} jobs failed ({}); they are claimable when their leases end",
                    open.size(), Failures.describe(e));
        }
        ExecutionError closed = ExecutionError.of(ErrorKind.CANCELLED, "The ComfyKit client was closed while waiting"
                + " for the job; it stays recorded and another instance (or a restart) finishes it.");
        waiting.values().forEach(list -> list.forEach(w -> w.complete(ExecuteResult.failure(null, null, closed))));
        waiting.clear();
    }

    /** Ends the store threads, after the backend closed (its last results are settled without writes). */
    public void shutdown() {
        io.shutdown();
        try {
            io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A job this instance tracks; its record is written under its lock. */
    private static final class Tracked {
        final String jobId;
        final String workflow;
        final Map<String, String> correlation;
        final CompletableFuture<ExecuteResult> result = new CompletableFuture<>();
        final CompletableFuture<String> accepted = new CompletableFuture<>();
        volatile boolean waited;
        volatile JobRecord record;
        volatile CompletableFuture<ExecuteResult> run;
        volatile boolean duplicate;
        volatile boolean lost;
        /** The furthest progress the engine reported for the current prompt (QUEUED, RUNNING), or null. */
        volatile JobState progress;
        final Object progressLock = new Object();
        volatile String acceptedPromptId;
        final Set<String> promptIds = ConcurrentHashMap.newKeySet();

        Tracked(String jobId, String workflow, Map<String, String> correlation, boolean waited) {
            this.jobId = jobId;
            this.workflow = workflow;
            this.correlation = correlation == null ? Map.of() : correlation;
            this.waited = waited;
        }
    }
}
