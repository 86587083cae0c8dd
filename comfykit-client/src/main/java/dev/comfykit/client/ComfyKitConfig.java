package dev.comfykit.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The resolved configuration of a {@link ComfyKit}: every option after applying, in order of priority, the
 * builder's value, the environment variable of the Python SDK, and the default. Immutable; {@link #toString()}
 * masks secrets.
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>environment variable</th><th>default</th></tr>
 * <tr><td>comfyuiUrl</td><td>COMFYUI_BASE_URL</td><td>http://127.0.0.1:8188</td></tr>
 * <tr><td>executorType</td><td>COMFYUI_EXECUTOR_TYPE</td><td>http</td></tr>
 * <tr><td>apiKey</td><td>COMFYUI_API_KEY</td><td>none</td></tr>
 * <tr><td>cookies</td><td>COMFYUI_COOKIES</td><td>none</td></tr>
 * <tr><td>runninghubUrl</td><td>RUNNINGHUB_BASE_URL</td><td>https://www.runninghub.ai</td></tr>
 * <tr><td>runninghubApiKey</td><td>RUNNINGHUB_API_KEY</td><td>apiKey</td></tr>
 * <tr><td>runninghubTimeout</td><td>RUNNINGHUB_TIMEOUT (seconds)</td><td>30 minutes</td></tr>
 * <tr><td>runninghubRetryCount</td><td>RUNNINGHUB_RETRY_COUNT</td><td>3</td></tr>
 * <tr><td>runninghubInstanceType</td><td>RUNNINGHUB_INSTANCE_TYPE</td><td>none (24 GB)</td></tr>
 * <tr><td>runninghubPollInterval</td><td></td><td>3 seconds</td></tr>
 * <tr><td>runninghubMaxConcurrency</td><td></td><td>1</td></tr>
 * <tr><td>timeout</td><td></td><td>10 minutes</td></tr>
 * <tr><td>connectTimeout</td><td></td><td>10 seconds</td></tr>
 * <tr><td>requestTimeout</td><td></td><td>60 seconds</td></tr>
 * <tr><td>maxUploadBytes</td><td></td><td>100 MiB</td></tr>
 * <tr><td>allowPrivateUrls</td><td></td><td>false</td></tr>
 * </table>
 */
public final class ComfyKitConfig {

    /** The default local ComfyUI address. */
    public static final String DEFAULT_COMFYUI_URL = "http://127.0.0.1:8188";
    /** The default RunningHub site (use {@code https://www.runninghub.cn} for keys of the Chinese site). */
    public static final String DEFAULT_RUNNINGHUB_URL = "https://www.runninghub.ai";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_RUNNINGHUB_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_RUNNINGHUB_RETRY_COUNT = 3;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 100L * 1024 * 1024;
    public static final Duration DEFAULT_LOST_PROMPT_GRACE = Duration.ofSeconds(3);
    public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RUNNINGHUB_POLL_INTERVAL = Duration.ofSeconds(3);
    public static final int DEFAULT_RUNNINGHUB_MAX_CONCURRENCY = 1;

    private final URI comfyuiUrl;
    private final ExecutorType executorType;
    private final String apiKey;
    private final String cookies;
    private final URI runninghubUrl;
    private final String runninghubApiKey;
    private final Duration runninghubTimeout;
    private final int runninghubRetryCount;
    private final String runninghubInstanceType;
    private final Duration runninghubPollInterval;
    private final int runninghubMaxConcurrency;
    private final Duration timeout;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final long maxUploadBytes;
    private final boolean allowPrivateUrls;
    private final Duration lostPromptGrace;
    private final Duration reconcileInterval;
    private final Executor executor;
    private final HttpClient httpClient;
    private final ClassLoader classLoader;

