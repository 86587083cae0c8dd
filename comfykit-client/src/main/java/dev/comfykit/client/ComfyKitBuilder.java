package dev.comfykit.client;

import dev.comfykit.client.spi.DispatchStrategy;

import dev.comfykit.client.jobs.JobStore;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Builds a {@link ComfyKit}. Unset options come from the environment variables of the Python SDK, then from the
 * defaults (see {@link ComfyKitConfig}). Every value option is a {@link ClientOption}: set it by its named method or
 * generically with {@link #set(ClientOption, Object)}; values are checked when the configuration is resolved.
 */
public final class ComfyKitBuilder {

    // the options set so far; an option absent here comes from the environment, then from its default
    private final Map<ClientOption<?>, Object> values = new IdentityHashMap<>();
    private Executor executor;
    private HttpClient httpClient;
    private ClassLoader classLoader;
    private JobStore jobStore;
    private Function<String, String> environment = System::getenv;
    private List<ServerSpec> servers;
    private DispatchStrategy dispatchStrategy;

    ComfyKitBuilder() {
    }

    /**
     * Sets an option of the table; {@code null} unsets it (the environment variable or the default then apply).
     * The value is checked by {@link #resolve()} and {@link #build()}, which name the option when it is invalid.
     */
    public <T> ComfyKitBuilder set(ClientOption<T> option, T value) {
        Objects.requireNonNull(option, "option");
        if (value == null) {
            values.remove(option);
        } else {
            values.put(option, option.type().cast(value));
        }
        return this;
    }

    /** The value set for an option, or {@code null} when it was not set on this builder. */
    <T> T value(ClientOption<T> option) {
        return option.type().cast(values.get(option));
    }

    /** The local ComfyUI server, e.g. {@code http://127.0.0.1:8188} (may include a path prefix). */
    public ComfyKitBuilder comfyuiUrl(String url) {
        return set(ClientOption.COMFYUI_URL, url);
    }

    /** How completion is detected: {@code HTTP} polling or one shared {@code WEBSOCKET}. */
    public ComfyKitBuilder executorType(ExecutorType type) {
        return set(ClientOption.EXECUTOR_TYPE, type);
    }

    /** The executor type by name: {@code http} or {@code websocket}. */
    public ComfyKitBuilder executorType(String type) {
        return set(ClientOption.EXECUTOR_TYPE, type == null ? null : ExecutorType.parse(type));
    }

    /**
     * The ComfyUI api key: sent as {@code Authorization: Bearer} to the ComfyUI server only, and as
     * {@code extra_data.api_key_comfy_org} for paid API nodes.
     */
    public ComfyKitBuilder apiKey(String key) {
        return set(ClientOption.API_KEY, key);
    }

    /**
     * Cookies for the ComfyUI server: a JSON object, {@code k1=v1; k2=v2}, or an http(s) URL whose body is one of
     * these.
     */
    public ComfyKitBuilder cookies(String value) {
        return set(ClientOption.COOKIES, value);
    }

    /** The RunningHub site: {@code https://www.runninghub.ai} or {@code https://www.runninghub.cn}. */
    public ComfyKitBuilder runninghubUrl(String url) {
        return set(ClientOption.RUNNINGHUB_URL, url);
    }

    /** The RunningHub api key (defaults to the ComfyUI api key). */
    public ComfyKitBuilder runninghubApiKey(String key) {
        return set(ClientOption.RUNNINGHUB_API_KEY, key);
    }

    /** The time limit of a whole RunningHub task; on expiry the task is cancelled on RunningHub. */
    public ComfyKitBuilder runninghubTimeout(Duration limit) {
        return set(ClientOption.RUNNINGHUB_TIMEOUT, limit);
    }

    /** How many times a RunningHub request that can succeed later is retried. */
    public ComfyKitBuilder runninghubRetryCount(int count) {
        return set(ClientOption.RUNNINGHUB_RETRY_COUNT, count);
    }

    /** The RunningHub machine class: {@code plus} for 48 GB GPUs; unset for the default 24 GB. */
    public ComfyKitBuilder runninghubInstanceType(String type) {
        return set(ClientOption.RUNNINGHUB_INSTANCE_TYPE, type);
    }

    /** How often a RunningHub task's state is polled (default 3 s; RunningHub's own clients poll every 2-5 s). */
    public ComfyKitBuilder runninghubPollInterval(Duration interval) {
        return set(ClientOption.RUNNINGHUB_POLL_INTERVAL, interval);
    }

    /**
     * How many RunningHub tasks may be open at once (default 1, RunningHub's own default for member keys); more
     * executions wait locally instead of failing with "queue full".
     */
    public ComfyKitBuilder runninghubMaxConcurrency(int tasks) {
        return set(ClientOption.RUNNINGHUB_MAX_CONCURRENCY, tasks);
    }

    /**
     * Which RunningHub API runs tasks: {@code v2} (the default: {@code /openapi/v2}, the key as Bearer, one query call
     * that carries the failure reason) or {@code v1} ({@code /task/openapi}, the key in the body).
     */
    public ComfyKitBuilder runninghubApiVersion(String version) {
        return set(ClientOption.RUNNINGHUB_API_VERSION, version);
    }

    /**
     * The public URL RunningHub calls when a task ends, e.g. {@code https://example.org/comfykit/webhook} (the query
     * parameter {@code token} is appended); needs {@link #webhookSecret(String)}. Calls reach the client through
     * {@link ComfyKit#webhooks()}.
     */
    public ComfyKitBuilder webhookUrl(String url) {
        return set(ClientOption.WEBHOOK_URL, url);
    }

    /** The secret token a webhook call must carry: at least 16 URL-safe characters. */
    public ComfyKitBuilder webhookSecret(String secret) {
        return set(ClientOption.WEBHOOK_SECRET, secret);
    }

    /** With a webhook: the interval of the fallback polling, i.e. how late a lost webhook's task end is noticed. */
    public ComfyKitBuilder webhookGracePeriod(Duration period) {
        return set(ClientOption.WEBHOOK_GRACE_PERIOD, period);
    }

    /** The time limit of a whole execution; on expiry the prompt is cancelled on the server. */
    public ComfyKitBuilder timeout(Duration limit) {
        return set(ClientOption.TIMEOUT, limit);
    }

    /** The time limit for opening a connection. */
    public ComfyKitBuilder connectTimeout(Duration limit) {
        return set(ClientOption.CONNECT_TIMEOUT, limit);
    }

    /** The time limit of each HTTP request. */
    public ComfyKitBuilder requestTimeout(Duration limit) {
        return set(ClientOption.REQUEST_TIMEOUT, limit);
    }

    /** The largest media value that is uploaded (files, streams, downloaded URLs); default 100 MiB. */
    public ComfyKitBuilder maxUploadBytes(long bytes) {
        return set(ClientOption.MAX_UPLOAD_BYTES, bytes);
    }

    /**
     * The largest JSON answer read from a ComfyUI server ({@code /history}, {@code /queue}, {@code /object_info},
     * jobs); a larger answer fails the prompt that needed it. Default 64 MiB.
     */
    public ComfyKitBuilder maxResponseBytes(long bytes) {
        return set(ClientOption.MAX_RESPONSE_BYTES, bytes);
    }

    /**
     * The largest output file downloaded from a ComfyUI server (saved, streamed or read); a larger one fails that
     * download with an error naming this option. Default 4 GiB.
     */
    public ComfyKitBuilder maxOutputBytes(long bytes) {
        return set(ClientOption.MAX_OUTPUT_BYTES, bytes);
    }

    /**
     * Where this client's prompts go in the server's queue (default {@link Priority#NORMAL}); the queue is shared
     * with other clients of the server.
     */
    public ComfyKitBuilder priority(Priority priority) {
        return set(ClientOption.PRIORITY, priority == null ? null : priority.toString());
    }

    /**
     * Whether workflow, media and cookie URLs may name hosts that resolve to loopback, link-local, private or
     * unspecified addresses (default {@code false}: such downloads are refused, so that a URL cannot reach
     * internal services). The ComfyUI server's own URL is not affected. Set it for workflows or media served from
     * {@code http://127.0.0.1} or a private network.
     */
    public ComfyKitBuilder allowPrivateUrls(boolean allow) {
        return set(ClientOption.ALLOW_PRIVATE_URLS, allow);
    }

    /** Advanced: how long a prompt may be unknown to the server before it is reported lost (default 3 s). */
    public ComfyKitBuilder lostPromptGrace(Duration grace) {
        return set(ClientOption.LOST_PROMPT_GRACE, grace);
    }

    /** Advanced: how often the WebSocket executor double-checks the queue and history (default 5 s). */
    public ComfyKitBuilder reconcileInterval(Duration interval) {
        return set(ClientOption.RECONCILE_INTERVAL, interval);
    }

    /**
     * The executor that sends HTTP requests and reads files; its threads block for the duration of a request, so
     * its size bounds the requests in flight (default: 16 daemon threads owned by the client). Completions and
     * the callbacks of the returned futures run on it.
     */
    public ComfyKitBuilder executor(Executor ioExecutor) {
        this.executor = ioExecutor;
        return this;
    }

    /**
     * The HTTP client for requests to ComfyUI (default: HTTP/1.1, no redirects, the connect timeout). Its
     * authenticator and cookie handler, if any, are the application's responsibility.
     */
    public ComfyKitBuilder httpClient(HttpClient client) {
        this.httpClient = client;
        return this;
    }

    /**
     * Where jobs are recorded so that they survive this JVM (see the {@code dev.comfykit.client.jobs} package):
     * each execution's prompt is written before it is submitted, this client renews the leases of the jobs it tracks,
     * and claims and finishes the jobs of instances whose lease ended. {@code null} (the default) keeps jobs in
     * memory only, as before. The client starts the store ({@link JobStore#start()}) but does not close it: the
     * application that made it does.
     */
    public ComfyKitBuilder jobStore(JobStore store) {
        this.jobStore = store;
        return this;
    }

    /** How long a job store lease lasts without renewal (default 30s). */
    public ComfyKitBuilder leaseDuration(Duration lease) {
        return set(ClientOption.LEASE_DURATION, lease);
    }

    /** Whether closing the client cancels its prompts on the server (default true; ignored with a job store). */
    public ComfyKitBuilder cancelOnClose(boolean cancel) {
        return set(ClientOption.CANCEL_ON_CLOSE, cancel);
    }

    /** The class loader for {@code classpath:} workflows (default: the thread's context class loader). */
    public ComfyKitBuilder classLoader(ClassLoader loader) {
        this.classLoader = loader;
        return this;
    }

    /**
     * A pool of ComfyUI servers instead of the one {@code comfyuiUrl} server (overrides the {@code servers} option);
     * {@code null} or empty unsets it. A list of one server is a pool of one (its cap and failover attempts apply).
     */
    public ComfyKitBuilder servers(List<ServerSpec> pool) {
        this.servers = pool == null || pool.isEmpty() ? null : List.copyOf(pool);
        return this;
    }

    /** The servers of a pool, as the {@code servers} option's text (see {@link ServerSpec}). */
    public ComfyKitBuilder servers(String text) {
        return set(ClientOption.SERVERS, text);
    }

    /** How a pool picks a server for a prompt (overrides the {@code dispatch} option), e.g. an own strategy. */
    public ComfyKitBuilder dispatchStrategy(DispatchStrategy strategy) {
        this.dispatchStrategy = strategy;
        return this;
    }

    /** How many times a pool runs a prompt when servers fail before running it (default 3; 1 = no failover). */
    public ComfyKitBuilder maxAttempts(int attempts) {
        return set(ClientOption.MAX_ATTEMPTS, attempts);
    }

    /** Where environment variables are read from (default {@link System#getenv(String)}). */
    public ComfyKitBuilder environment(Function<String, String> lookup) {
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

    List<ServerSpec> servers() {
        return servers;
    }

    DispatchStrategy dispatchStrategy() {
        return dispatchStrategy;
    }

    Executor executor() {
        return executor;
    }

    HttpClient httpClient() {
        return httpClient;
    }

    JobStore jobStore() {
        return jobStore;
    }

    ClassLoader classLoader() {
        return classLoader;
    }
}
