package dev.comfykit.client.internal.execution;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ComfyKitException;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.OutputFile;
import dev.comfykit.client.SubmissionException;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.comfyui.SubmitResponse;
import dev.comfykit.client.internal.comfyui.ValidationErrors;
import dev.comfykit.client.internal.events.ServerEvents;
import dev.comfykit.client.internal.http.UnexpectedResponseException;
import dev.comfykit.client.internal.pool.ServerHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs prompts on one local ComfyUI server and waits for them without holding a thread per prompt.
 * <p>
 * Every execution registers its client-chosen prompt id before submitting, so a completion that is signalled before
 * the submit answer arrives is not lost. Completion is then found by whichever comes first: the
 * {@link CompletionTracker} (the WebSocket executor's events) or a {@link Reconciler} round of the
 * {@link ReconcileLoop} (the HTTP executor's polling, and the WebSocket executor's safety net). The result is the
 * prompt's history entry: read from {@code /history/{id}}, or, when the WebSocket delivered all of the prompt's
 * events, assembled from them ({@link EventHistory}), which saves a round trip. The overall timeout ends the
 * execution with a failed result and cancels the prompt on the server; a prompt the server forgot is reported lost.
 */
public final class ExecutionEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEngine.class);

    private final ComfyUiApi api;
    private final String clientId;
    private final String apiKey;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final PromptRegistry registry = new PromptRegistry();
    private final Reconciler reconciler;
    private final ReconcileLoop loop;
    private final CompletionTracker tracker;
    private final HistoryResultMapper mapper;
    private final ServerCanceller canceller;
    private final ServerHealth health;
    private final Executor completions;
    private final PromptJournal journal;
    private final ServerEvents events;
    private volatile boolean closed;

    /**
     * @param tracking        how completion is learnt (polling, or events on one shared WebSocket)
     * @param lostGrace       how long a prompt may be unknown to the server before it is reported lost
     * @param safetyInterval  the reconciliation interval while the tracker needs no fast polling (a healthy socket)
     * @param completions     where a result built from WebSocket events is completed, so that the application's
     *                        callbacks never run on (and hold up) the socket's listener thread; it must accept every
     *                        task (see {@code IoLanes#lane})
     * @param health          told the outcome of the requests the engine makes; when it goes down, every prompt
     *                        waiting on the server fails at once ({@link #serverDown})
     */
    public ExecutionEngine(ComfyUiApi api, CompletionTracker.Factory tracking, String clientId, String apiKey,
                           ScheduledExecutorService scheduler, Duration lostGrace, Duration safetyInterval,
                           OutputFile.Reader reader, Executor completions, LongSupplier clock, ServerHealth health,
                           ServerEvents events) {
        this(api, tracking, clientId, apiKey, scheduler, lostGrace, safetyInterval, reader, completions, clock, health,
                PromptJournal.NONE, events);
    }

    /**
     * @param journal told what happens to the prompts of executions that carry a job id (a durable job store);
     *                {@link PromptJournal#NONE} without a store
     */
    public ExecutionEngine(ComfyUiApi api, CompletionTracker.Factory tracking, String clientId, String apiKey,
                           ScheduledExecutorService scheduler, Duration lostGrace, Duration safetyInterval,
                           OutputFile.Reader reader, Executor completions, LongSupplier clock, ServerHealth health,
                           PromptJournal journal, ServerEvents events) {
        this.journal = journal;
        this.api = api;
        this.clientId = clientId;
        this.apiKey = apiKey;
        this.scheduler = scheduler;
        this.clock = clock;
        this.health = health;
        this.completions = completions;
        this.events = events;
        this.reconciler = new Reconciler(api, lostGrace, clock, health::recordQueueDepth);
        this.mapper = new HistoryResultMapper(api, reader);
        this.canceller = new ServerCanceller(api);
        // the loop asks the tracker for its cadence only once prompts wait, after the tracker exists
        this.loop = new ReconcileLoop(reconciler, registry, scheduler, this::needsFastPolling,
                safetyInterval, clock, health, this::serverDown);
        this.tracker = tracking.start(new TrackingContext(api, clientId, scheduler, registry, reconciler, loop,
                completions, health, events));
        health.onDown(this::serverDown);
    }

    /**
     * Prepares, submits and awaits one prompt.
     *
     * @param startNanos when the execution started (by {@code clock}), before the workflow was loaded
     * @param timeout    the whole execution's time limit, counted from {@code startNanos}
     * @param prepare    binds params and uploads media; an {@link ComfyKitException} from it (invalid input) fails
     *                   the returned future, any other failure becomes a failed result
     */
    public CompletableFuture<ExecuteResult> execute(long startNanos, Duration timeout,
                                                    Supplier<CompletableFuture<PreparedPrompt>> prepare) {
        return execute(startNanos, timeout, prepare, null, id -> { });
    }

    /**
     * Like {@link #execute(long, Duration, Supplier)}, for a durable job (the journal records the prompt, its id, graph
     * and server, before it is submitted and learns when the server accepted it), telling {@code promptId} the
     * prompt's id before it is submitted (so that its events can be told apart from the first), and again if the
     * server chose another one.
     *
     * @param jobId the job the prompt belongs to, or {@code null} for none (the journal is not told)
     */
    public CompletableFuture<ExecuteResult> execute(long startNanos, Duration timeout,
                                                    Supplier<CompletableFuture<PreparedPrompt>> prepare,
                                                    String jobId, java.util.function.Consumer<String> promptId) {
        LocalExecution execution = new LocalExecution(startNanos, timeout.toNanos());
        if (closed) {
            execution.fail(null, clock.getAsLong(), closedError());
            return execution.result();
        }
        long remaining = Math.max(0, execution.deadlineNanos() - clock.getAsLong());
        execution.timer(scheduler.schedule(() -> timeOut(execution), remaining, TimeUnit.NANOSECONDS));
        execution.onCallerCancel(() -> abandon(execution, "cancelled by the caller"));
        CompletableFuture<PreparedPrompt> prepared;
        try {
            prepared = prepare.get();
        } catch (RuntimeException e) {
            prepared = CompletableFuture.failedFuture(e);
        }
        prepared.whenComplete((prompt, error) -> {
            if (error != null) {
                preparationFailed(execution, error);
            } else if (!execution.isDone()) {
                submit(execution, prompt, jobId, promptId);
            }
        });
        return execution.result();
    }

    /** Prepares and submits a prompt without waiting for it. */
    public CompletableFuture<SubmittedPrompt> submitOnly(Supplier<CompletableFuture<PreparedPrompt>> prepare) {
        return prepare.get().thenCompose(prompt -> {
            String promptId = UUID.randomUUID().toString();
            return api.submit(prompt.graph(), promptId, clientId, apiKey, prompt.priority())
                    .handle((response, error) -> {
                if (error != null) {
                    throw new CompletionException(new SubmissionException(Failures.toError(error,
                            api.transport().baseUrl(), "submitting the prompt")));
                }
                if (!response.isAccepted()) {
                    throw new CompletionException(new SubmissionException(response.rejection()));
                }
                LOG.debug("[{}] submitted (not awaited)", response.promptId());
                events.submitted(response.promptId());
                return new SubmittedPrompt(response.promptId(), clientId);
            });
        });
    }

    /**
     * Waits for a prompt that was submitted earlier (by this or another client) and returns its result. The
     * timeout only ends the wait: the prompt is not cancelled.
     */
    public CompletableFuture<ExecuteResult> await(String promptId, Duration timeout) {
        LocalExecution execution = new LocalExecution(clock.getAsLong(), timeout.toNanos());
        if (closed) {
            execution.fail(promptId, clock.getAsLong(), closedError());
            return execution.result();
        }
        PendingPrompt pending = registry.get(promptId);
        if (pending == null) {
            try {
                pending = registry.register(promptId, clock.getAsLong(), false);
                pending.acknowledge();
            } catch (IllegalStateException raced) {
                pending = registry.get(promptId);
            }
        }
        PendingPrompt awaited = pending;
        if (journal != PromptJournal.NONE && awaited.onStartHook() == null) {
            // a job claimed from another instance is awaited by its prompt id: its start is recorded too
            awaited.onStart(() -> journal.running(promptId));
        }
        execution.attach(awaited);
        execution.timer(scheduler.schedule(() -> execution.fail(promptId, clock.getAsLong(),
                ExecutionError.of(ErrorKind.TIMEOUT, "Stopped waiting for prompt " + promptId + " after "
                        + seconds(timeout.toNanos()) + "; it was not cancelled and may still finish on the server.")),
                timeout.toNanos(), TimeUnit.NANOSECONDS));
        awaited.outcome().thenAccept(outcome -> finish(execution, promptId, outcome, null));
        loop.kick();
        return execution.result();
    }

    /** Cancels a prompt on the server: removed from the queue if pending, interrupted if running. */
    public CompletableFuture<CancelOutcome> cancel(String promptId) {
        return canceller.cancel(promptId);
    }

    private void submit(LocalExecution execution, PreparedPrompt prepared, String jobId,
                        java.util.function.Consumer<String> ids) {
        String promptId = UUID.randomUUID().toString();
        PendingPrompt pending = registry.register(promptId, clock.getAsLong(), tracker.deliversEvents());
        pending.submittedHere();
        if (!execution.attach(pending)) {
            registry.remove(pending);
            return;
        }
        ids.accept(promptId);
        if (jobId != null) {
            pending.onStart(() -> journal.running(pending.promptId()));
        }
        // a job's record holds the prompt before the server does, so a crash in between is found by its prompt id
        CompletableFuture<Void> recorded = jobId == null ? CompletableFuture.completedFuture(null)
                : journal.submitting(jobId, promptId, prepared.graph(), api.transport().baseUrl());
        recorded.exceptionally(storeError -> {
            registry.remove(pending);
            execution.fail(null, clock.getAsLong(), ExecutionError.of(ErrorKind.SERVER, "Job " + jobId
                    + " could not be recorded in the job store before submitting it, so it was not submitted: "
                    + Failures.describe(storeError) + ". Check the job store (its database) and retry."));
            return null;
        });
        recorded.thenCompose(v -> tracker.beforeSubmit()).thenCompose(v -> api.submit(prepared.graph(), promptId,
                        clientId, apiKey, prepared.priority()))
                .whenComplete((response, error) -> {
                    if (recorded.isCompletedExceptionally()) {
                        return;
                    }
                    if (error != null) {
                        submitFailed(execution, pending, error);
                    } else if (!response.isAccepted()) {
                        registry.remove(pending);
                        LOG.debug("[{}] rejected: {}", promptId, response.rejection().getMessage());
                        execution.fail(null, clock.getAsLong(), response.rejection());
                    } else {
                        if (jobId != null) {
                            // first: the journal then knows a server-chosen id before any event of it is read
                            journal.accepted(jobId, response.promptId());
                        }
                        accepted(execution, pending, response, ids);
                    }
                });
        pending.outcome().thenAccept(outcome -> finish(execution, execution.prompt().promptId(), outcome, prepared));
    }

    private void accepted(LocalExecution execution, PendingPrompt pending, SubmitResponse response,
                          java.util.function.Consumer<String> ids) {
        PendingPrompt current = pending;
        if (!response.promptId().equals(pending.promptId())) {
            // servers before v0.3.44 ignore the client's prompt id and choose their own
            ids.accept(response.promptId());
            current = rekey(pending, response.promptId());
            execution.reattach(current);
        }
        if (!response.droppedOutputErrors().isEmpty()) {
            LOG.warn("[{}] accepted without some outputs, which failed validation: {}", current.promptId(),
                    ValidationErrors.summary(response.droppedOutputErrors()));
        }
        LOG.debug("[{}] submitted", current.promptId());
        // no health.recordSuccess() here: a server that takes prompts but fails the requests that follow them
        // (/queue, /history) must still go down from those failures, not be called well by each new submission
        events.submitted(current.promptId());
        current.acknowledge();
        loop.kick();
    }

    private PendingPrompt rekey(PendingPrompt original, String serverId) {
        PendingPrompt replacement = registry.register(serverId, original.registeredNanos(), original.eventsExpected());
        if (original.isSubmittedHere()) {
            replacement.submittedHere();
        }
        if (original.onStartHook() != null) {
            replacement.onStart(() -> journal.running(serverId));
        }
        replacement.outcome().whenComplete((o, e) -> original.outcome().complete(o));
        registry.remove(original);
        return replacement;
    }

    private void submitFailed(LocalExecution execution, PendingPrompt pending, Throwable error) {
        Throwable cause = Failures.unwrap(error);
        health.recordFailure(cause);
        if (Failures.neverConnected(cause) || cause instanceof UnexpectedResponseException) {
            // the request never reached the server, or the server answered that it did not queue it
            registry.remove(pending);
            execution.fail(null, clock.getAsLong(), Failures.toError(error, api.transport().baseUrl(),
                    "submitting the prompt"));
            return;
        }
        // the server may have accepted the prompt before the answer was lost: it is found in the queue or the
        // history, or reported lost after the grace period; never sent twice
        LOG.warn("[{}] the answer to the submission was lost ({}); waiting for the prompt anyway",
                pending.promptId(), Failures.describe(error));
        events.submitted(pending.promptId());
        pending.acknowledge();
        loop.kick();
    }

    private void finish(LocalExecution execution, String promptId, PromptOutcome outcome, PreparedPrompt prepared) {
        long now = clock.getAsLong();
        if (execution.isDone()) {
            return;
        }
        if (outcome.error() != null) {
            execution.fail(promptId, now, outcome.error());
            return;
        }
        ExecuteResult result;
        try {
            result = mapper.map(promptId, outcome.historyEntry(), prepared == null ? null : prepared.schema(),
                    execution.elapsedSeconds(now));
        } catch (RuntimeException e) {
            result = ExecuteResult.failure(promptId, execution.elapsedSeconds(now), ExecutionError.of(ErrorKind.SERVER,
                    "The history entry of prompt " + promptId + " could not be read: " + e));
        }
        LOG.debug("[{}] {} in {} ms", promptId, result.getStatus(), (now - execution.startNanos()) / 1_000_000);
        execution.result().complete(result);
    }

    private void preparationFailed(LocalExecution execution, Throwable error) {
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof ComfyKitException) {
            execution.result().completeExceptionally(cause);
        } else {
            execution.fail(null, clock.getAsLong(), Failures.toError(cause, api.transport().baseUrl(),
                    "preparing the workflow (uploading media)"));
        }
    }

    private void timeOut(LocalExecution execution) {
        if (execution.isDone()) {
            return;
        }
        PendingPrompt pending = execution.prompt();
        String limit = seconds(execution.timeoutNanos());
        String unreachable = loop.lastFailure() == null ? "" : " The server has been failing for "
                + seconds(clock.getAsLong() - loop.failingSinceNanos()) + " (" + loop.lastFailure() + ").";
        if (pending == null) {
            execution.fail(null, clock.getAsLong(), ExecutionError.of(ErrorKind.TIMEOUT, "Timed out after " + limit
                    + " before the prompt could be submitted (loading the workflow or uploading media)."
                    + unreachable));
            return;
        }
        String promptId = pending.promptId();
        registry.remove(pending);
        LOG.info("[{}] timed out after {}; cancelling it on the server", promptId, limit);
        execution.failAfterCancelling(promptId, canceller.cancel(promptId), (outcome, error) -> {
            if (error != null) {
                return "cancelling it on the server failed (" + Failures.describe(error) + ")";
            } else if (outcome == CancelOutcome.INTERRUPTED) {
                return "it was interrupted on the server";
            } else if (outcome == CancelOutcome.REMOVED_FROM_QUEUE) {
                return "it was removed from the server's queue";
            }
            return "the server was not running or queueing it any more";
        }, what -> ExecutionError.of(ErrorKind.TIMEOUT, "Timed out after " + limit + " waiting for prompt " + promptId
                + "; " + what + "." + unreachable), scheduler, clock);
    }

    private void abandon(LocalExecution execution, String why) {
        PendingPrompt pending = execution.prompt();
        if (pending == null || pending.isDone()) {
            return;
        }
        registry.remove(pending);
        LOG.info("[{}] {}; cancelling it on the server", pending.promptId(), why);
        canceller.cancel(pending.promptId()).exceptionally(e -> {
            LOG.warn("[{}] cancelling on the server failed: {}", pending.promptId(), Failures.describe(e));
            return null;
        });
    }

    private boolean needsFastPolling() {
        return tracker.needsFastPolling();
    }

    private static String seconds(long nanos) {
        double s = nanos / 1e9;
        return s == Math.rint(s) ? (long) s + "s" : String.format(java.util.Locale.ROOT, "%.1fs", s);
    }

    private static ExecutionError closedError() {
        return ExecutionError.of(ErrorKind.CANCELLED, "The ComfyKit client was closed.");
    }

    /**
     * The server went down (its socket closed and probes failed, or requests were refused again and again): every
     * prompt waiting on it fails now with a {@link ErrorKind#CONNECTION} error instead of at its time limit. The
     * prompts are not cancelled (the server cannot be asked); they may or may not have run, which the message says,
     * so that a pool can send them elsewhere.
     */
    private void serverDown() {
        String url = api.transport().baseUrl();
        String seen = health.lastError() == null ? "requests failed" : health.lastError();
        for (PendingPrompt pending : registry.all()) {
            registry.remove(pending);
            String what = pending.acknowledged() ? "it was submitted and may or may not have run there"
                    : "its submission may or may not have reached the server";
            ExecutionError error = ExecutionError.of(ErrorKind.CONNECTION, "ComfyUI at " + url + " went down while"
                    + " waiting for prompt " + pending.promptId() + " (" + seen + ", repeatedly); " + what + ".");
            LOG.warn("[{}] failed: ComfyUI at {} is down", pending.promptId(), url);
            // off the thread that noticed (a probe's or a poll's): the application's callbacks run on the lane
            completions.execute(() -> pending.outcome().complete(PromptOutcome.failed(error)));
        }
    }

    /**
     * Removes from the server's queue the prompts this engine submitted and still waits for, and interrupts those
     * that run (by prompt id), so that closing the client leaves nothing of its own running. Prompts only awaited (by
     * id, maybe submitted by another client) are left alone. Waits at most {@code wait} for the server.
     */
    public void cancelSubmitted(Duration wait) {
        closed = true;
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (PendingPrompt pending : registry.all()) {
            if (pending.isSubmittedHere() && !pending.isDone()) {
                ids.add(pending.promptId());
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        // their executions end first, as cancelled by the close: the interruption itself must not race in as a
        // different outcome (INTERRUPTED) through a poll or an event
        for (PendingPrompt pending : registry.all()) {
            if (ids.contains(pending.promptId())) {
                pending.outcome().complete(PromptOutcome.failed(ExecutionError.of(ErrorKind.CANCELLED,
                        "The ComfyKit client was closed while waiting for prompt " + pending.promptId()
                                + "; it is removed from the server's queue or interrupted there (cancelOnClose).")));
            }
        }
        int[] counts = new int[2];
        // two rounds: a prompt removed-or-not in the first may have started meanwhile, and is interrupted in the second
        CompletableFuture<Void> done = cancelRound(ids, counts).thenCompose(v -> cancelRound(ids, counts));
        try {
            done.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            LOG.info("Closing: removed {} pending and interrupted {} running prompts of this client on {}", counts[0],
                    counts[1], api.transport().baseUrl());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Closing: could not cancel the {} prompts of this client on {} ({}); they may still run there",
                    ids.size(), api.transport().baseUrl(), Failures.describe(e));
        }
    }

    private CompletableFuture<Void> cancelRound(java.util.Set<String> ids, int[] counts) {
        return api.queue().thenCompose(queue -> {
            java.util.List<String> pending = ids.stream().filter(queue.pending()::contains).toList();
            java.util.List<String> running = ids.stream().filter(queue.running()::contains).toList();
            synchronized (counts) {
                counts[0] += pending.size();
                counts[1] += running.size();
            }
            CompletableFuture<Void> removed = pending.isEmpty() ? CompletableFuture.completedFuture(null)
                    : api.deleteFromQueue(pending);
            return removed.thenCompose(v -> CompletableFuture.allOf(running.stream().map(api::interrupt)
                    .toArray(CompletableFuture[]::new)));
        });
    }

    /** Stops waiting: every execution in flight ends with a failed (cancelled) result; prompts keep running. */
    @Override
    public void close() {
        closed = true;
        loop.close();
        tracker.close();
        for (PendingPrompt pending : registry.all()) {
            pending.outcome().complete(PromptOutcome.failed(ExecutionError.of(ErrorKind.CANCELLED,
                    "The ComfyKit client was closed while waiting for prompt " + pending.promptId()
                            + "; it may still finish on the server (see ComfyKit.await).")));
        }
    }
}