    ComfyKitConfig(ComfyKit.Builder b, Function<String, String> environment) {
        Function<String, String> env = name -> {
            String value = environment.apply(name);
            return value == null || value.isBlank() ? null : value.trim();
        };
        this.comfyuiUrl = url(first(b.comfyuiUrl, env.apply("COMFYUI_BASE_URL"), DEFAULT_COMFYUI_URL),
                "comfyuiUrl", "COMFYUI_BASE_URL");
        String type = env.apply("COMFYUI_EXECUTOR_TYPE");
        this.executorType = b.executorType != null ? b.executorType
                : type != null ? ExecutorType.parse(type) : ExecutorType.HTTP;
        this.apiKey = first(b.apiKey, env.apply("COMFYUI_API_KEY"), null);
        this.cookies = first(b.cookies, env.apply("COMFYUI_COOKIES"), null);
        this.runninghubUrl = url(first(b.runninghubUrl, env.apply("RUNNINGHUB_BASE_URL"), DEFAULT_RUNNINGHUB_URL),
                "runninghubUrl", "RUNNINGHUB_BASE_URL");
        this.runninghubApiKey = first(b.runninghubApiKey, env.apply("RUNNINGHUB_API_KEY"), apiKey);
        this.runninghubTimeout = positive(b.runninghubTimeout != null ? b.runninghubTimeout
                : seconds(env.apply("RUNNINGHUB_TIMEOUT"), "RUNNINGHUB_TIMEOUT", DEFAULT_RUNNINGHUB_TIMEOUT),
                "runninghubTimeout");
        this.runninghubRetryCount = b.runninghubRetryCount != null ? nonNegative(b.runninghubRetryCount)
                : integer(env.apply("RUNNINGHUB_RETRY_COUNT"), "RUNNINGHUB_RETRY_COUNT",
                DEFAULT_RUNNINGHUB_RETRY_COUNT);
        this.runninghubInstanceType = first(b.runninghubInstanceType, env.apply("RUNNINGHUB_INSTANCE_TYPE"), null);
        this.runninghubPollInterval = positive(b.runninghubPollInterval == null ? DEFAULT_RUNNINGHUB_POLL_INTERVAL
                : b.runninghubPollInterval, "runninghubPollInterval");
        this.runninghubMaxConcurrency = b.runninghubMaxConcurrency == null ? DEFAULT_RUNNINGHUB_MAX_CONCURRENCY
                : b.runninghubMaxConcurrency;
        if (runninghubMaxConcurrency < 1) {
            throw new IllegalArgumentException("runninghubMaxConcurrency must be at least 1, got "
                    + runninghubMaxConcurrency);
        }
        this.timeout = positive(b.timeout == null ? DEFAULT_TIMEOUT : b.timeout, "timeout");
        this.connectTimeout = positive(b.connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : b.connectTimeout,
                "connectTimeout");
        this.requestTimeout = positive(b.requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : b.requestTimeout,
                "requestTimeout");
        this.maxUploadBytes = b.maxUploadBytes == null ? DEFAULT_MAX_UPLOAD_BYTES : b.maxUploadBytes;
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("maxUploadBytes must be positive, got " + maxUploadBytes);
        }
        this.allowPrivateUrls = b.allowPrivateUrls;
        this.lostPromptGrace = positive(b.lostPromptGrace == null ? DEFAULT_LOST_PROMPT_GRACE : b.lostPromptGrace,
                "lostPromptGrace");
        this.reconcileInterval = positive(b.reconcileInterval == null ? DEFAULT_RECONCILE_INTERVAL
                : b.reconcileInterval, "reconcileInterval");
        this.executor = b.executor;
        this.httpClient = b.httpClient;
        this.classLoader = b.classLoader;
    }

    private static String first(String explicit, String fromEnvironment, String fallback) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit.trim();
        }
        return fromEnvironment != null ? fromEnvironment : fallback;
    }

    private static URI url(String value, String option, String variable) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                String host = uri.getHost().toLowerCase(Locale.ROOT);
                if (host.equals("runninghub.ai") || host.equals("runninghub.cn")) {
                    // the API checks the Host header, which must be the www. name
                    throw new IllegalArgumentException(option + " '" + value + "' must name the www host: use"
                            + " https://www." + host + " (option " + option + ", environment variable " + variable
                            + ")");
                }
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below with the option's name
        }
        throw new IllegalArgumentException(option + " '" + value + "' is not an http(s) base URL such as "
                + (option.equals("comfyuiUrl") ? DEFAULT_COMFYUI_URL : DEFAULT_RUNNINGHUB_URL)
                + " (option " + option + ", environment variable " + variable + ")");
    }

    private static Duration seconds(String value, String variable, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a number of seconds, got '" + value + "'");
        }
    }

    private static int integer(String value, String variable, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return nonNegative(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a whole number, got '" + value + "'");
        }
    }

    private static int nonNegative(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("runninghubRetryCount must not be negative, got " + value);
        }
        return value;
    }

    private static Duration positive(Duration value, String option) {
        Objects.requireNonNull(value, option);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
        return value;
    }

    /** The base URL of the local ComfyUI server. */
    public URI getComfyuiUrl() {
        return comfyuiUrl;
    }

    public ExecutorType getExecutorType() {
        return executorType;
    }

    /** The ComfyUI api key, or {@code null}. Never log it. */
    public String getApiKey() {
        return apiKey;
    }

    /** The cookies option, or {@code null}. Never log it. */
    public String getCookies() {
        return cookies;
    }

    public URI getRunninghubUrl() {
        return runninghubUrl;
    }

    /** The RunningHub api key (falls back to the ComfyUI api key), or {@code null}. Never log it. */
    public String getRunninghubApiKey() {
        return runninghubApiKey;
    }

    public Duration getRunninghubTimeout() {
        return runninghubTimeout;
    }

    public int getRunninghubRetryCount() {
        return runninghubRetryCount;
    }

    public String getRunninghubInstanceType() {
        return runninghubInstanceType;
    }

    /** How often a RunningHub task's state is polled (default 3 s). */
    public Duration getRunninghubPollInterval() {
        return runninghubPollInterval;
    }

    /** How many RunningHub tasks may be open at once; more executions wait locally (default 1). */
    public int getRunninghubMaxConcurrency() {
        return runninghubMaxConcurrency;
    }

    /** The time limit of a whole execution on ComfyUI. */
    public Duration getTimeout() {
        return timeout;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /** The time limit of each HTTP request. */
    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    /** The largest media value uploaded (files, streams, downloaded URLs). */
    public long getMaxUploadBytes() {
        return maxUploadBytes;
    }

    /**
     * Whether workflow, media and cookie URLs may name hosts on loopback, link-local or private networks (the ComfyUI
     * server's own URL always may).
     */
    public boolean isAllowPrivateUrls() {
        return allowPrivateUrls;
    }

    /** How long a prompt may be unknown to the server before it is reported lost. */
    public Duration getLostPromptGrace() {
        return lostPromptGrace;
    }

    /** How often the WebSocket executor checks the queue and history as a safety net. */
    public Duration getReconcileInterval() {
        return reconcileInterval;
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
        return "ComfyKitConfig[comfyuiUrl=" + comfyuiUrl + ", executorType=" + executorType
                + ", apiKey=" + mask(apiKey) + ", cookies=" + mask(cookies)
                + ", runninghubUrl=" + runninghubUrl + ", runninghubApiKey=" + mask(runninghubApiKey)
                + ", runninghubTimeout=" + runninghubTimeout + ", runninghubRetryCount=" + runninghubRetryCount
                + ", runninghubInstanceType=" + runninghubInstanceType
                + ", runninghubPollInterval=" + runninghubPollInterval
                + ", runninghubMaxConcurrency=" + runninghubMaxConcurrency + ", timeout=" + timeout
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", allowPrivateUrls=" + allowPrivateUrls + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "none" : "****";
    }
}
