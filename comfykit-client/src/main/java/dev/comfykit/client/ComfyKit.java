package dev.comfykit.client;

import dev.comfykit.client.internal.execution.PromptJournal;
import dev.comfykit.client.internal.jobs.DurableJobs;
import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.spi.PromptRequest;
import java.util.ArrayList;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.client.events.EventFilter;
import dev.comfykit.client.events.EventSubscription;
import dev.comfykit.client.events.SubscriptionOptions;
import dev.comfykit.client.internal.backend.ComfyUiBackend;
import dev.comfykit.client.internal.backend.RoutingBackend;
import dev.comfykit.client.internal.backend.RunningHubBackend;
import dev.comfykit.client.webhook.WebhookReceiver;
import dev.comfykit.client.internal.client.ClientConnections;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.pool.LabelSelector;
import dev.comfykit.client.internal.pool.NoEligibleServer;
import dev.comfykit.client.internal.pool.ServerPool;
import dev.comfykit.client.internal.workflow.LoadTimeLimit;
import dev.comfykit.client.internal.workflow.LoadedWorkflow;
import dev.comfykit.client.internal.workflow.WorkflowLoader;
import dev.comfykit.client.output.OutputNames;
import dev.comfykit.client.spi.Backend;
import dev.comfykit.client.spi.PromptRequest;
import dev.comfykit.client.spi.TransferListener;
import dev.comfykit.client.internal.http.UrlRedactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
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
    /** Durable execution on the configured job store; {@code null} without one (nothing of it runs then). */
    private final DurableJobs durable;

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
        List<ComfyUiBackend> servers = new ArrayList<>();
        this.durable = config.getJobStore() == null ? null : new DurableJobs(config.getJobStore(),
                config.getLeaseDuration(), config.getJobStoreRetention(), config.getTimeout(), config.getMaxAttempts(),
                connections.scheduler(), server -> outputsOf(servers, server));
        PromptJournal journal = durable == null ? PromptJournal.NONE : durable;
        this.runningHub = RunningHubBackend.create(config, connections, journal);
        // no pool object for the one comfyuiUrl server: that client behaves exactly as before pools existed
        this.pool = config.getServers().isEmpty() ? null : ServerPool.create(config, connections, journal);
        if (pool != null) {
            pool.members().forEach(member -> servers.add((ComfyUiBackend) member.backend()));
        } else {
            servers.add(ComfyUiBackend.create(connections.api(), config, connections,
                    UrlRedactor.redact(connections.api().transport().baseUrl()), journal));
        }
        this.backend = new RoutingBackend(pool != null ? pool : servers.get(0), runningHub);
        this.outputs = new OutputDownloads(connections.io());
        if (durable != null) {
            durable.start(backend, (server, avoid, jobId, graph, limit) -> serverFor(servers, server, avoid)
                    .executePrepared(jobId, graph, limit), config.getRunninghubApiKey() != null);
        }
        LOG.debug("ComfyKit created: {}", config);
    }

    /** The reader of a stored job's output files: RunningHub's are URLs, a ComfyUI server's are read from it. */
    private OutputFile.Reader outputsOf(List<ComfyUiBackend> servers, String server) {
        if (server != null && server.equals(String.valueOf(config.getRunninghubUrl()))) {
            return file -> connections.fetcher().open(java.net.URI.create(file.getUrl()));
        }
        return serverFor(servers, server, false).outputs();
    }

    /**
     * The server a job was recorded with, or (gone from the configuration, down, or to be avoided because it went
     * down while the job waited) another one that can take it; the recorded one when no other can.
     */
    private static ComfyUiBackend serverFor(List<ComfyUiBackend> servers, String url, boolean avoid) {
        ComfyUiBackend recorded = null;
        for (ComfyUiBackend server : servers) {
            if (server.url().equals(url)) {
                if (!avoid && server.health().allowsDispatch()) {
                    return server;
                }
                recorded = server;
            }
        }
        ComfyUiBackend fallback = recorded != null ? recorded : servers.get(0);
        ComfyUiBackend avoided = recorded;
        return servers.stream().filter(server -> server != avoided && server.health().allowsDispatch()).findFirst()
                .orElse(fallback);
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
        return executeJob(null, workflow, params, Map.of(), null);
    }

    /**
     * Runs a workflow as a durable job (with a job store configured, see {@link ComfyKitBuilder#jobStore}): the job is
     * recorded before its prompt is submitted and survives this JVM; running it again with the same job id joins the
     * recorded job (its stored result once finished) instead of running it twice. Without a store this is
     * {@link #executeWith}.
     *
     * @param jobId       the job's id (e.g. derived from the input message, so that a redelivered input joins its
     *                    job), or {@code null} for a new random one
     * @param correlation data stored with the job and given back with its result (e.g. chosen message headers)
     */
    public CompletableFuture<ExecuteResult> executeJob(String jobId, String workflow, ParamSource params,
                                                       Map<String, String> correlation) {
        return executeJob(jobId, workflow, params, correlation, null);
    }

    /**
     * Runs a workflow with params chosen once its declared params are known, queued on the ComfyUI server at the
     * given priority instead of the client's {@code priority} option ({@code null}: the option's). The server's
     * queue is shared by all its clients: {@link Priority#FRONT} runs before their normally queued prompts too.
     */
    public CompletableFuture<ExecuteResult> executeWith(String workflow, ParamSource params, Priority priority) {
        return executeJob(null, workflow, params, Map.of(), null, priority);
    }

    private CompletableFuture<ExecuteResult> executeJob(String jobId, String workflow, ParamSource params,
                                                        Map<String, String> correlation, String labels) {
        return executeJob(jobId, workflow, params, correlation, labels, null);
    }

    private CompletableFuture<ExecuteResult> executeJob(String jobId, String workflow, ParamSource params,
                                                        Map<String, String> correlation, String labels,
                                                        Priority priority) {
        return executeNamed(workflow, params, labels, jobId, correlation, null, null, priority);
    }

    /** Runs a workflow named by text (path, classpath, URL, RunningHub id): the one place such a name is read. */
    private CompletableFuture<ExecuteResult> executeNamed(String workflow, ParamSource params, String labels,
                                                          String jobId, Map<String, String> correlation,
                                                          SubscriptionOptions options,
                                                          Consumer<? super ComfyEvent> events, Priority priority) {
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(params, "params");
        WorkflowSource source;
        try {
            source = WorkflowSource.detect(workflow);
        } catch (ComfyKitException e) {
            return CompletableFuture.failedFuture(e);
        }
        return run(source, () -> loader.load(source), params, labels, jobId, correlation, options, events, priority);
    }

    /**
     * Runs a workflow like {@link #executeWith(String, ParamSource)} and hands the execution's own events (progress,
     * previews, nodes, its end; {@link ComfyEvent}) to {@code events} while it runs, in order, off the socket's
     * thread, with the default {@link SubscriptionOptions}. Shares the client's WebSocket like
     * {@link #subscribe(EventFilter, Consumer)}; with the HTTP executor the socket is opened by the first such
     * execution, so that one may miss its first events. A pool's failover to another server continues with the new
     * attempt's events. RunningHub workflows send none.
     */
    public CompletableFuture<ExecuteResult> executeWith(String workflow, ParamSource params,
                                                        Consumer<? super ComfyEvent> events) {
        return executeWith(workflow, params, SubscriptionOptions.defaults(), events);
    }

    /**
     * Like {@link #executeWith(String, ParamSource, Consumer)}, with the events delivered as {@code options} say
     * (buffer size, executor).
     */
    public CompletableFuture<ExecuteResult> executeWith(String workflow, ParamSource params,
                                                        SubscriptionOptions options,
                                                        Consumer<? super ComfyEvent> events) {
        return executeWith(workflow, params, options, events, null, null);
    }

    private CompletableFuture<ExecuteResult> executeWith(String workflow, ParamSource params,
                                                         SubscriptionOptions options,
                                                         Consumer<? super ComfyEvent> events, String labels,
                                                         Priority priority) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(events, "events");
        return executeNamed(workflow, params, labels, null, Map.of(), options, events, priority);
    }

    /** Runs a workflow file. See {@link #execute(String, Map)}. */
    public CompletableFuture<ExecuteResult> execute(Path workflow, Map<String, ?> params) {
        return execute(workflow, params, null);
    }

    private CompletableFuture<ExecuteResult> execute(Path workflow, Map<String, ?> params, String labels) {
        Objects.requireNonNull(workflow, "workflow");
        WorkflowSource source = WorkflowSource.file(workflow);
        return run(source, () -> loader.load(source), fixed(params), labels, null, Map.of());
    }

    /** Runs an in-memory workflow given as maps (e.g. parsed by any JSON library). */
    public CompletableFuture<ExecuteResult> executeJson(Map<String, ?> workflow, Map<String, ?> params) {
        return executeJson(workflow, params, null);
    }

    private CompletableFuture<ExecuteResult> executeJson(Map<String, ?> workflow, Map<String, ?> params,
                                                         String labels) {
        Objects.requireNonNull(workflow, "workflow");
        return run(null, () -> CompletableFuture.completedFuture(loader.wrapInline(workflow)), fixed(params),
                labels, null, Map.of());
    }

    /** Runs an in-memory workflow given as a Jackson tree. */
    public CompletableFuture<ExecuteResult> executeJson(JsonNode workflow, Map<String, ?> params) {
        return executeJson(workflow, params, null);
    }

    private CompletableFuture<ExecuteResult> executeJson(JsonNode workflow, Map<String, ?> params, String labels) {
        Objects.requireNonNull(workflow, "workflow");
        return run(null, () -> CompletableFuture.completedFuture(loader.wrapInline(workflow)), fixed(params),
                labels, null, Map.of());
    }

    /** Runs an in-memory workflow given as JSON text. */
    public CompletableFuture<ExecuteResult> executeJson(String workflowJson, Map<String, ?> params) {
        return executeJson(workflowJson, params, null);
    }

    private CompletableFuture<ExecuteResult> executeJson(String workflowJson, Map<String, ?> params, String labels) {
        Objects.requireNonNull(workflowJson, "workflowJson");
        return run(null, () -> CompletableFuture.completedFuture(loader.parseInline(workflowJson)), fixed(params),
                labels, null, Map.of());
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
        return submitJob(null, workflow, params, Map.of(), null);
    }

    /**
     * Submits a workflow as a durable job without waiting (with a job store; without one this is
     * {@link #submitWith}). The job is tracked to its end by this client (or, if it stops, another instance on the
     * store) and its result waits in the store for {@link #await(String)} or a jobs consumer
     * ({@link #claimUndeliveredJobs}). Submitting a job id that is recorded already returns that job.
     *
     * @param jobId       the job's id, or {@code null} for a new random one
     * @param correlation data stored with the job and given back with its result
     */
    public CompletableFuture<SubmittedPrompt> submitJob(String jobId, String workflow, ParamSource params,
                                                       Map<String, String> correlation) {
        return submitJob(jobId, workflow, params, correlation, null);
    }

    private CompletableFuture<SubmittedPrompt> submitWith(String workflow, ParamSource params, String labels) {
        return submitJob(null, workflow, params, Map.of(), labels);
    }

    /**
     * Submits without waiting, queued at the given priority ({@code null}: the client's {@code priority} option).
     * See {@link #executeWith(String, ParamSource, Priority)}.
     */
    public CompletableFuture<SubmittedPrompt> submitWith(String workflow, ParamSource params, Priority priority) {
        return submitJob(null, workflow, params, Map.of(), null, priority);
    }

    private CompletableFuture<SubmittedPrompt> submitJob(String jobId, String workflow, ParamSource params,
                                                        Map<String, String> correlation, String labels) {
        return submitJob(jobId, workflow, params, correlation, labels, null);
    }

    private CompletableFuture<SubmittedPrompt> submitJob(String jobId, String workflow, ParamSource params,
                                                        Map<String, String> correlation, String labels,
                                                        Priority priority) {
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(params, "params");
        return Failures.guard(() -> {
            WorkflowSource source = WorkflowSource.detect(workflow);
            return loader.load(source).thenCompose(loaded -> {
                PromptRequest request = loaded.toRequest(source, params, System.nanoTime(), config.getTimeout())
                        .withJobId(jobId).withServerLabels(labels).withPriority(priority);
                ExecutionError unmatched = unmatchedLabels(request);
                return unmatched != null ? CompletableFuture.failedFuture(new SubmissionException(unmatched))
                        : durable != null ? durable.submit(request, correlation)
                        : backend.submit(request);
            });
        });
    }

    /**
     * A view of this client whose prompts run only on the servers of its pool that carry the given labels, e.g.
     * {@code kit.onServers("gpu=a100").execute("t2i.json", params)}. The selector is {@code key=value} pairs (or a
     * bare {@code key}: the label present, any value) separated by commas; a server must carry all of them. It
     * narrows the client's own {@code serverLabels} (a server must match both) and never widens it: a view cannot
     * reach a server the client does not use, and a selector names labels only, never a server or a URL.
     * <p>
     * When no server of the pool matches, the execution fails at once ({@link ErrorKind#VALIDATION}, a
     * {@link SubmissionException} for {@code submit}) with a message naming each server and why it was left out. A
     * client of one server ({@code servers} unset) has no labels: there only an empty selector runs. RunningHub
     * workflows ignore the selector. The view shares everything with this client (connections, pool, ids):
     * {@link #await} and {@link #cancel} of its prompts go through this client, and closing this client ends it.
     *
     * @param selector the labels, e.g. {@code gpu=a100,vram=48}; {@code null} or blank for every server of the client
     * @throws IllegalArgumentException when the selector cannot be read (an empty key, a key asked for twice with
     *                                  different values)
     */
    public OnServers onServers(String selector) {
        LabelSelector parsed = LabelSelector.parse(selector);
        return new OnServers(parsed.isAny() ? null : parsed.toString(), null);
    }

    /**
     * The prompts of a {@link ComfyKit} restricted to the servers carrying some labels; made by
     * {@link ComfyKit#onServers(String)}. Thread-safe; as cheap as a reference, so make one per message if needed.
     */
    public final class OnServers {

        private final String selector;
        private final Priority priority;

        private OnServers(String selector, Priority priority) {
            this.selector = selector;
            this.priority = priority;
        }

        /**
         * This view, queuing its prompts at the given priority on the ComfyUI server ({@code null}: the client's
         * {@code priority} option), for {@code execute(String, ...)}, {@code executeWith}, {@code submit},
         * {@code submitWith}, {@code executeJob} and {@code submitJob}. See
         * {@link ComfyKit#executeWith(String, ParamSource, Priority)}.
         */
        public OnServers withPriority(Priority queuePriority) {
            return new OnServers(selector, queuePriority);
        }

        /** The selector in its normal form ({@code gpu=a100,vram}), or {@code null} when it selects every server. */
        public String selector() {
            return selector;
        }

        /** As {@link ComfyKit#execute(String, Map)}, on the selected servers. */
        public CompletableFuture<ExecuteResult> execute(String workflow, Map<String, ?> params) {
            return ComfyKit.this.executeJob(null, workflow, fixed(params), Map.of(), selector, priority);
        }

        /** As {@link ComfyKit#executeWith(String, ParamSource)}, on the selected servers. */
        public CompletableFuture<ExecuteResult> executeWith(String workflow, ParamSource params) {
            return ComfyKit.this.executeJob(null, workflow, params, Map.of(), selector, priority);
        }

        /**
         * As {@link ComfyKit#executeWith(String, ParamSource, SubscriptionOptions, Consumer)}, on the selected
         * servers.
         */
        public CompletableFuture<ExecuteResult> executeWith(String workflow, ParamSource params,
                                                            SubscriptionOptions options,
                                                            Consumer<? super ComfyEvent> events) {
            return ComfyKit.this.executeWith(workflow, params, options, events, selector, priority);
        }

        /** As {@link ComfyKit#execute(Path, Map)}, on the selected servers. */
        public CompletableFuture<ExecuteResult> execute(Path workflow, Map<String, ?> params) {
            return ComfyKit.this.execute(workflow, params, selector);
        }

        /** As {@link ComfyKit#executeJson(Map, Map)}, on the selected servers. */
        public CompletableFuture<ExecuteResult> executeJson(Map<String, ?> workflow, Map<String, ?> params) {
            return ComfyKit.this.executeJson(workflow, params, selector);
        }

        /** As {@link ComfyKit#executeJson(JsonNode, Map)}, on the selected servers. */
        public CompletableFuture<ExecuteResult> executeJson(JsonNode workflow, Map<String, ?> params) {
            return ComfyKit.this.executeJson(workflow, params, selector);
        }

        /** As {@link ComfyKit#executeJson(String, Map)}, on the selected servers. */
        public CompletableFuture<ExecuteResult> executeJson(String workflowJson, Map<String, ?> params) {
            return ComfyKit.this.executeJson(workflowJson, params, selector);
        }

        /** As {@link ComfyKit#submit(String, Map)}, on the selected servers. */
        public CompletableFuture<SubmittedPrompt> submit(String workflow, Map<String, ?> params) {
            return ComfyKit.this.submitJob(null, workflow, fixed(params), Map.of(), selector, priority);
        }

        /** As {@link ComfyKit#submitWith(String, ParamSource)}, on the selected servers. */
        public CompletableFuture<SubmittedPrompt> submitWith(String workflow, ParamSource params) {
            return ComfyKit.this.submitJob(null, workflow, params, Map.of(), selector, priority);
        }

        /** As {@link ComfyKit#executeJob(String, String, ParamSource, Map)}, on the selected servers. */
        public CompletableFuture<ExecuteResult> executeJob(String jobId, String workflow, ParamSource params,
                                                           Map<String, String> correlation) {
            return ComfyKit.this.executeJob(jobId, workflow, params, correlation, selector, priority);
        }

        /** As {@link ComfyKit#submitJob(String, String, ParamSource, Map)}, on the selected servers. */
        public CompletableFuture<SubmittedPrompt> submitJob(String jobId, String workflow, ParamSource params,
                                                           Map<String, String> correlation) {
            return ComfyKit.this.submitJob(jobId, workflow, params, correlation, selector, priority);
        }

        @Override
        public String toString() {
            return "ComfyKit.OnServers[" + (selector == null ? "any" : selector) + "]";
        }
    }

    /**
     * Why a request's label selector leaves the one server of a client without a pool out ({@code null} when it does
     * not): that server carries no labels, so only the empty selector matches it. A pool checks its members itself.
     */
    private ExecutionError unmatchedLabels(PromptRequest request) {
        if (pool != null || request.serverLabels() == null || request.isRunningHub()) {
            return null;
        }
        ServerStatus only = backend.servers().isEmpty() ? null : backend.servers().get(0);
        String name = only == null ? "the server" : only.name();
        return ExecutionError.of(ErrorKind.VALIDATION, NoEligibleServer.message(request.origin(),
                LabelSelector.parse(request.serverLabels()), List.of(NoEligibleServer.Server.notSelected(name, null))));
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
        if (durable != null) {
            // a recorded job (by job id or prompt id) is awaited in the store, wherever it runs
            return durable.await(promptId, timeout).thenCompose(found -> found
                    .map(CompletableFuture::completedFuture).orElseGet(() -> backend.await(promptId, timeout)));
        }
        return backend.await(promptId, timeout);
    }

    /** Whether a job store is configured ({@link ComfyKitBuilder#jobStore}). */
    public boolean hasJobStore() {
        return durable != null;
    }

    /**
     * A recorded job by job id or prompt id (empty without a job store). Reads the store on the calling thread (a
     * database query for a JDBC store).
     */
    public Optional<JobRecord> findJob(String id) {
        Objects.requireNonNull(id, "id");
        return durable == null ? Optional.empty() : durable.find(id);
    }

    /**
     * For a jobs consumer: claims up to {@code max} finished jobs whose result nobody received (submitted jobs, and
     * jobs another instance finished after their submitter died), each for one lease ({@code leaseDuration}); a job
     * whose delivery is not marked within it is claimed again. Blocks on the store.
     *
     * @throws IllegalStateException without a job store
     */
    public List<JobRecord> claimUndeliveredJobs(int max) {
        return requireStore().claimUndelivered(max);
    }

    /** The result of a finished job, as stored (its output files are read from the server it ran on). */
    public ExecuteResult jobResult(JobRecord job) {
        Objects.requireNonNull(job, "job");
        return requireStore().decode(job);
    }

    /**
     * Marks a claimed job delivered, after its route completed; false when it was marked already (by another
     * consumer). Blocks on the store.
     */
    public boolean markJobDelivered(JobRecord job) {
        Objects.requireNonNull(job, "job");
        return requireStore().markDelivered(job);
    }

    private DurableJobs requireStore() {
        if (durable == null) {
            throw new IllegalStateException("No job store is configured: set one with ComfyKitBuilder.jobStore (the"
                    + " component's jobStore option)");
        }
        return durable;
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
     * Where an HTTP endpoint hands RunningHub's webhook calls to this client (see {@link WebhookReceiver}); without
     * {@code webhookUrl} it refuses every call as {@link dev.comfykit.client.webhook.WebhookVerdict#DISABLED}.
     */
    public WebhookReceiver webhooks() {
        return runningHub.webhooks();
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

    /**
     * Tells a listener how many media bytes this client uploads to and downloads from its ComfyUI servers from now
     * on (metrics). Any number may be added; each is told once per transfer.
     */
    public void addTransferListener(TransferListener listener) {
        connections.transfers().add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops telling a listener added with {@link #addTransferListener}; nothing happens if it was not added. */
    public void removeTransferListener(TransferListener listener) {
        connections.transfers().remove(listener);
    }

    /**
     * Listens to what the ComfyUI servers report while prompts run: progress, nodes starting and finishing, preview
     * images, queue changes, and how prompts end ({@link ComfyEvent}), with the default {@link SubscriptionOptions}.
     * See {@link #subscribe(EventFilter, SubscriptionOptions, Consumer)}.
     */
    public EventSubscription subscribe(EventFilter filter, Consumer<? super ComfyEvent> listener) {
        return subscribe(filter, SubscriptionOptions.defaults(), listener);
    }

    /**
     * Listens to what the ComfyUI servers report while prompts run ({@link ComfyEvent}).
     * <p>
     * Subscriptions share the client's WebSocket to each server (one per server of a pool); no subscription opens a
     * connection of its own. With the WebSocket executor that is the socket that tracks executions; with the HTTP
     * executor the first subscription opens a socket to each server it listens to, kept while anyone listens. ComfyUI
     * sends a prompt's events only to the client that submitted it: a subscriber sees the events of this client's
     * prompts, and the queue status of every server. RunningHub sends none.
     * <p>
     * The listener runs off the socket's thread, one event at a time, in the order received, through a bounded
     * buffer (see {@link EventSubscription}). When a socket was down, the subscriber receives a
     * {@link ComfyEvent.EventsMissed} once it is back, followed by the success or failure of this client's prompts
     * that ended meanwhile (read from the server's queue and history, {@code fromHistory} set).
     *
     * @param filter   which events (types, prompt ids, servers)
     * @param options  buffer size and where the listener runs
     * @param listener receives the events; an exception it throws is logged and the next event still comes
     * @return the subscription; close it to stop listening (closing the client closes it too)
     * @throws IllegalArgumentException when the filter names a server the client does not have
     */
    public EventSubscription subscribe(EventFilter filter, SubscriptionOptions options,
                                       Consumer<? super ComfyEvent> listener) {
        return connections.events().subscribe(filter, options, listener);
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

    /**
     * Streams an output file's content into {@code out} (not closed) without holding it in heap, and returns the
     * number of bytes written. A dropped download from a ComfyUI server resumes where it stopped; a file over the
     * option {@code maxOutputBytes} fails.
     */
    public CompletableFuture<Long> download(OutputFile file, OutputStream out) {
        return outputs.download(file, out);
    }

    /**
     * Streams an output file's content into a new local file ({@code target} must not exist) and returns it; a
     * failed download leaves no partial file behind.
     */
    public CompletableFuture<Path> download(OutputFile file, Path target) {
        return outputs.download(file, target);
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
                                                 ParamSource params, String labels, String jobId,
                                                 Map<String, String> correlation) {
        return run(source, load, params, labels, jobId, correlation, null, null, null);
    }

    private CompletableFuture<ExecuteResult> run(WorkflowSource source,
                                                 Supplier<CompletableFuture<LoadedWorkflow>> load,
                                                 ParamSource params, String labels, String jobId,
                                                 Map<String, String> correlation, SubscriptionOptions options,
                                                 Consumer<? super ComfyEvent> events, Priority priority) {
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
            PromptRequest request = loaded.toRequest(source, params, start, config.getTimeout())
                    .withJobId(jobId).withServerLabels(labels).withPriority(priority);
            ExecutionError unmatched = unmatchedLabels(request);
            if (unmatched != null) {
                result.complete(ExecuteResult.failure(null, (System.nanoTime() - start) / 1e9, unmatched));
                return;
            }
            Runnable unwatch = null;
            if (events != null) {
                try {
                    unwatch = connections.events().watch(request, options, events);
                } catch (IllegalStateException closed) {
                    // the client is closing: the execution ends as cancelled without events
                }
            }
            CompletableFuture<ExecuteResult> execution = durable != null
                    ? durable.execute(request, correlation) : backend.execute(request);
            if (unwatch != null) {
                Runnable stop = unwatch;
                execution.whenComplete((r, e) -> stop.run());
            }
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
     * Stops the client: executions in flight complete with a failed ({@code CANCELLED}) result. Without a job store,
     * the prompts this client submitted and still waits for are removed from the server's queue or interrupted
     * ({@code cancelOnClose}, the default; with {@code cancelOnClose=false} they keep running and can be awaited later
     * by id). With a job store nothing is cancelled: the jobs stay recorded, their leases are released, and another
     * instance (or this application after a restart) finishes them. Idempotent.
     */
    @Override
    public void close() {
        if (durable != null) {
            durable.close();
        }
        backend.close();
        connections.close();
        if (durable != null) {
            durable.shutdown();
        }
    }

    @Override
    public String toString() {
        return "ComfyKit[" + config + "]";
    }
}
