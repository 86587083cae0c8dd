package dev.comfykit.client;

import dev.comfykit.client.spi.DispatchStrategy;

import dev.comfykit.client.jobs.JobStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The resolved configuration of a {@link ComfyKit}: every {@link ClientOption} after applying, in order of priority,
 * the builder's value, the environment variable of the Python SDK, the option it falls back to, and the default.
 * Immutable; {@link #toString()} masks secrets. The table below is {@link ClientOption#all()} (a test keeps it so).
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>environment variable</th><th>default</th></tr>
 * <tr><td>comfyuiUrl</td><td>COMFYUI_BASE_URL</td><td>http://127.0.0.1:8188</td></tr>
 * <tr><td>executorType</td><td>COMFYUI_EXECUTOR_TYPE</td><td>HTTP</td></tr>
 * <tr><td>apiKey</td><td>COMFYUI_API_KEY</td><td>none</td></tr>
 * <tr><td>cookies</td><td>COMFYUI_COOKIES</td><td>none</td></tr>
 * <tr><td>runninghubUrl</td><td>RUNNINGHUB_BASE_URL</td><td>https://www.runninghub.ai</td></tr>
 * <tr><td>runninghubApiKey</td><td>RUNNINGHUB_API_KEY</td><td>apiKey</td></tr>
 * <tr><td>runninghubTimeout</td><td>RUNNINGHUB_TIMEOUT (seconds)</td><td>30m</td></tr>
 * <tr><td>runninghubRetryCount</td><td>RUNNINGHUB_RETRY_COUNT</td><td>3</td></tr>
 * <tr><td>runninghubInstanceType</td><td>RUNNINGHUB_INSTANCE_TYPE</td><td>none (24 GB)</td></tr>
 * <tr><td>runninghubPollInterval</td><td></td><td>3s</td></tr>
 * <tr><td>runninghubMaxConcurrency</td><td></td><td>1</td></tr>
 * <tr><td>runninghubApiVersion</td><td></td><td>v2</td></tr>
 * <tr><td>webhookUrl</td><td></td><td>none (polling only)</td></tr>
 * <tr><td>webhookSecret</td><td></td><td>none</td></tr>
 * <tr><td>webhookGracePeriod</td><td></td><td>60s</td></tr>
 * <tr><td>timeout</td><td></td><td>10m</td></tr>
 * <tr><td>connectTimeout</td><td></td><td>10s</td></tr>
 * <tr><td>requestTimeout</td><td></td><td>60s</td></tr>
 * <tr><td>maxUploadBytes</td><td></td><td>104857600 (100 MiB)</td></tr>
 * <tr><td>maxResponseBytes</td><td></td><td>67108864 (64 MiB)</td></tr>
 * <tr><td>maxOutputBytes</td><td></td><td>4294967296 (4 GiB)</td></tr>
 * <tr><td>priority</td><td></td><td>normal</td></tr>
 * <tr><td>allowPrivateUrls</td><td></td><td>false</td></tr>
 * <tr><td>lostPromptGrace</td><td></td><td>3s</td></tr>
 * <tr><td>reconcileInterval</td><td></td><td>5s</td></tr>
 * <tr><td>servers</td><td></td><td>none (the comfyuiUrl server)</td></tr>
 * <tr><td>dispatch</td><td></td><td>least-queue</td></tr>
 * <tr><td>maxAttempts</td><td></td><td>3</td></tr>
 * <tr><td>failoverOnExecutionError</td><td></td><td>false</td></tr>
 * <tr><td>serverLabels</td><td></td><td>none (every server)</td></tr>
 * <tr><td>cancelOnClose</td><td></td><td>true</td></tr>
 * <tr><td>leaseDuration</td><td></td><td>30s</td></tr>
 * <tr><td>jobStoreRetention</td><td></td><td>168h</td></tr>
 * </table>
 */
public final class ComfyKitConfig {

    /** The default local ComfyUI address. */
    public static final String DEFAULT_COMFYUI_URL = ClientOption.COMFYUI_URL.defaultValue();
    /** The default RunningHub site (use {@code https://www.runninghub.cn} for keys of the Chinese site). */
    public static final String DEFAULT_RUNNINGHUB_URL = ClientOption.RUNNINGHUB_URL.defaultValue();
    public static final Duration DEFAULT_TIMEOUT = ClientOption.TIMEOUT.defaultValue();
    public static final Duration DEFAULT_RUNNINGHUB_TIMEOUT = ClientOption.RUNNINGHUB_TIMEOUT.defaultValue();
    public static final Duration DEFAULT_CONNECT_TIMEOUT = ClientOption.CONNECT_TIMEOUT.defaultValue();
    public static final Duration DEFAULT_REQUEST_TIMEOUT = ClientOption.REQUEST_TIMEOUT.defaultValue();
    public static final int DEFAULT_RUNNINGHUB_RETRY_COUNT = ClientOption.RUNNINGHUB_RETRY_COUNT.defaultValue();
    public static final long DEFAULT_MAX_UPLOAD_BYTES = ClientOption.MAX_UPLOAD_BYTES.defaultValue();
    public static final Duration DEFAULT_LOST_PROMPT_GRACE = ClientOption.LOST_PROMPT_GRACE.defaultValue();
    public static final Duration DEFAULT_RECONCILE_INTERVAL = ClientOption.RECONCILE_INTERVAL.defaultValue();
    public static final Duration DEFAULT_RUNNINGHUB_POLL_INTERVAL =
            ClientOption.RUNNINGHUB_POLL_INTERVAL.defaultValue();
    public static final int DEFAULT_RUNNINGHUB_MAX_CONCURRENCY =
            ClientOption.RUNNINGHUB_MAX_CONCURRENCY.defaultValue();

    // every option of the table, resolved and valid; null for an option that is set nowhere and has no default
    private final Map<ClientOption<?>, Object> values;
    private final URI comfyuiUrl;
    private final URI runninghubUrl;
    private final Executor executor;
    private final HttpClient httpClient;
    private final ClassLoader classLoader;
    private final List<ServerSpec> servers;
    private final DispatchStrategy dispatchStrategy;
    private final JobStore jobStore;

    ComfyKitConfig(ComfyKitBuilder builder, Function<String, String> environment) {
        Function<String, String> env = name -> {
            String value = environment.apply(name);
            return value == null || value.isBlank() ? null : value.trim();
        };
        Map<ClientOption<?>, Object> resolved = new IdentityHashMap<>();
        for (ClientOption<?> option : ClientOption.all()) {
            resolved.put(option, resolve(option, builder, env, resolved));
        }
        this.values = Collections.unmodifiableMap(resolved);
        if (resolved.get(ClientOption.WEBHOOK_URL) != null && resolved.get(ClientOption.WEBHOOK_SECRET) == null) {
            throw new IllegalArgumentException("webhookUrl is set but webhookSecret is not: set webhookSecret"
                    + " to a random token of at least "
                    + ClientOption.MIN_WEBHOOK_SECRET_LENGTH + " characters, so that only RunningHub can call the"
                    + " webhook");
        }
        this.comfyuiUrl = URI.create(get(ClientOption.COMFYUI_URL));
        this.runninghubUrl = URI.create(get(ClientOption.RUNNINGHUB_URL));
        this.executor = builder.executor();
        this.httpClient = builder.httpClient();
        this.classLoader = builder.classLoader();
        this.jobStore = builder.jobStore();
        this.servers = builder.servers() != null ? List.copyOf(builder.servers())
                : List.copyOf(ServerSpec.parseList(get(ClientOption.SERVERS)));
        this.dispatchStrategy = builder.dispatchStrategy() != null ? builder.dispatchStrategy()
                : DispatchStrategy.named(get(ClientOption.DISPATCH));
    }

    /** Builder, environment, fallback, default: the first that is set wins, and it must be valid. */
    private static <T> T resolve(ClientOption<T> option, ComfyKitBuilder builder, Function<String, String> env,
                                 Map<ClientOption<?>, Object> resolved) {
        T value = builder.value(option);
        if (value instanceof String text) {
            // a blank text counts as unset, as in the Python SDK
            value = text.isBlank() ? null : option.type().cast(text.trim());
        }
        if (value == null) {
            String text = option.environmentVariable().map(env).orElse(null);
            if (text != null) {
                value = option.parseEnvironment(text);
            } else if (option.fallback().isPresent()) {
                value = option.type().cast(resolved.get(option.fallback().get()));
            } else {
                value = option.defaultValue();
            }
        }
        return value == null ? null : option.validate(value);
    }

    /** The resolved value of an option, or {@code null} when it is set nowhere and has no default. */
    public <T> T get(ClientOption<T> option) {
        return option.type().cast(values.get(option));
    }

    /** The base URL of the local ComfyUI server. */
    public URI getComfyuiUrl() {
        return comfyuiUrl;
    }

    public ExecutorType getExecutorType() {
        return get(ClientOption.EXECUTOR_TYPE);
    }

    /** The ComfyUI api key, or {@code null}. Never log it. */
    public String getApiKey() {
        return get(ClientOption.API_KEY);
    }

    /** The cookies option, or {@code null}. Never log it. */
    public String getCookies() {
        return get(ClientOption.COOKIES);
    }

    public URI getRunninghubUrl() {
        return runninghubUrl;
    }

    /** The RunningHub api key (falls back to the ComfyUI api key), or {@code null}. Never log it. */
    public String getRunninghubApiKey() {
        return get(ClientOption.RUNNINGHUB_API_KEY);
    }

    public Duration getRunninghubTimeout() {
        return get(ClientOption.RUNNINGHUB_TIMEOUT);
    }

    public int getRunninghubRetryCount() {
        return get(ClientOption.RUNNINGHUB_RETRY_COUNT);
    }

    public String getRunninghubInstanceType() {
        return get(ClientOption.RUNNINGHUB_INSTANCE_TYPE);
    }

    /** How often a RunningHub task's state is polled (default 3 s). */
    public Duration getRunninghubPollInterval() {
        return get(ClientOption.RUNNINGHUB_POLL_INTERVAL);
    }

    /** How many RunningHub tasks may be open at once; more executions wait locally (default 1). */
    public int getRunninghubMaxConcurrency() {
        return get(ClientOption.RUNNINGHUB_MAX_CONCURRENCY);
    }

    /** Which RunningHub API runs tasks: {@code v1} or {@code v2}. */
    public String getRunninghubApiVersion() {
        return get(ClientOption.RUNNINGHUB_API_VERSION);
    }

    /** The public URL RunningHub calls when a task ends (without the token), or {@code null}: polling only. */
    public String getWebhookUrl() {
        return get(ClientOption.WEBHOOK_URL);
    }

    /** The token a webhook call must carry, or {@code null}. Never log it. */
    public String getWebhookSecret() {
        return get(ClientOption.WEBHOOK_SECRET);
    }

    /** With a webhook: the interval of the fallback polling (at least the poll interval). */
    public Duration getWebhookGracePeriod() {
        return get(ClientOption.WEBHOOK_GRACE_PERIOD);
    }

    /** The time limit of a whole execution on ComfyUI. */
    public Duration getTimeout() {
        return get(ClientOption.TIMEOUT);
    }

    public Duration getConnectTimeout() {
        return get(ClientOption.CONNECT_TIMEOUT);
    }

    /** The time limit of each HTTP request. */
    public Duration getRequestTimeout() {
        return get(ClientOption.REQUEST_TIMEOUT);
    }

    /** The largest media value uploaded (files, streams, downloaded URLs). */
    public long getMaxUploadBytes() {
        return get(ClientOption.MAX_UPLOAD_BYTES);
    }

    /** The largest JSON answer read from a ComfyUI server ({@code /history}, {@code /queue}, {@code /object_info}, jobs). */
    public long getMaxResponseBytes() {
        return get(ClientOption.MAX_RESPONSE_BYTES);
    }

    /** The largest output file downloaded from a ComfyUI server (saved, streamed or read). */
    public long getMaxOutputBytes() {
        return get(ClientOption.MAX_OUTPUT_BYTES);
    }

    /** Where this client's prompts go in the server's queue, unless a request says otherwise. */
    public Priority getPriority() {
        return Priority.parse(get(ClientOption.PRIORITY));
    }

    /**
     * Whether workflow, media and cookie URLs may name hosts on loopback, link-local or private networks (the ComfyUI
     * server's own URL always may).
     */
    public boolean isAllowPrivateUrls() {
        return get(ClientOption.ALLOW_PRIVATE_URLS);
    }

    /** How long a prompt may be unknown to the server before it is reported lost. */
    public Duration getLostPromptGrace() {
        return get(ClientOption.LOST_PROMPT_GRACE);
    }

    /** How often the WebSocket executor checks the queue and history as a safety net. */
    public Duration getReconcileInterval() {
        return get(ClientOption.RECONCILE_INTERVAL);
    }

    /**
     * The servers of a pool: those given to {@link ComfyKitBuilder#servers(List)}, else those of the {@code servers}
     * option; empty when the client talks to the one {@link #getComfyuiUrl()} server.
     */
    public List<ServerSpec> getServers() {
        return servers;
    }

    /** How a pool picks a server: the one given to the builder, else the {@code dispatch} option's. */
    public DispatchStrategy getDispatchStrategy() {
        return dispatchStrategy;
    }

    /** How many times a pool runs a prompt when servers fail before running it. */
    public int getMaxAttempts() {
        return get(ClientOption.MAX_ATTEMPTS);
    }

    /** Whether a pool also moves a prompt whose node failed. */
    public boolean isFailoverOnExecutionError() {
        return get(ClientOption.FAILOVER_ON_EXECUTION_ERROR);
    }

    /** Whether closing the client cancels its prompts on the server (ignored with a job store). */
    public boolean isCancelOnClose() {
        return get(ClientOption.CANCEL_ON_CLOSE);
    }

    /** How long a job store lease lasts without renewal. */
    public Duration getLeaseDuration() {
        return get(ClientOption.LEASE_DURATION);
    }

    /** How long finished jobs stay in the job store. */
    public Duration getJobStoreRetention() {
        return get(ClientOption.JOB_STORE_RETENTION);
    }

    /** The job store given by the application, or {@code null}: jobs live only in this client's memory. */
    public JobStore getJobStore() {
        return jobStore;
    }

    /** The executor for HTTP requests and file I/O given by the application, or {@code null}. */
    public Executor getExecutor() {
        return executor;
    }

    /** The HTTP client given by the application, or {@code null}. */
    public HttpClient getHttpClient() {
        return httpClient;
    }

    /** The class loader for {@code classpath:} workflows given by the application, or {@code null}. */
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public String toString() {
        StringJoiner text = new StringJoiner(", ", "ComfyKitConfig[", "]");
        for (ClientOption<?> option : ClientOption.all()) {
            Object value = values.get(option);
            text.add(option.name() + "=" + (option.secret() ? mask(value) : value));
        }
        if (jobStore != null) {
            text.add("jobStore=" + jobStore);
        }
        return text.toString();
    }

    private static String mask(Object secret) {
        return secret == null ? "none" : "****";
    }
}
