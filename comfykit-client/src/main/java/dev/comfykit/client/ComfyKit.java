package dev.comfykit.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.backend.ComfyUiBackend;
import dev.comfykit.client.internal.backend.RoutingBackend;
import dev.comfykit.client.internal.backend.RunningHubBackend;
import dev.comfykit.client.internal.client.ClientConnections;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.pool.ServerPool;
import dev.comfykit.client.internal.workflow.LoadTimeLimit;
import dev.comfykit.client.internal.workflow.LoadedWorkflow;
import dev.comfykit.client.internal.workflow.WorkflowLoader;
import dev.comfykit.client.output.OutputNames;
import dev.comfykit.client.spi.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * ComfyKit for Java: runs ComfyUI workflows whose node titles declare params and outputs (the title DSL), on a
 * local ComfyUI server over HTTP or WebSocket, or on RunningHub.
 *
 * <pre>{@code
 * try (ComfyKit kit = ComfyKit.builder().comfyuiUrl("http://127.0.0.1:8188").build()) {
 *     ExecuteResult result = kit.execute("workflows/t2i.json", Map.of("prompt", "a cute cat")).join();
 *     System.out.println(result.getImages());
 * }
 * }</pre>
 * <p>
 * Every method is asynchronous and thread-safe, except {@link #describeJson} (in memory; it blocks only for a
 * RunningHub stub given as JSON text) and {@link #close()}; no thread is held while a prompt runs, so one client
 * serves thousands of executions in flight. A failed execution (rejected workflow, node error, timeout, lost prompt,
 * unreachable server) completes the future normally with a result whose status is {@code failed}; only invalid
 * input (workflow not found or malformed, params that do not fit) completes it exceptionally, with an
 * {@link InvalidWorkflowException} or {@link InvalidParameterException}, before anything is submitted.
 * <p>
 * The client loads workflows ({@link WorkflowLoader}) and hands each prompt to a {@link Backend}: RunningHub
 * workflows and task ids go to RunningHub, everything else to the ComfyUI server.
 */
public final class ComfyKit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ComfyKit.class);
    private static final long MAX_WORKFLOW_BYTES = 32L * 1024 * 1024;

    private final ComfyKitConfig config;
    private final ClientConnections connections;
    private final WorkflowLoader loader;
    private final LoadTimeLimit loadLimit;
    private final RunningHubBackend runningHub;
    private final Backend backend;
    private final ServerPool pool;
    private final OutputDownloads outputs;

    /** A client configured from the environment variables and defaults (see {@link ComfyKitConfig}). */
    public ComfyKit() {
        this(builder().resolve());
    }

    ComfyKit(ComfyKitConfig config) {
        this.config = config;
        this.connections = new ClientConnections(config,
                "comfykit-" + Integer.toHexString(System.identityHashCode(this)));
        this.loader = new WorkflowLoader(connections.fetcher(), connections.io(), MAX_WORKFLOW_BYTES,
                config.getClassLoader());
        this.loadLimit = new LoadTimeLimit(connections.scheduler(), config.getTimeout());
        this.runningHub = RunningHubBackend.create(config, connections);
        // no pool object for the one comfyuiUrl server: that client behaves exactly as before pools existed
        this.pool = config.getServers().isEmpty() ? null : ServerPool.create(config, connections);
        this.backend = new RoutingBackend(pool != null ? pool
                : ComfyUiBackend.create(connections.api(), config, connections), runningHub);
        this.outputs = new OutputDownloads(connections.io());
        LOG.debug("ComfyKit created: {}", config);
    }

    /** Starts a builder; unset options come from the environment, then the defaults. */
    public static ComfyKitBuilder builder() {
        return new ComfyKitBuilder();
    }

    /** The resolved configuration. */
    public ComfyKitConfig config() {
        return config;
    }

    /** Runs a workflow without params. See {@link #execute(String, Map)}. */
    public CompletableFuture<ExecuteResult> execute(String workflow) {
        return execute(workflow, Map.of());
    }

    /**
     * Runs a workflow.
     *
     * @param workflow a file path, {@code classpath:} resource, http(s) URL, RunningHub workflow id
     *                 ({@code 1987654321098765432} or {@code runninghub:<id>}) or AI app
     *                 ({@code runninghub:app:<id>})
     * @param params   values for the params the workflow's titles declare; text is converted to the param's type;
     *                 media params take files, bytes, streams, URLs or names of uploaded files
     * @return the result; completes exceptionally only for invalid input
     */
    public CompletableFuture<ExecuteResult> execute(String workflow, Map<String, ?> params) {
        return executeWith(workflow, fixed(params));
    }

    /**
     * Runs a workflow with params chosen once its declared params are known (see {@link ParamSource}).
     */
    public CompletableFuture<ExecuteResult> executeWith(String workflow, ParamSource params) {
        return executeWith(workflow, params, null);
    }

    /**
     * Runs a workflow with params chosen once its declared params are known, queued on the ComfyUI server at the
     * given priority instead of the client's {@code priority} option ({@code null}: the option's). The server's
     * queue is shared by all its clients: {@link Priority#FRONT} runs before their normally queued prompts too.
     */
    public CompletableFuture<ExecuteResult> executeWith(String workflow, ParamSource params, Priority priority) {
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(params, "params");
        WorkflowSource source;
        try {
            source = WorkflowSource.detect(workflow);
        } catch (ComfyKitException e) {
            return CompletableFuture.failedFuture(e);
        }
        return run(source, () -> loader.load(source), params, priority);
    }

    /** Runs a workflow file. See {@link #execute(String, Map)}. */
    public CompletableFuture<ExecuteResult> execute(Path workflow, Map<String, ?> params) {
        Objects.requireNonNull(workflow, "workflow");
        WorkflowSource source = WorkflowSource.file(workflow);
        return run(source, () -> loader.load(source), fixed(params));
    }

    /** Runs an in-memory workflow given as maps (e.g. parsed by any JSON library). */
    public CompletableFuture<ExecuteResult> executeJson(Map<String, ?> workflow, Map<String, ?> params) {
        Objects.requireNonNull(workflow, "workflow");
        return run(null, () -> CompletableFuture.completedFuture(loader.wrapInline(workflow)), fixed(params));
    }

    /** Runs an in-memory workflow given as a Jackson tree. */
    public CompletableFuture<ExecuteResult> executeJson(JsonNode workflow, Map<String, ?> params) {
        Objects.requireNonNull(workflow, "workflow");
        return run(null, () -> CompletableFuture.completedFuture(loader.wrapInline(workflow)), fixed(params));
    }

    /** Runs an in-memory workflow given as JSON text. */
    public CompletableFuture<ExecuteResult> executeJson(String workflowJson, Map<String, ?> params) {
        Objects.requireNonNull(workflowJson, "workflowJson");
        return run(null, () -> CompletableFuture.completedFuture(loader.parseInline(workflowJson)), fixed(params));
    }

    /**
     * Prepares and submits a workflow without waiting; wait later with {@link #await(String)}. Fails with
     * {@link SubmissionException} when the server rejects the prompt or cannot be reached.
     */
    public CompletableFuture<SubmittedPrompt> submit(String workflow, Map<String, ?> params) {
        return submitWith(workflow, fixed(params));
    }

    /** Submits without waiting, with params chosen once the declared params are known. */
    public CompletableFuture<SubmittedPrompt> submitWith(String workflow, ParamSource params) {
        return submitWith(workflow, params, null);
    }

    /**
     * Submits without waiting, queued at the given priority ({@code null}: the client's {@code priority} option).
     * See {@link #executeWith(String, ParamSource, Priority)}.
     */
    public CompletableFuture<SubmittedPrompt> submitWith(String workflow, ParamSource params, Priority priority) {
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(params, "params");
        return Failures.guard(() -> {
            WorkflowSource source = WorkflowSource.detect(workflow);
            return loader.load(source).thenCompose(loaded -> backend.submit(
                    loaded.toRequest(source, params, System.nanoTime(), config.getTimeout())
                            .withPriority(priority)));
        });
    }

    /** Waits for a submitted prompt, for at most the configured timeout. */
    public CompletableFuture<ExecuteResult> await(String promptId) {
        return await(promptId, config.getTimeout());
    }

    /**
     * Waits for a prompt submitted earlier, by this client or any other (e.g. before a restart). Output variables are
     * read from the workflow stored in the server's history. The timeout ends the wait, not the prompt. An
     * all-digits id is a RunningHub task.
     */
    public CompletableFuture<ExecuteResult> await(String promptId, Duration timeout) {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(timeout, "timeout");
        return backend.await(promptId, timeout);
    }

    /**
     * Cancels a prompt on the server: removed from the queue when pending, interrupted when running. An all-digits
     * id is a RunningHub task, cancelled on RunningHub (so it stops billing).
     */
    public CompletableFuture<CancelOutcome> cancel(String promptId) {
        Objects.requireNonNull(promptId, "promptId");
        return backend.cancel(promptId);
    }

    /**
     * RunningHub's account status for the configured key ({@code remainCoins}, {@code currentTaskCounts},
     * {@code apiType}): a check that the key works on the configured site.
     */
    public CompletableFuture<Map<String, Object>> runningHubAccountStatus() {
        return runningHub.accountStatus();
    }

    /**
     * The params and output variables a workflow declares. Loads the workflow without blocking (a RunningHub
     * workflow is asked from RunningHub); {@code join()} it for a blocking call.
     *
     * @return the schema; fails with {@link InvalidWorkflowException} when the workflow cannot be loaded or its
     * markers cannot work
     */
    public CompletableFuture<WorkflowSchema> describe(String workflow) {
        Objects.requireNonNull(workflow, "workflow");
        return Failures.guard(() -> loader.load(WorkflowSource.detect(workflow)).thenCompose(this::schemaOf));
    }

    /**
     * Asks the server for its {@code /system_stats} (a cheap liveness probe, e.g. for health checks); with a pool of
     * servers, the first server that answers.
     *
     * @return the server's answer as plain data; fails when the server cannot be reached
     */
    public CompletableFuture<Map<String, Object>> systemStats() {
        return pool != null ? pool.systemStats() : connections.api().systemStats();
    }

    /**
     * How many times a prompt was run again on another server of the pool (a server could not be reached, did not
     * accept it or lost it) since the client was created; 0 without a pool ({@code servers} unset).
     */
    public long resubmissions() {
        return pool == null ? 0 : pool.resubmissions();
    }

    /**
     * The ComfyUI servers this client runs prompts on and their health right now (one element for a client of one
     * server). Cheap: a snapshot of what the client already knows, no request is made.
     */
    public List<ServerStatus> servers() {
        return backend.servers();
    }

    /** The params and output variables of an in-memory workflow (parsed on the calling thread). */
    public WorkflowSchema describeJson(Map<String, ?> workflow) {
        return loader.wrapInline(workflow).schema();
    }

    /**
     * The params and output variables of an in-memory workflow given as JSON text. Blocks only for a RunningHub stub
     * ({@code "_source": "runninghub"}), whose schema is read from RunningHub.
     */
    public WorkflowSchema describeJson(String workflowJson) {
        return join(schemaOf(loader.parseInline(workflowJson)));
    }

    private CompletableFuture<WorkflowSchema> schemaOf(LoadedWorkflow loaded) {
        return loaded.isRunningHub() ? backend.describe(loaded.runningHubTarget())
                : CompletableFuture.completedFuture(loaded.schema());
    }

    /** Downloads an output file's content. */
    public CompletableFuture<byte[]> download(OutputFile file) {
        return outputs.download(file);
    }

    /** Opens an output file's content (a local copy when it was saved, otherwise from the server). */
    public CompletableFuture<InputStream> openStream(OutputFile file) {
        return outputs.openStream(file);
    }

    /**
     * Downloads every output file of a result into a directory under safe names (a file name from the server can
     * never write outside it; existing files are not replaced) and returns the result with the local paths.
     */
    public CompletableFuture<ExecuteResult> saveOutputs(ExecuteResult result, Path directory) {
        return saveOutputs(result, directory, null);
    }

    /**
     * Like {@link #saveOutputs(ExecuteResult, Path)}, but names the files after {@code baseName}: one output
     * becomes {@code <baseName>.<ext>}, several become {@code <baseName>-1.<ext>}, {@code <baseName>-2.<ext>}, ...
     * ({@link OutputNames}). The base name is made safe first, so it may come from untrusted data; {@code null}
     * keeps the server's names.
     */
    public CompletableFuture<ExecuteResult> saveOutputs(ExecuteResult result, Path directory, String baseName) {
        return outputs.saveOutputs(result, directory, baseName);
    }

    /**
     * Loads the workflow within the time limit, then runs it on its backend. The time limit counts from here, so
     * loading is part of it; cancelling the returned future cancels the prompt.
     */
    private CompletableFuture<ExecuteResult> run(WorkflowSource source,
                                                 Supplier<CompletableFuture<LoadedWorkflow>> load,
                                                 ParamSource params) {
        return run(source, load, params, null);
    }

    private CompletableFuture<ExecuteResult> run(WorkflowSource source,
                                                 Supplier<CompletableFuture<LoadedWorkflow>> load,
                                                 ParamSource params, Priority priority) {
        long start = System.nanoTime();
        CompletableFuture<ExecuteResult> result = new CompletableFuture<>();
        loadLimit.load(load).whenComplete((loaded, error) -> {
            if (error != null) {
                Throwable cause = Failures.unwrap(error);
                if (cause instanceof TimeoutException) {
                    result.complete(loadLimit.timedOut(start));
                } else {
                    result.completeExceptionally(cause);
                }
                return;
            }
            CompletableFuture<ExecuteResult> execution = backend.execute(
                    loaded.toRequest(source, params, start, config.getTimeout()).withPriority(priority));
            result.whenComplete((r, e) -> {
                if (e instanceof CancellationException) {
                    execution.cancel(true);
                }
            });
            execution.whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(Failures.unwrap(e));
                } else {
                    result.complete(r);
                }
            });
        });
        return result;
    }

    private static ParamSource fixed(Map<String, ?> params) {
        Map<String, ?> given = params == null ? Map.of() : params;
        return schema -> given;
    }


    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (Failures.unwrap(e) instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Stops the client: executions in flight complete with a failed ({@code CANCELLED}) result, but their prompts
     * keep running on the server and can be awaited later by id. Idempotent.
     */
    @Override
    public void close() {
        backend.close();
        connections.close();
    }

    @Override
    public String toString() {
        return "ComfyKit[" + config + "]";
    }
}
