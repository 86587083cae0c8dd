package dev.comfykit.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.comfyui.InputLimitsCache;
import dev.comfykit.client.internal.dsl.BoundWorkflow;
import dev.comfykit.client.internal.dsl.ParamBinder;
import dev.comfykit.client.internal.dsl.ParamLimitCheck;
import dev.comfykit.client.internal.dsl.SeedRandomizer;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.execution.ExecutionEngine;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.execution.PreparedPrompt;
import dev.comfykit.client.internal.http.ComfyUiTransport;
import dev.comfykit.client.internal.http.HostResolver;
import dev.comfykit.client.internal.http.HttpSender;
import dev.comfykit.client.internal.http.IoLanes;
import dev.comfykit.client.internal.http.ServerCredentials;
import dev.comfykit.client.internal.http.UrlFetcher;
import dev.comfykit.client.internal.http.UrlGuard;
import dev.comfykit.client.internal.media.MediaUploader;
import dev.comfykit.client.output.OutputNames;
import dev.comfykit.client.output.OutputSaver;
import dev.comfykit.client.internal.runninghub.RunningHubEngine;
import dev.comfykit.client.internal.runninghub.RunningHubSettings;
import dev.comfykit.client.internal.workflow.LoadedWorkflow;
import dev.comfykit.client.internal.workflow.WorkflowLoader;
import dev.comfykit.client.WorkflowSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * ComfyKit for Java: runs ComfyUI workflows whose node titles declare params and outputs (the title DSL), on a
 * local ComfyUI server over HTTP or WebSocket.
 *
 * <pre>{@code
 * try (ComfyKit kit = ComfyKit.builder().comfyuiUrl("http://127.0.0.1:8188").build()) {
 *     ExecuteResult result = kit.execute("workflows/t2i.json", Map.of("prompt", "a cute cat")).join();
 *     System.out.println(result.getImages());
 * }
 * }</pre>
 * <p>
 * Every method is asynchronous and thread-safe; no thread is held while a prompt runs, so one client serves
 * thousands of executions in flight. A failed execution (rejected workflow, node error, timeout, lost prompt,
 * unreachable server) completes the future normally with a result whose status is {@code failed}; only invalid
 * input (workflow not found or malformed, params that do not fit) completes it exceptionally, with an
 * {@link InvalidWorkflowException} or {@link InvalidParameterException}, before anything is submitted.
 */
