package dev.comfykit.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.backend.ComfyUiBackend;
import dev.comfykit.client.internal.backend.RoutingBackend;
import dev.comfykit.client.internal.backend.RunningHubBackend;
import dev.comfykit.client.internal.client.ClientConnections;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.workflow.LoadTimeLimit;
import dev.comfykit.client.internal.workflow.LoadedWorkflow;
import dev.comfykit.client.internal.workflow.WorkflowLoader;
import dev.comfykit.client.output.OutputNames;
import dev.comfykit.client.spi.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
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
        this.backend = new RoutingBackend(ComfyUiBackend.create(connections.api(), config, connections), runningHub);
        this.outputs = new OutputDownloads(connections.io());
        LOG.debug("ComfyKit created: {}", config);
    }

    /** Starts a builder; unset options come from the environment, then the defaults. */
    public static Builder builder() {
        return new Builder();
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
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(params, "params");
        WorkflowSource source;
        try {
            source = WorkflowSource.detect(workflow);
        } catch (ComfyKitException e) {
            return CompletableFuture.failedFuture(e);
        }
        return run(source, () -> loader.load(source), params);
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
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(params, "params");
        return guard(() -> {
            WorkflowSource source = WorkflowSource.detect(workflow);
            return loader.load(source).thenCompose(loaded -> backend.submit(
                    loaded.toRequest(source, params, System.nanoTime(), config.getTimeout())));
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
        return guard(() -> loader.load(WorkflowSource.detect(workflow)).thenCompose(this::schemaOf));
    }

    /**
     * Asks the server for its {@code /system_stats} (a cheap liveness probe, e.g. for health checks).
     *
     * @return the server's answer as plain data; fails when the server cannot be reached
     */
    public CompletableFuture<Map<String, Object>> systemStats() {
        return connections.api().systemStats();
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
                    loaded.toRequest(source, params, start, config.getTimeout()));
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

    private static <T> CompletableFuture<T> guard(Supplier<CompletableFuture<T>> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
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

    /**
     * Builds a {@link ComfyKit}. Unset options come from the environment variables of the Python SDK, then from the
     * defaults (see {@link ComfyKitConfig}).
     */
    public static final class Builder {
        String comfyuiUrl;
        ExecutorType executorType;
        String apiKey;
        String cookies;
        String runninghubUrl;
        String runninghubApiKey;
        Duration runninghubTimeout;
        Integer runninghubRetryCount;
        String runninghubInstanceType;
        Duration runninghubPollInterval;
        Integer runninghubMaxConcurrency;
        Duration timeout;
        Duration connectTimeout;
        Duration requestTimeout;
        Long maxUploadBytes;
        boolean allowPrivateUrls;
        Duration lostPromptGrace;
        Duration reconcileInterval;
        Executor executor;
        HttpClient httpClient;
        ClassLoader classLoader;
        private Function<String, String> environment = System::getenv;

        private Builder() {
        }

        /** The local ComfyUI server, e.g. {@code http://127.0.0.1:8188} (may include a path prefix). */
        public Builder comfyuiUrl(String url) {
            this.comfyuiUrl = url;
            return this;
        }

        /** How completion is detected: {@code HTTP} polling or one shared {@code WEBSOCKET}. */
        public Builder executorType(ExecutorType type) {
            this.executorType = type;
            return this;
        }

        /** The executor type by name: {@code http} or {@code websocket}. */
        public Builder executorType(String type) {
            this.executorType = type == null ? null : ExecutorType.parse(type);
            return this;
        }

        /**
         * The ComfyUI api key: sent as {@code Authorization: Bearer} to the ComfyUI server only, and as
         * {@code extra_data.api_key_comfy_org} for paid API nodes.
         */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /**
         * Cookies for the ComfyUI server: a JSON object, {@code k1=v1; k2=v2}, or an http(s) URL whose body is one of
         * these.
         */
        public Builder cookies(String value) {
            this.cookies = value;
            return this;
        }

        /** The RunningHub site: {@code https://www.runninghub.ai} or {@code https://www.runninghub.cn}. */
        public Builder runninghubUrl(String url) {
            this.runninghubUrl = url;
            return this;
        }

        /** The RunningHub api key (defaults to the ComfyUI api key). */
        public Builder runninghubApiKey(String key) {
            this.runninghubApiKey = key;
            return this;
        }

        /** The time limit of a whole RunningHub task; on expiry the task is cancelled on RunningHub. */
        public Builder runninghubTimeout(Duration limit) {
            this.runninghubTimeout = limit;
            return this;
        }

        /** How many times a RunningHub request that can succeed later is retried. */
        public Builder runninghubRetryCount(int count) {
            this.runninghubRetryCount = count;
            return this;
        }

        /** The RunningHub machine class: {@code plus} for 48 GB GPUs; unset for the default 24 GB. */
        public Builder runninghubInstanceType(String type) {
            this.runninghubInstanceType = type;
            return this;
        }

        /** How often a RunningHub task's state is polled (default 3 s; RunningHub's own clients poll every 2-5 s). */
        public Builder runninghubPollInterval(Duration interval) {
            this.runninghubPollInterval = interval;
            return this;
        }

        /**
         * How many RunningHub tasks may be open at once (default 1, RunningHub's own default for member keys); more
         * executions wait locally instead of failing with "queue full".
         */
        public Builder runninghubMaxConcurrency(int tasks) {
            this.runninghubMaxConcurrency = tasks;
            return this;
        }

        /** The time limit of a whole execution; on expiry the prompt is cancelled on the server. */
        public Builder timeout(Duration limit) {
            this.timeout = limit;
            return this;
        }

        /** The time limit for opening a connection. */
        public Builder connectTimeout(Duration limit) {
            this.connectTimeout = limit;
            return this;
        }

        /** The time limit of each HTTP request. */
        public Builder requestTimeout(Duration limit) {
            this.requestTimeout = limit;
            return this;
        }

        /** The largest media value that is uploaded (files, streams, downloaded URLs); default 100 MiB. */
        public Builder maxUploadBytes(long bytes) {
            this.maxUploadBytes = bytes;
            return this;
        }

        /**
         * Whether workflow, media and cookie URLs may name hosts that resolve to loopback, link-local, private or
         * unspecified addresses (default {@code false}: such downloads are refused, so that a URL cannot reach
         * internal services). The ComfyUI server's own URL is not affected. Set it for workflows or media served from
         * {@code http://127.0.0.1} or a private network.
         */
        public Builder allowPrivateUrls(boolean allow) {
            this.allowPrivateUrls = allow;
            return this;
        }

        /** Advanced: how long a prompt may be unknown to the server before it is reported lost (default 3 s). */
        public Builder lostPromptGrace(Duration grace) {
            this.lostPromptGrace = grace;
            return this;
        }

        /** Advanced: how often the WebSocket executor double-checks the queue and history (default 5 s). */
        public Builder reconcileInterval(Duration interval) {
            this.reconcileInterval = interval;
            return this;
        }

        /**
         * The executor that sends HTTP requests and reads files; its threads block for the duration of a request, so
         * its size bounds the requests in flight (default: 16 daemon threads owned by the client). Completions and
         * the callbacks of the returned futures run on it.
         */
        public Builder executor(Executor ioExecutor) {
            this.executor = ioExecutor;
            return this;
        }

        /**
         * The HTTP client for requests to ComfyUI (default: HTTP/1.1, no redirects, the connect timeout). Its
         * authenticator and cookie handler, if any, are the application's responsibility.
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = client;
            return this;
        }

        /** The class loader for {@code classpath:} workflows (default: the thread's context class loader). */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = loader;
            return this;
        }

        /** Where environment variables are read from (default {@link System#getenv(String)}). */
        public Builder environment(Function<String, String> lookup) {
            this.environment = Objects.requireNonNull(lookup, "environment");
            return this;
        }

        /** Resolves the configuration without creating a client. */
        public ComfyKitConfig resolve() {
            return new ComfyKitConfig(this, environment);
        }

        /**
         * Creates the client. No connection is opened here.
         *
         * @throws IllegalArgumentException naming the option (and environment variable) that is invalid
         */
        public ComfyKit build() {
            return new ComfyKit(resolve());
        }
    }
}
