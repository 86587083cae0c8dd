package dev.comfykit.client.internal.backend;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ComfyKitConfig;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.client.ClientConnections;
import dev.comfykit.client.internal.execution.PromptJournal;
import dev.comfykit.client.internal.runninghub.RunningHubEngine;
import dev.comfykit.client.internal.runninghub.RunningHubSettings;
import dev.comfykit.client.internal.runninghub.RunningHubWebhooks;
import dev.comfykit.client.webhook.WebhookReceiver;
import dev.comfykit.client.spi.Backend;
import dev.comfykit.client.spi.PromptRequest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * RunningHub's cloud (its workflows and AI apps), behind the backend seam: a {@link RunningHubEngine}. RunningHub
 * applies its own time limit ({@code runninghubTimeout}) to the whole task, not the request's.
 */
public final class RunningHubBackend implements Backend {

    private final RunningHubEngine engine;
    private final PromptJournal journal;
    private final RunningHubWebhooks webhooks;

    private RunningHubBackend(RunningHubEngine engine, PromptJournal journal, RunningHubWebhooks webhooks) {
        this.engine = engine;
        this.journal = journal;
        this.webhooks = webhooks;
    }

    /** The backend for the configured RunningHub site and key. */
    public static RunningHubBackend create(ComfyKitConfig config, ClientConnections connections) {
        return create(config, connections, PromptJournal.NONE);
    }

    /**
     * The backend for the configured RunningHub site and key, whose jobs' tasks are recorded in a journal (a durable
     * job store) before they are created, and their ids once created.
     */
    public static RunningHubBackend create(ComfyKitConfig config, ClientConnections connections,
                                           PromptJournal journal) {
        RunningHubSettings settings = new RunningHubSettings(
                config.getRunninghubUrl(), config.getRunninghubApiKey(), config.getRunninghubTimeout(),
                config.getRunninghubRetryCount(), config.getRunninghubInstanceType(),
                config.getRunninghubPollInterval(), config.getRunninghubMaxConcurrency(), config.getRequestTimeout(),
                config.getMaxUploadBytes(), config.getRunninghubApiVersion());
        String secret = null;
        if (config.getWebhookUrl() != null) {
            secret = config.getWebhookSecret();
            settings = settings.withWebhook(RunningHubWebhooks.callbackUrl(config.getWebhookUrl(), secret),
                    config.getWebhookGracePeriod());
        }
        RunningHubEngine engine = new RunningHubEngine(connections.sender(), connections.fetcher(),
                connections.io(), connections.scheduler(), settings, System::nanoTime);
        return new RunningHubBackend(engine, journal, RunningHubWebhooks.attach(engine, secret,
                config.getRunninghubTimeout(), System::nanoTime));
    }

    /** Where RunningHub's webhook calls go in. */
    public WebhookReceiver webhooks() {
        return webhooks;
    }

    /** RunningHub task ids are numbers (snowflake ids); ComfyUI prompt ids are UUIDs. */
    public static boolean isTaskId(String id) {
        return !id.isEmpty() && id.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    @Override
    public CompletableFuture<ExecuteResult> execute(PromptRequest request) {
        if (!request.isRunningHub()) {
            return notHere(request.origin());
        }
        String jobId = request.jobId();
        RunningHubEngine.TaskJournal tasks = jobId == null ? RunningHubEngine.TaskJournal.NONE
                : new RunningHubEngine.TaskJournal() {
                    @Override
                    public CompletableFuture<Void> creating(String site) {
                        return journal.creatingTask(jobId, site);
                    }

                    @Override
                    public void created(String taskId) {
                        journal.taskCreated(jobId, taskId);
                    }
                };
        return engine.execute(request.source(), request.params(), request.startNanos(), tasks);
    }

    @Override
    public CompletableFuture<SubmittedPrompt> submit(PromptRequest request) {
        return request.isRunningHub() ? engine.submit(request.source(), request.params())
                : notHere(request.origin());
    }

    @Override
    public CompletableFuture<ExecuteResult> await(String taskId, Duration timeout) {
        return engine.await(taskId, timeout);
    }

    @Override
    public CompletableFuture<CancelOutcome> cancel(String taskId) {
        return engine.cancel(taskId);
    }

    /** A workflow's params come from its titles on RunningHub; an AI app declares none (its nodes are params). */
    @Override
    public CompletableFuture<WorkflowSchema> describe(WorkflowSource source) {
        return switch (source.kind()) {
            case RUNNINGHUB_APP -> CompletableFuture.completedFuture(WorkflowSchema.empty(source.describe()));
            case RUNNINGHUB_WORKFLOW -> engine.describe(source.location());
            default -> notHere(source.describe());
        };
    }

    /** The account behind the key ({@code remainCoins}, {@code currentTaskCounts}, {@code apiType}). */
    public CompletableFuture<Map<String, Object>> accountStatus() {
        return engine.accountStatus();
    }

    private static <T> CompletableFuture<T> notHere(String workflow) {
        return CompletableFuture.failedFuture(new InvalidWorkflowException("Workflow " + workflow
                + " is not a RunningHub workflow or AI app."));
    }

    @Override
    public void close() {
        engine.close();
    }
}