public final class ComfyKit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ComfyKit.class);
    private static final long MAX_WORKFLOW_BYTES = 32L * 1024 * 1024;
    private static final long MAX_RESPONSE_BYTES = 256L * 1024 * 1024;
    /** Requests in flight per client at most; each holds an I/O thread while it runs (see {@link HttpSender}). */
    private static final int IO_THREADS = 16;
    /** Node classes whose input limits are kept (a server with many custom nodes has a few thousand). */
    private static final int INPUT_LIMIT_CLASSES = 2048;
    /** Input limits are read again after this, so models installed later become allowed values. */
    private static final Duration INPUT_LIMITS_MAX_AGE = Duration.ofMinutes(10);
    /** After a failed {@code /object_info} request the check is skipped for this long, then tried again. */
    private static final Duration INPUT_LIMITS_RETRY = Duration.ofMinutes(1);
    /** ComfyUI's validation error types for a value outside an input's limits. */
    private static final Set<String> VALUE_ERRORS = Set.of("value_smaller_than_min", "value_bigger_than_max",
            "value_not_in_list");

    private final ComfyKitConfig config;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService ownIo;
    private final ExecutorService ownHttpWorkers;
    private final Executor io;
    private final HttpClient httpClient;
    private final UrlFetcher fetcher;
    private final ComfyUiApi api;
    private final InputLimitsCache inputLimits;
    private final WorkflowLoader loader;
    private final MediaUploader uploader;
    private final ExecutionEngine engine;
    private final RunningHubEngine runningHub;
    private final OutputFile.Reader serverOutputs = this::openOutput;

    /** A client configured from the environment variables and defaults (see {@link ComfyKitConfig}). */
    public ComfyKit() {
        this(builder().resolve());
    }

    ComfyKit(ComfyKitConfig config) {
        this.config = config;
        String name = "comfykit-" + Integer.toHexString(System.identityHashCode(this));
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon(name + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        if (config.getExecutor() != null) {
            this.ownIo = null;
            this.io = config.getExecutor();
        } else {
            this.ownIo = Executors.newFixedThreadPool(IO_THREADS, daemon(name + "-io"));
            this.io = ownIo;
        }
        // the HTTP clients' own work (reading responses, WebSocket callbacks) is short and never blocks
        this.ownHttpWorkers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                daemon(name + "-http"));
        this.httpClient = config.getHttpClient() != null ? config.getHttpClient() : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.getConnectTimeout())
                // credentials go with every request to the server, so never follow a redirect elsewhere
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(ownHttpWorkers)
                .build();
        // downloads of other hosts use a client of their own: no credentials, no cookie handler
        HttpClient plainClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.getConnectTimeout())
                // redirects are followed by the fetcher, which checks every hop against the URL rules
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(ownHttpWorkers)
                .build();
        IoLanes lanes = new IoLanes(io);
        HttpSender sender = new HttpSender(httpClient, lanes);
        this.fetcher = new UrlFetcher(new HttpSender(plainClient, lanes), config.getRequestTimeout(),
                new UrlGuard(config.isAllowPrivateUrls(), HostResolver.SYSTEM));
        ServerCredentials credentials = new ServerCredentials(config.getApiKey(), config.getCookies(), fetcher);
        this.api = new ComfyUiApi(new ComfyUiTransport(sender, config.getComfyuiUrl(), config.getRequestTimeout(),
                credentials, MAX_RESPONSE_BYTES));
        this.inputLimits = new InputLimitsCache(api::objectInfo, INPUT_LIMIT_CLASSES, INPUT_LIMITS_MAX_AGE,
                INPUT_LIMITS_RETRY, System::nanoTime);
        this.loader = new WorkflowLoader(fetcher, io, MAX_WORKFLOW_BYTES, config.getClassLoader());
        this.uploader = new MediaUploader((filename, type, bytes) -> api.upload(filename, type, bytes)
                .thenApply(uploaded -> uploaded.reference()), fetcher, io, config.getMaxUploadBytes());
        this.engine = new ExecutionEngine(api, config.getExecutorType() == ExecutorType.WEBSOCKET,
                UUID.randomUUID().toString().replace("-", ""), credentials.apiKey(), scheduler,
                config.getConnectTimeout(), config.getLostPromptGrace(), config.getReconcileInterval(),
                serverOutputs, lanes.lane(IoLanes.Lane.COMPLETION), System::nanoTime);
        this.runningHub = new RunningHubEngine(sender, fetcher, io, scheduler, new RunningHubSettings(
                config.getRunninghubUrl(), config.getRunninghubApiKey(), config.getRunninghubTimeout(),
                config.getRunninghubRetryCount(), config.getRunninghubInstanceType(),
                config.getRunninghubPollInterval(), config.getRunninghubMaxConcurrency(), config.getRequestTimeout(),
                config.getMaxUploadBytes()),
                System::nanoTime);
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
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(params, "params");
        WorkflowSource source;
        try {
            source = WorkflowSource.detect(workflow);
        } catch (ComfyKitException e) {
            return CompletableFuture.failedFuture(e);
        }
        return run(() -> loader.load(source), params);
    }

    /** Runs a workflow file. See {@link #execute(String, Map)}. */
    public CompletableFuture<ExecuteResult> execute(Path workflow, Map<String, ?> params) {
        Objects.requireNonNull(workflow, "workflow");
        return run(() -> loader.load(WorkflowSource.file(workflow)), fixed(params));
    }

    /** Runs an in-memory workflow given as maps (e.g. parsed by any JSON library). */
    public CompletableFuture<ExecuteResult> executeJson(Map<String, ?> workflow, Map<String, ?> params) {
        Objects.requireNonNull(workflow, "workflow");
        return run(() -> CompletableFuture.completedFuture(loader.wrapInline(workflow)), fixed(params));
    }

    /** Runs an in-memory workflow given as a Jackson tree. */
    public CompletableFuture<ExecuteResult> executeJson(JsonNode workflow, Map<String, ?> params) {
        Objects.requireNonNull(workflow, "workflow");
        return run(() -> CompletableFuture.completedFuture(loader.wrapInline(workflow)), fixed(params));
    }

    /** Runs an in-memory workflow given as JSON text. */
    public CompletableFuture<ExecuteResult> executeJson(String workflowJson, Map<String, ?> params) {
        Objects.requireNonNull(workflowJson, "workflowJson");
        return run(() -> CompletableFuture.completedFuture(loader.parseInline(workflowJson)), fixed(params));
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
        return guard(() -> loader.load(WorkflowSource.detect(workflow)).thenCompose(loaded -> loaded.isRunningHub()
                ? runningHub.submit(loaded.runningHubTarget(), params)
                : engine.submitOnly(() -> prepare(loaded, params))));
    }

    /** Waits for a submitted prompt, for at most the configured timeout. */
    public CompletableFuture<ExecuteResult> await(String promptId) {
        return await(promptId, config.getTimeout());
    }

    /**
     * Waits for a prompt submitted earlier, by this client or any other (e.g. before a restart). Output variables are
     * read from the workflow stored in the server's history. The timeout ends the wait, not the prompt.
     */
    public CompletableFuture<ExecuteResult> await(String promptId, Duration timeout) {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(timeout, "timeout");
        return isRunningHubTask(promptId) ? runningHub.await(promptId, timeout) : engine.await(promptId, timeout);
    }

    /**
     * Cancels a prompt on the server: removed from the queue when pending, interrupted when running. An all-digits
     * id is a RunningHub task, cancelled on RunningHub (so it stops billing).
     */
    public CompletableFuture<CancelOutcome> cancel(String promptId) {
        Objects.requireNonNull(promptId, "promptId");
        return isRunningHubTask(promptId) ? runningHub.cancel(promptId) : engine.cancel(promptId);
    }

    /**
     * RunningHub's account status for the configured key ({@code remainCoins}, {@code currentTaskCounts},
     * {@code apiType}): a check that the key works on the configured site.
     */
    public CompletableFuture<Map<String, Object>> runningHubAccountStatus() {
        return runningHub.accountStatus();
    }

    /** RunningHub task ids are numbers (snowflake ids); ComfyUI prompt ids are UUIDs. */
    private static boolean isRunningHubTask(String id) {
        return !id.isEmpty() && id.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * The params and output variables a workflow declares (loads the workflow; blocks for a URL).
     *
     * @throws InvalidWorkflowException when the workflow cannot be loaded or its markers cannot work
     */
    public WorkflowSchema describe(String workflow) {
        return join(describeAsync(workflow));
    }

    /** The params and output variables a workflow declares, without blocking. */
    public CompletableFuture<WorkflowSchema> describeAsync(String workflow) {
        Objects.requireNonNull(workflow, "workflow");
        return guard(() -> loader.load(WorkflowSource.detect(workflow)).thenCompose(this::schemaOf));
    }

    /**
     * Asks the server for its {@code /system_stats} (a cheap liveness probe, e.g. for health checks).
     *
     * @return the server's answer as plain data; fails when the server cannot be reached
     */
    public CompletableFuture<Map<String, Object>> systemStats() {
        return api.systemStats();
    }

    /** The params and output variables of an in-memory workflow. */
    public WorkflowSchema describeJson(Map<String, ?> workflow) {
        return loader.wrapInline(workflow).schema();
    }

    /** The params and output variables of an in-memory workflow given as JSON text. */
    public WorkflowSchema describeJson(String workflowJson) {
        return join(schemaOf(loader.parseInline(workflowJson)));
    }

    private CompletableFuture<WorkflowSchema> schemaOf(LoadedWorkflow loaded) {
        if (!loaded.isRunningHub()) {
            return CompletableFuture.completedFuture(loaded.schema());
        }
        WorkflowSource target = loaded.runningHubTarget();
        return target.kind() == WorkflowSource.Kind.RUNNINGHUB_APP
                ? CompletableFuture.completedFuture(WorkflowSchema.empty(target.describe()))
                : runningHub.describe(target.location());
    }

    /** Downloads an output file's content. */
    public CompletableFuture<byte[]> download(OutputFile file) {
        return openStream(file).thenApplyAsync(in -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, io);
    }

    /** Opens an output file's content (a local copy when it was saved, otherwise from the server). */
    public CompletableFuture<InputStream> openStream(OutputFile file) {
        Objects.requireNonNull(file, "file");
        if (file.getPath() != null || file.reader() != serverOutputs) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return file.openStream();
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, io);
        }
        return api.view(file.getFilename(), file.getSubfolder(), file.getType());
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
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(directory, "directory");
        List<CompletableFuture<OutputFile>> saved = new ArrayList<>();
        int count = result.getFiles().size();
        for (int i = 0; i < count; i++) {
            OutputFile file = result.getFiles().get(i);
            String name = baseName == null ? file.getFilename()
                    : OutputNames.forOutput(baseName, file.getFilename(), i, count);
            saved.add(openStream(file).thenApplyAsync(in -> {
                try (in) {
                    return file.withPath(OutputSaver.save(in, directory, name));
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, io));
        }
        return CompletableFuture.allOf(saved.toArray(new CompletableFuture[0])).thenApply(v -> {
            Map<OutputFile, OutputFile> byOriginal = new java.util.IdentityHashMap<>();
            for (int i = 0; i < saved.size(); i++) {
                byOriginal.put(result.getFiles().get(i), saved.get(i).join());
            }
            return result.withFiles(byOriginal::get);
        });
    }

    private CompletableFuture<ExecuteResult> run(Supplier<CompletableFuture<LoadedWorkflow>> load,
                                                 ParamSource params) {
        long start = System.nanoTime();
        CompletableFuture<ExecuteResult> result = new CompletableFuture<>();
        CompletableFuture<LoadedWorkflow> loading = guard(load);
        if (!loading.isDone()) {
            // the timeout covers loading too: a slow workflow URL cannot stretch it
            ScheduledFuture<?> limit = scheduler.schedule(() -> loading.completeExceptionally(new TimeoutException()),
                    config.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
            loading.whenComplete((l, e) -> limit.cancel(false));
        }
        loading.whenComplete((loaded, error) -> {
            if (error != null) {
                Throwable cause = Failures.unwrap(error);
                if (cause instanceof TimeoutException) {
                    result.complete(ExecuteResult.failure(null, (System.nanoTime() - start) / 1e9,
                            ExecutionError.of(ErrorKind.TIMEOUT, "Timed out after " + config.getTimeout()
                                    + " while loading the workflow.")));
                } else {
                    result.completeExceptionally(cause);
                }
                return;
            }
            CompletableFuture<ExecuteResult> execution = loaded.isRunningHub()
                    ? runningHub.execute(loaded.runningHubTarget(), params, start)
                    : engine.execute(start, config.getTimeout(), () -> prepare(loaded, params));
            result.whenComplete((r, e) -> {
                if (e instanceof CancellationException) {
                    execution.cancel(true);
                }
            });
            execution.whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(Failures.unwrap(e));
                } else {
                    forgetStaleLimits(r);
                    result.complete(r);
                }
            });
        });
        return result;
    }

    private CompletableFuture<PreparedPrompt> prepare(LoadedWorkflow loaded, ParamSource params) {
        Map<String, ?> given = params.params(loaded.schema());
        BoundWorkflow bound = ParamBinder.bind(loaded.workflow(), loaded.schema(), given, MediaUploader::needsUpload);
        // checked before uploads and submission: an out-of-range value costs neither an upload nor a queue slot
        return ParamLimitCheck.check(bound.graph(), loaded.schema(), givenNames(given), inputLimits::get)
                .thenCompose(checked -> uploader.uploadAll(bound)).thenApply(ready -> {
            SeedRandomizer.randomize(ready.graph(), () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
            return new PreparedPrompt(ready.graph(), loaded.schema());
        });
    }

    /**
     * The server refused a value as out of range or not an option although the cached limits allowed it (or were
     * unknown): those limits are stale (a model was removed, the server restarted with other nodes), so the next use
     * of the class asks again.
     */
    private void forgetStaleLimits(ExecuteResult result) {
        ExecutionError error = result.getError();
        if (error == null || error.getKind() != ErrorKind.VALIDATION) {
            return;
        }
        error.getNodeErrors().values().forEach(node -> {
            boolean valueRefused = node.getErrors().stream().anyMatch(issue -> VALUE_ERRORS.contains(issue.getType()));
            if (valueRefused && node.getClassType() != null) {
                inputLimits.forget(node.getClassType());
            }
        });
    }

    private static Set<String> givenNames(Map<String, ?> params) {
        Set<String> names = new HashSet<>();
        if (params != null) {
            params.forEach((name, value) -> {
                if (value != null) {
                    names.add(name);
                }
            });
        }
        return names;
    }

    private static ParamSource fixed(Map<String, ?> params) {
        Map<String, ?> given = params == null ? Map.of() : params;
        return schema -> given;
    }

    private InputStream openOutput(OutputFile file) throws IOException {
        try {
            return api.view(file.getFilename(), file.getSubfolder(), file.getType())
                    .get(config.getRequestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while downloading " + file.getFilename(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = Failures.unwrap(e);
            throw cause instanceof IOException ? (IOException) cause
                    : new IOException("Cannot download " + file.getFilename() + ": " + Failures.describe(cause), cause);
        }
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
            Throwable cause = Failures.unwrap(e);
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw e;
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Stops the client: executions in flight complete with a failed ({@code CANCELLED}) result, but their prompts
     * keep running on the server and can be awaited later by id. Idempotent.
     */
    @Override
    public void close() {
        engine.close();
        runningHub.close();
        scheduler.shutdownNow();
        if (ownIo != null) {
            ownIo.shutdown();
        }
        ownHttpWorkers.shutdown();
    }

    @Override
    public String toString() {
        return "ComfyKit[" + config + "]";
    }
}
