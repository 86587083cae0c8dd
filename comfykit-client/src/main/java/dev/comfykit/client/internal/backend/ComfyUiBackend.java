package dev.comfykit.client.internal.backend;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ComfyKitConfig;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.OutputFile;
import dev.comfykit.client.Priority;
import dev.comfykit.client.ServerStatus;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.client.ClientConnections;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.comfyui.InputLimitsCache;
import dev.comfykit.client.internal.events.EventBus;
import dev.comfykit.client.internal.execution.CompletionTracker;
import dev.comfykit.client.internal.execution.ExecutionEngine;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.execution.PreparedPrompt;
import dev.comfykit.client.internal.execution.PromptJournal;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.internal.http.IoLanes;
import dev.comfykit.client.internal.http.UrlRedactor;
import dev.comfykit.client.internal.media.MediaUploader;
import dev.comfykit.client.internal.media.UploadCache;
import dev.comfykit.client.internal.pool.ObjectInfoCapabilities;
import dev.comfykit.client.internal.pool.ProbedServerHealth;
import dev.comfykit.client.internal.pool.ServerCapabilities;
import dev.comfykit.client.internal.pool.ServerHealth;
import dev.comfykit.client.internal.pool.StaleCapabilities;
import dev.comfykit.client.spi.Backend;
import dev.comfykit.client.spi.PromptRequest;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One ComfyUI server: prepares prompts for it ({@link ComfyUiPreparation}: params, limits, uploads, seeds) and runs
 * them with an {@link ExecutionEngine}, whose {@link CompletionTracker} (polling or WebSocket events) is chosen once,
 * by {@link #create}. A pool of servers is a set of these, one per server.
 */
public final class ComfyUiBackend implements Backend {

    /** Node classes whose input limits are kept (a server with many custom nodes has a few thousand). */
    private static final int INPUT_LIMIT_CLASSES = 2048;
    /** Input limits are read again after this, so models installed later become allowed values. */
    private static final Duration INPUT_LIMITS_MAX_AGE = Duration.ofMinutes(10);
    /** After a failed {@code /object_info} request the check is skipped for this long, then tried again. */
    private static final Duration INPUT_LIMITS_RETRY = Duration.ofMinutes(1);
    /** The longest that closing waits for the server to remove and interrupt this client's prompts. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(10);

    private final ExecutionEngine engine;
    private final ComfyUiPreparation preparation;
    private final ServerHealth health;
    private final ServerCapabilities capabilities;
    private final String url;
    /** Whether closing removes this client's prompts from the server (cancelOnClose, and no job store). */
    private final boolean cancelOnClose;
    private final Duration cancelWait;
    private final OutputFile.Reader outputs;
    /** How results and statuses name the server: its URL with credentials masked. */
    private final String name;
    private final EventBus events;
    private final Priority defaultPriority;

    private ComfyUiBackend(ExecutionEngine engine, ComfyUiPreparation preparation, ServerHealth health,
                           ServerCapabilities capabilities, String url, boolean cancelOnClose, Duration cancelWait,
                           OutputFile.Reader outputs, EventBus events, Priority defaultPriority) {
        this.outputs = outputs;
        this.url = url;
        this.cancelOnClose = cancelOnClose;
        this.cancelWait = cancelWait;
        this.name = UrlRedactor.redact(url);
        this.events = events;
        this.defaultPriority = defaultPriority;
        this.engine = engine;
        this.preparation = preparation;
        this.health = health;
        this.capabilities = capabilities;
    }

    /** The server's health, as a pool's dispatch reads it. */
    public ServerHealth health() {
        return health;
    }

    /** The server's status as the exported API shows it (health checks). */
    public ServerStatus status() {
        ServerStatus.State state = switch (health.state()) {
            case UP -> ServerStatus.State.UP;
            case DEGRADED -> ServerStatus.State.DEGRADED;
            case DOWN -> ServerStatus.State.DOWN;
        };
        Integer depth = health instanceof ProbedServerHealth probed ? probed.queueDepth() : null;
        return new ServerStatus(url, name, state, health.lastError(), depth);
    }

    @Override
    public List<ServerStatus> servers() {
        return List.of(status());
    }

    /**
     * The server's name in results and statuses when it is the client's only server: its URL with credentials masked
     * (a pool names its members itself).
     */
    public String name() {
        return name;
    }

    /** What the server can run, as a pool's dispatch reads it. */
    public ServerCapabilities capabilities() {
        return capabilities;
    }

    /**
     * The backend for one server, tracking completion as the configured executor type says.
     *
     * @param api the server (its URL and credentials); the connections' threads and fetcher are shared
     */
    public static ComfyUiBackend create(ComfyUiApi api, ComfyKitConfig config, ClientConnections connections) {
        return create(api, config, connections, UrlRedactor.redact(api.transport().baseUrl()), PromptJournal.NONE);
    }

    /**
     * The backend for one server of a pool (or the client's only one), whose jobs' prompts are recorded in a journal
     * (a durable job store; {@link PromptJournal#NONE} without one) before they are submitted.
     *
     * @param name the server's name, as its events carry it
     */
    public static ComfyUiBackend create(ComfyUiApi api, ComfyKitConfig config, ClientConnections connections,
                                        String name, PromptJournal journal) {
        CompletionTracker.Factory tracking = switch (config.getExecutorType()) {
            case HTTP -> CompletionTracker.polling(config.getConnectTimeout());
            case WEBSOCKET -> CompletionTracker.webSocket(config.getConnectTimeout());
        };
        InputLimitsCache inputLimits = new InputLimitsCache(api::objectInfo, INPUT_LIMIT_CLASSES,
                INPUT_LIMITS_MAX_AGE, INPUT_LIMITS_RETRY, System::nanoTime);
        // the same input goes to this server once: later executions reuse the file while the server still has it
        UploadCache uploads = new UploadCache(api::inputExists);
        MediaUploader uploader = new MediaUploader((MediaUploader.StreamTarget) (filename, type, content) -> api
                .upload(filename, type, content).thenApply(uploaded -> uploaded.reference()), uploads,
                connections.fetcher(), connections.io(), config.getMaxUploadBytes());
        ProbedServerHealth health = new ProbedServerHealth(api.transport().baseUrl(),
                () -> api.queueIds().thenApply(queue -> queue.running().size() + queue.pending().size()),
                connections.scheduler(), System::nanoTime, ProbedServerHealth.Thresholds.DEFAULT);
        ServerOutputs outputs = new ServerOutputs(api, config.getRequestTimeout());
        ExecutionEngine engine = new ExecutionEngine(api, tracking, UUID.randomUUID().toString().replace("-", ""),
                connections.credentials().apiKey(), connections.scheduler(), config.getLostPromptGrace(),
                config.getReconcileInterval(), outputs,
                connections.lanes().lane(IoLanes.Lane.COMPLETION), System::nanoTime, health, journal,
                connections.events().server(name, api));
        ObjectInfoCapabilities capabilities = new ObjectInfoCapabilities(api::objectInfo);
        // a pool reads the whole /object_info for dispatch: the limits check takes its classes from that answer
        // instead of asking /object_info/{class} again
        capabilities.onAnswer(inputLimits::seed);
        // a reconnected socket or a restarted server may offer other nodes and models: read them again
        health.onBackUp(capabilities::refresh);
        // with a job store the jobs outlive the client (another JVM or a restart finishes them): nothing is cancelled
        boolean cancelOnClose = config.isCancelOnClose() && config.getJobStore() == null;
        Duration cancelWait = config.getRequestTimeout().compareTo(CANCEL_WAIT) < 0 ? config.getRequestTimeout()
                : CANCEL_WAIT;
        // ... and may be another ComfyUI version: what its protocol offers is found out again
        health.onBackUp(api.protocol()::reset);
        return new ComfyUiBackend(engine, new ComfyUiPreparation(inputLimits, uploader), health, capabilities,
                api.transport().baseUrl(), cancelOnClose, cancelWait, outputs, connections.events(),
                config.getPriority());
    }

    @Override
    public CompletableFuture<ExecuteResult> execute(PromptRequest request) {
        if (request.isRunningHub()) {
            return notHere(request.source());
        }
        PromptRequest queued = withPriority(request);
        CompletableFuture<ExecuteResult> running = engine.execute(request.startNanos(), request.timeout(),
                () -> preparation.prepare(queued), request.jobId(), promptId -> events.promptOf(request, promptId));
        // stale limits and capabilities are forgotten before anyone sees the result, so a retry asks the server again
        CompletableFuture<ExecuteResult> result = running.thenApply(r -> {
            preparation.forgetStaleLimits(r);
            return StaleCapabilities.refreshIfShown(r, capabilities).withServer(name);
        });
        result.whenComplete((r, e) -> {
            if (e instanceof CancellationException) {
                running.cancel(true);
            }
        });
        return result;
    }

    /**
     * Runs a prompt that was prepared before (a durable job's stored graph, submitted again because the server lost
     * it before it ran): no binding, no uploads, the seeds as they were.
     */
    public CompletableFuture<ExecuteResult> executePrepared(String jobId, ObjectNode graph, Duration timeout) {
        return engine.execute(System.nanoTime(), timeout,
                () -> CompletableFuture.completedFuture(new PreparedPrompt(graph, null)), jobId, id -> { });
    }

    /** Reads the server's output files (for results read back from a job store). */
    public OutputFile.Reader outputs() {
        return outputs;
    }

    /** The server's base URL. */
    public String url() {
        return url;
    }

    @Override
    public CompletableFuture<SubmittedPrompt> submit(PromptRequest request) {
        if (request.isRunningHub()) {
            return notHere(request.source());
        }
        PromptRequest queued = withPriority(request);
        return Failures.guard(() -> engine.submitOnly(() -> preparation.prepare(queued)))
                .thenApply(prompt -> prompt.withServer(name));
    }

    private PromptRequest withPriority(PromptRequest request) {
        return request.priority() == null ? request.withPriority(defaultPriority) : request;
    }

    @Override
    public CompletableFuture<ExecuteResult> await(String promptId, Duration timeout) {
        return engine.await(promptId, timeout).thenApply(result -> result.withServer(name));
    }

    @Override
    public CompletableFuture<CancelOutcome> cancel(String promptId) {
        return engine.cancel(promptId);
    }

    /** A ComfyUI server holds no workflows of its own: a graph's schema is known once it is loaded. */
    @Override
    public CompletableFuture<WorkflowSchema> describe(WorkflowSource source) {
        return notHere(source);
    }

    private static <T> CompletableFuture<T> notHere(WorkflowSource source) {
        return CompletableFuture.failedFuture(new InvalidWorkflowException("Workflow "
                + (source == null ? "(inline)" : source.describe()) + " is not run by a ComfyUI server."));
    }


    @Override
    public void close() {
        if (cancelOnClose) {
            engine.cancelSubmitted(cancelWait);
        }
        engine.close();
        if (health instanceof ProbedServerHealth probed) {
            probed.close();
        }
    }
}
