package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ComfyKitException;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.ParamSource;
import dev.comfykit.client.SubmissionException;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.comfyui.ValidationErrors;
import dev.comfykit.client.internal.dsl.BoundWorkflow;
import dev.comfykit.client.internal.dsl.ParamBinder;
import dev.comfykit.client.internal.dsl.SeedRandomizer;
import dev.comfykit.client.internal.dsl.WorkflowSchemaParser;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.http.HttpSender;
import dev.comfykit.client.internal.http.UrlFetcher;
import dev.comfykit.client.internal.json.Json;
import dev.comfykit.client.internal.media.MediaUploader;
import dev.comfykit.client.internal.workflow.Workflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs workflows and AI apps on RunningHub (runninghub-api.md §10): fetch the workflow's API JSON and read its title
 * DSL, upload media, take a local concurrency permit, create the task (waiting out "queue full"), poll it until it
 * ends (with a reason when it fails), cancel it when the timeout expires so it stops billing, and collect the outputs
 * by node and output variable. Waiting holds no thread. What differs between API v1 and v2 is behind
 * {@link RunningHubProtocol}, chosen once from {@code runninghubApiVersion}.
 */
public final class RunningHubEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunningHubEngine.class);

    private final RunningHubSettings settings;
    private final RunningHubRequests requests;
    private final RunningHubProtocol protocol;
    private final RunningHubResults results;
    private final MediaUploader uploader;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final AsyncPermits permits;
    private final Set<CloudTask> open = ConcurrentHashMap.newKeySet();
    private final Map<CloudTask, PollLoop> polling = new ConcurrentHashMap<>();
    /** Task ids whose webhook came before their execution started polling. */
    private final Set<String> endedBeforePolling = ConcurrentHashMap.newKeySet();
    private volatile RunningHubWebhooks webhooks;
    private volatile boolean closed;

    /**
     * @param sender sends with a client that follows no redirects (the key travels in every request)
     */
    public RunningHubEngine(HttpSender sender, UrlFetcher fetcher, Executor io, ScheduledExecutorService scheduler,
                            RunningHubSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock;
        RunningHubApi api = new RunningHubApi(sender, settings.site, settings.apiKey, settings.requestTimeout,
                settings.webhookCallbackUrl);
        this.requests = new RunningHubRequests(api, settings, scheduler, clock);
        this.protocol = RunningHubProtocol.of(settings, api, new RunningHubV2Api(sender, settings.site,
                settings.apiKey, settings.requestTimeout), requests);
        this.results = new RunningHubResults(fetcher);
        this.uploader = new MediaUploader(this::upload, fetcher, io, settings.maxUploadBytes);
        this.permits = new AsyncPermits(settings.maxConcurrency);
    }

    /**
     * What a durable job store is told about the task of a job (see {@code internal.jobs.DurableJobs}): the task costs
     * money, so it is recorded before it is created (a crash during the creation is then detectable) and its id as
     * soon as RunningHub answers (another instance then awaits it instead of creating another).
     */
    public interface TaskJournal {

        /** Records nothing: an execution that is not a durable job. */
        TaskJournal NONE = new TaskJournal() {
            @Override
            public CompletableFuture<Void> creating(String site) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void created(String taskId) {
            }
        };

        /** The task is about to be created on the site; it is created only once the returned future completes. */
        CompletableFuture<Void> creating(String site);

        /** RunningHub created the task: must return at once (the id is recorded on another thread). */
        void created(String taskId);
    }

    /** A workflow or app ready to run: its node overrides and, for workflows, the workflow and its schema. */
    private record Prepared(ArrayNode nodeInfoList, Workflow workflow, WorkflowSchema schema) {
    }

    /**
     * Runs a RunningHub workflow or AI app and waits for its result.
     *
     * @param target     a {@link WorkflowSource} of kind RUNNINGHUB_WORKFLOW or RUNNINGHUB_APP
     * @param startNanos when the execution started, by {@code clock}
     */
    public CompletableFuture<ExecuteResult> execute(WorkflowSource target, ParamSource params, long startNanos) {
        return execute(target, params, startNanos, TaskJournal.NONE);
    }

    /** {@link #execute(WorkflowSource, ParamSource, long)} for a durable job, whose task the journal records. */
    public CompletableFuture<ExecuteResult> execute(WorkflowSource target, ParamSource params, long startNanos,
                                                    TaskJournal journal) {
        CloudTask task = new CloudTask(startNanos, settings.timeout.toNanos());
        if (closed) {
            task.fail(clock.getAsLong(), ExecutionError.of(ErrorKind.CANCELLED, "The ComfyKit client was closed."));
            return task.result();
        }
        open.add(task);
        task.result().whenComplete((r, e) -> open.remove(task));
        task.onCallerCancel(() -> {
            // the task would keep running and billing; one still being created is cancelled once it exists
            if (task.taskId() != null) {
                cancelQuietly(task.taskId(), "the caller cancelled the execution");
            }
        });
        long remaining = Math.max(0, task.deadlineNanos() - clock.getAsLong());
        task.timer(scheduler.schedule(() -> timeOut(task), remaining, TimeUnit.NANOSECONDS));
        Failures.guard(() -> prepare(target, params))
                .thenCompose(prepared -> runWithPermit(task, target, prepared, journal))
                .whenComplete((result, error) -> finish(task, result, error));
        return task.result();
    }

    /** Prepares and creates a task without waiting for it (the local concurrency limit does not apply). */
    public CompletableFuture<SubmittedPrompt> submit(WorkflowSource target, ParamSource params) {
        long deadline = clock.getAsLong() + settings.timeout.toNanos();
        return Failures.guard(() -> prepare(target, params)).thenCompose(prepared -> create(target, prepared, deadline))
                .handle((taskId, error) -> {
                    if (error != null) {
                        Throwable cause = Failures.unwrap(error);
                        if (cause instanceof RunningHubFailure failure) {
                            throw new CompletionException(new SubmissionException(failure.error()));
                        }
                        throw new CompletionException(cause);
                    }
                    RunningHubWebhooks receiver = webhooks;
                    if (receiver != null) {
                        receiver.created(taskId, false);
                    }
                    return new SubmittedPrompt(taskId, null);
                });
    }

    /** Waits for a task created earlier; the timeout ends the wait, not the task. */
    public CompletableFuture<ExecuteResult> await(String taskId, Duration timeout) {
        CloudTask task = new CloudTask(clock.getAsLong(), timeout.toNanos());
        task.taskId(taskId);
        task.timer(scheduler.schedule(() -> task.fail(clock.getAsLong(), ExecutionError.of(ErrorKind.TIMEOUT,
                "Stopped waiting for RunningHub task " + taskId + " after " + timeout.toSeconds()
                        + "s; it was not cancelled and may still finish.")), timeout.toNanos(), TimeUnit.NANOSECONDS));
        open.add(task);
        task.result().whenComplete((r, e) -> open.remove(task));
        poll(task).thenCompose(items -> results.map(taskId, items, null, null,
                        task.elapsedSeconds(clock.getAsLong())))
                .whenComplete((result, error) -> finish(task, result, error));
        return task.result();
    }

    /**
     * Cancels a task: RunningHub stops running (and billing) it. The status is read first to tell a queued task
     * from a running one; when it cannot be read, the task is cancelled all the same (and reported interrupted).
     */
    public CompletableFuture<CancelOutcome> cancel(String taskId) {
        return protocol.isQueued(taskId).handle((queued, error) -> queued != null && queued)
                .thenCompose(queued -> requests.read("cancelling task " + taskId, () -> protocol.cancel(taskId))
                        .thenApply(answer -> {
                            if (answer.isOk()) {
                                return queued ? CancelOutcome.REMOVED_FROM_QUEUE : CancelOutcome.INTERRUPTED;
                            }
                            if (RunningHubCodes.TASK_NOT_FOUND.equals(answer.code())
                                    || RunningHubCodes.CANCEL_NOT_ALLOWED.equals(answer.code())) {
                                return CancelOutcome.NOT_FOUND;
                            }
                            throw requests.failure("cancelling task " + taskId, answer);
                        }));
    }

    /** The params and outputs a RunningHub workflow declares in its titles. */
    public CompletableFuture<WorkflowSchema> describe(String workflowId) {
        return Failures.guard(() -> loadWorkflow(workflowId)).thenApply(WorkflowSchemaParser::parse);
    }

    /**
     * The account behind the key ({@code remainCoins}, {@code currentTaskCounts}, {@code apiType}): verifies the key.
     */
    public CompletableFuture<Map<String, Object>> accountStatus() {
        return Failures.guard(() -> requests.read("reading the account status", () -> requests.api().accountStatus())
                .thenApply(envelope -> {
                    if (!envelope.isOk()) {
                        throw requests.failure("the account status", envelope);
                    }
                    return envelope.data().isObject() ? Json.toMap(envelope.data()) : Map.<String, Object>of();
                }));
    }

    private CompletableFuture<Prepared> prepare(WorkflowSource target, ParamSource params) {
        requireKey();
        if (target.kind() == WorkflowSource.Kind.RUNNINGHUB_APP) {
            return prepareApp(target.location(), params.params(WorkflowSchema.empty(target.describe())));
        }
        return loadWorkflow(target.location()).thenCompose(workflow -> {
            WorkflowSchema schema = WorkflowSchemaParser.parse(workflow);
            BoundWorkflow bound = ParamBinder.bind(workflow, schema, params.params(schema), MediaUploader::needsUpload);
            return uploader.uploadAll(bound).thenApply(ready -> {
                SeedRandomizer.randomize(ready.graph(), () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
                return new Prepared(NodeInfoLists.changes(workflow, ready.graph()), workflow, schema);
            });
        });
    }

    private CompletableFuture<Prepared> prepareApp(String webappId, Map<String, ?> params) {
        Map<String, Object> resolved = new LinkedHashMap<>(params);
        List<CompletableFuture<Void>> uploads = new ArrayList<>();
        for (Map.Entry<String, ?> param : params.entrySet()) {
            if (!param.getKey().equals("nodeInfoList") && param.getValue() != null
                    && NodeInfoLists.isMediaValue(param.getValue())) {
                uploads.add(uploader.upload(param.getKey(), param.getValue())
                        .thenAccept(name -> resolved.put(param.getKey(), name)));
            }
        }
        return CompletableFuture.allOf(uploads.toArray(new CompletableFuture[0])).thenApply(v ->
                new Prepared(NodeInfoLists.forApp(webappId, resolved), null, null));
    }

    private CompletableFuture<Workflow> loadWorkflow(String workflowId) {
        requireKey();
        return requests.read("fetching workflow " + workflowId, () -> requests.api().workflowJson(workflowId))
                .thenApply(envelope -> {
                    if (!envelope.isOk()) {
                        throw requests.failure("workflow " + workflowId, envelope);
                    }
                    JsonNode prompt = envelope.data().path("prompt");
                    if (!prompt.isTextual()) {
                        throw new InvalidWorkflowException("RunningHub returned no API JSON for workflow " + workflowId
                                + " (data.prompt is missing).");
                    }
                    return Workflow.parse(prompt.asText(), "RunningHub workflow " + workflowId);
                });
    }

    private CompletableFuture<ExecuteResult> runWithPermit(CloudTask task, WorkflowSource target, Prepared prepared,
                                                           TaskJournal journal) {
        CompletableFuture<Void> permit = permits.acquire();
        task.result().whenComplete((r, e) -> permit.cancel(false));
        return permit.thenCompose(v -> {
            if (task.isDone()) {
                permits.release();
                return CompletableFuture.<ExecuteResult>completedFuture(null);
            }
            return recorded(journal).thenCompose(none -> create(target, prepared, task.deadlineNanos()))
                    .thenCompose(taskId -> {
                        task.taskId(taskId);
                        journal.created(taskId);
                        RunningHubWebhooks receiver = webhooks;
                        if (receiver != null) {
                            receiver.created(taskId, true);
                        }
                        if (task.isDone()) {
                            // the execution ended (timeout, cancel, close) while the task was being created: nobody
                            // waits for it any more
                            cancelQuietly(taskId, "it was created after the execution had ended");
                            return CompletableFuture.<JsonNode>completedFuture(null);
                        }
                        return poll(task);
                    })
                    .thenCompose(items -> items == null ? CompletableFuture.<ExecuteResult>completedFuture(null)
                            : results.map(task.taskId(), items, prepared.workflow(), prepared.schema(),
                            task.elapsedSeconds(clock.getAsLong())))
                    .whenComplete((r, e) -> permits.release());
        });
    }

    /** The job's record before its task is created; when it cannot be written, no task is created. */
    private CompletableFuture<Void> recorded(TaskJournal journal) {
        return journal.creating(settings.site.toString()).exceptionally(error -> {
            throw new RunningHubFailure(ExecutionError.of(ErrorKind.SERVER, "The job could not be recorded in the job"
                    + " store before creating its RunningHub task, so no task was created: "
                    + Failures.describe(error) + ". Check the job store (its database) and retry."));
        });
    }

    private CompletableFuture<String> create(WorkflowSource target, Prepared prepared, long deadlineNanos) {
        boolean app = target.kind() == WorkflowSource.Kind.RUNNINGHUB_APP;
        return requests.create(() -> app ? protocol.runApp(target.location(), prepared.nodeInfoList())
                : protocol.runWorkflow(target.location(), prepared.nodeInfoList()), deadlineNanos)
                .thenApply(envelope -> {
                    String taskId = envelope.data().path("taskId").asText("");
                    if (taskId.isEmpty()) {
                        throw new RunningHubFailure(ExecutionError.of(ErrorKind.SERVER,
                                "RunningHub accepted the task but returned no task id: " + envelope.data()));
                    }
                    checkPromptTips(taskId, envelope.data().path("promptTips"));
                    LOG.debug("[{}] created on {} with API {} ({} node overrides)", taskId, requests.api().site(),
                            protocol.version(), prepared.nodeInfoList().size());
                    return taskId;
                });
    }

    /**
     * {@code promptTips} is ComfyUI's /prompt answer, as a JSON string: a rejected graph cannot run; node errors of an
     * accepted one mean that some outputs were dropped while the rest runs, as with a local ComfyUI.
     */
    private static void checkPromptTips(String taskId, JsonNode promptTips) {
        PromptTips tips = PromptTips.parse(promptTips);
        if (tips.rejected()) {
            throw new RunningHubFailure(tips.rejection("RunningHub's ComfyUI rejected the"
                    + " workflow of task " + taskId, null));
        }
        if (!tips.nodeErrors().isEmpty()) {
            LOG.warn("[{}] accepted without some outputs, which failed validation: {}", taskId,
                    ValidationErrors.summary(tips.nodeErrors()));
        }
    }

    /**
     * The webhook hook: a webhook says the task ended, so the executions waiting for it poll now instead of at their
     * next (slow, fallback) poll.
     *
     * @return whether an execution of this client waits for the task
     */
    boolean taskEnded(String taskId) {
        boolean waiting = false;
        for (Map.Entry<CloudTask, PollLoop> entry : polling.entrySet()) {
            if (taskId.equals(entry.getKey().taskId())) {
                entry.getValue().now();
                waiting = true;
            }
        }
        return waiting;
    }

    /**
     * A webhook for a task whose execution has not started polling yet (the call overtook the create's answer): its
     * first poll comes at once.
     */
    void taskEndedBeforePolling(String taskId) {
        endedBeforePolling.add(taskId);
        if (taskEnded(taskId)) {
            endedBeforePolling.remove(taskId);
        }
    }

    /** Confirms the end of a task nobody waits for: {@link #await} that polls at once. */
    CompletableFuture<ExecuteResult> confirm(String taskId, Duration timeout) {
        CompletableFuture<ExecuteResult> result = await(taskId, timeout);
        taskEnded(taskId);
        return result;
    }

    /** Tells the webhook receiver of created and ended tasks. */
    void watch(RunningHubWebhooks receiver) {
        this.webhooks = receiver;
    }

    /** Polls {@code outputs} until the task ends; completes with the output items. */
    private CompletableFuture<JsonNode> poll(CloudTask task) {
        CompletableFuture<JsonNode> items = new CompletableFuture<>();
        RunningHubWebhooks watcher = webhooks;
        // only a task this client created with the webhook URL will be announced: others are polled as usual
        Duration interval = watcher != null && watcher.expects(task.taskId()) ? settings.waitingPollInterval()
                : settings.pollInterval;
        PollLoop loop = new PollLoop(scheduler, interval, settings.pollInterval, () -> pollOnce(task, items));
        polling.put(task, loop);
        // the execution ended otherwise (timeout, cancel, close): stop polling and release the permit at once
        task.result().whenComplete((r, e) -> items.cancel(false));
        items.whenComplete((done, error) -> {
            loop.stop();
            polling.remove(task);
            RunningHubWebhooks receiver = webhooks;
            if (receiver != null && RunningHubWebhooks.isEnd(error)) {
                receiver.ended(task.taskId());
            }
        });
        loop.schedule();
        if (task.taskId() != null && endedBeforePolling.remove(task.taskId())) {
            loop.now();
        }
        return items;
    }

    private void schedulePoll(CloudTask task, CompletableFuture<JsonNode> items) {
        PollLoop loop = polling.get(task);
        if (loop != null) {
            loop.schedule();
        }
    }

    private void pollOnce(CloudTask task, CompletableFuture<JsonNode> items) {
        if (task.isDone() || items.isDone() || closed) {
            items.cancel(false);
            return;
        }
        String taskId = task.taskId();
        protocol.poll(taskId).whenComplete((answer, error) -> handlePoll(task, items, taskId, answer, error));
    }

    private void handlePoll(CloudTask task, CompletableFuture<JsonNode> items, String taskId, TaskPoll answer,
                            Throwable error) {
        if (error != null) {
            items.completeExceptionally(new RunningHubFailure(ExecutionError.of(ErrorKind.CONNECTION,
                    "Lost contact with RunningHub while waiting for task " + taskId + " ("
                            + Failures.unwrap(error).getMessage() + "). The task may still run: await it later"
                            + " by its id, or cancel it.")));
        } else if (answer.waiting()) {
            schedulePoll(task, items);
        } else if (answer.failure() != null) {
            items.completeExceptionally(new RunningHubFailure(answer.failure()));
        } else {
            if (answer.items().isEmpty()) {
                LOG.warn("[{}] finished without outputs (no enabled save or preview node)", taskId);
            }
            items.complete(answer.items());
        }
    }

    private void timeOut(CloudTask task) {
        if (task.isDone()) {
            return;
        }
        String limit = task.timeoutNanos() / 1_000_000_000L + "s";
        String taskId = task.taskId();
        if (taskId == null) {
            task.fail(clock.getAsLong(), ExecutionError.of(ErrorKind.TIMEOUT, "Timed out after " + limit
                    + " before RunningHub created a task (" + (permits.waiting() > 0 ? permits.waiting()
                    + " executions wait for one of " + permits.inUse() + " task slots (runninghubMaxConcurrency)"
                    : "uploading media, or waiting while RunningHub was busy") + "); nothing runs on RunningHub."));
            return;
        }
        LOG.info("[{}] timed out after {}; cancelling it on RunningHub", taskId, limit);
        // no more polls: one could see the interrupted task's failure before the cancel's answer and report that
        // instead of the timeout
        PollLoop loop = polling.get(task);
        if (loop != null) {
            loop.stop();
        }
        task.failAfterCancelling(taskId, cancel(taskId), (outcome, error) -> error != null
                ? "cancelling it failed (" + Failures.describe(error) + "): cancel it in the RunningHub console, it may"
                + " still be billed"
                : outcome == CancelOutcome.NOT_FOUND ? "it had already ended on RunningHub"
                : "it was cancelled on RunningHub, so it stops billing",
                what -> ExecutionError.builder(ErrorKind.TIMEOUT, "Timed out after " + limit
                        + " waiting for RunningHub task " + taskId + "; " + what + ".").build(), scheduler, clock);
    }

    private void cancelQuietly(String taskId, String why) {
        LOG.info("[{}] cancelling on RunningHub: {}", taskId, why);
        cancel(taskId).exceptionally(e -> {
            LOG.warn("[{}] cancelling failed ({}); cancel it in the RunningHub console", taskId, Failures.describe(e));
            return null;
        });
    }

    private void finish(CloudTask task, ExecuteResult result, Throwable error) {
        long now = clock.getAsLong();
        if (error == null) {
            if (result != null) {
                task.result().complete(result);
            }
            return;
        }
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof RunningHubFailure) {
            task.fail(now, ((RunningHubFailure) cause).error());
        } else if (cause instanceof ComfyKitException) {
            task.result().completeExceptionally(cause);
        } else if (!(cause instanceof CancellationException)) {
            task.fail(now, ExecutionError.of(ErrorKind.SERVER, "Unexpected failure on RunningHub"
                    + (task.taskId() == null ? "" : " (task " + task.taskId() + ")") + ": "
                    + Failures.describe(cause)));
        }
    }

    private CompletableFuture<String> upload(String filename, String contentType, byte[] content) {
        return protocol.upload(filename, contentType, content);
    }

    private void requireKey() {
        if (settings.apiKey == null) {
            throw new RunningHubFailure(ExecutionError.of(ErrorKind.AUTHENTICATION, "No RunningHub API key: set"
                    + " runninghubApiKey (environment variable RUNNINGHUB_API_KEY) to run workflows on RunningHub."));
        }
    }



    /**
     * Stops waiting: executions in flight end with a failed (cancelled) result; their tasks continue on RunningHub
     * and can be awaited by id.
     */
    @Override
    public void close() {
        closed = true;
        for (CloudTask task : open) {
            task.fail(clock.getAsLong(), ExecutionError.of(ErrorKind.CANCELLED, "The ComfyKit client was closed"
                    + (task.taskId() == null ? "." : "; RunningHub task " + task.taskId() + " continues (await it by"
                    + " id, or cancel it).")));
        }
    }
}
