package dev.comfykit.client.internal.runninghub;

import java.net.URI;
import java.time.Duration;

/**
 * The RunningHub options an engine runs with.
 */
public final class RunningHubSettings {

    /** RunningHub's upload limit, for every file type. */
    public static final long MAX_UPLOAD_BYTES = 30L * 1024 * 1024;
    /** The v1 API: {@code /task/openapi/*}, the key in the body. */
    public static final String V1 = "v1";
    /** The v2 API: {@code /openapi/v2/*}, the key as Bearer. */
    public static final String V2 = "v2";

    final URI site;
    final String apiKey;
    final Duration timeout;
    final int retryCount;
    final String instanceType;
    final Duration pollInterval;
    final int maxConcurrency;
    final Duration requestTimeout;
    final long maxUploadBytes;
    /** {@link #V1} or {@link #V2}: which API the engine speaks. */
    final String apiVersion;
    /** The URL (with its token) RunningHub calls when a task ends, or {@code null}: polling only. */
    final String webhookCallbackUrl;
    /** With a webhook: the interval of the fallback polling. */
    final Duration webhookGracePeriod;

    /**
     * @param site           the RunningHub site (https://www.runninghub.ai or .cn)
     * @param apiKey         the key, or {@code null} (then every execution fails with a clear message)
     * @param timeout        the time limit of a whole task, after which it is cancelled on RunningHub
     * @param retryCount     how often a request that can succeed later is retried
     * @param instanceType   {@code plus} for 48 GB machines, or {@code null}
     * @param pollInterval   the interval between two status polls
     * @param maxConcurrency how many tasks may be open at once; more wait locally
     * @param requestTimeout the time limit of each request
     * @param maxUploadBytes the client's own upload limit (RunningHub's 30 MB applies in any case)
     * @param apiVersion     {@code v1} or {@code v2}
     */
    public RunningHubSettings(URI site, String apiKey, Duration timeout, int retryCount, String instanceType,
                              Duration pollInterval, int maxConcurrency, Duration requestTimeout,
                              long maxUploadBytes, String apiVersion) {
        this(site, apiKey, timeout, retryCount, instanceType, pollInterval, maxConcurrency, requestTimeout,
                maxUploadBytes, apiVersion, null, null);
    }

    private RunningHubSettings(URI site, String apiKey, Duration timeout, int retryCount, String instanceType,
                               Duration pollInterval, int maxConcurrency, Duration requestTimeout,
                               long maxUploadBytes, String apiVersion, String webhookCallbackUrl,
                               Duration webhookGracePeriod) {
        if (!V1.equals(apiVersion) && !V2.equals(apiVersion)) {
            throw new IllegalArgumentException("runninghubApiVersion must be v1 or v2, got '" + apiVersion + "'");
        }
        this.apiVersion = apiVersion;
        this.site = site;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.retryCount = retryCount;
        this.instanceType = instanceType;
        this.pollInterval = pollInterval;
        this.maxConcurrency = maxConcurrency;
        this.requestTimeout = requestTimeout;
        this.maxUploadBytes = Math.min(maxUploadBytes, MAX_UPLOAD_BYTES);
        this.webhookCallbackUrl = webhookCallbackUrl;
        this.webhookGracePeriod = webhookGracePeriod;
    }

    /**
     * These settings with a webhook: RunningHub calls {@code callbackUrl} when a task ends, and waiting executions
     * poll only every {@code gracePeriod} (the fallback when a webhook is lost).
     */
    public RunningHubSettings withWebhook(String callbackUrl, Duration gracePeriod) {
        return new RunningHubSettings(site, apiKey, timeout, retryCount, instanceType, pollInterval, maxConcurrency,
                requestTimeout, maxUploadBytes, apiVersion, callbackUrl, gracePeriod);
    }

    /** How often a waiting execution polls: the poll interval, or with a webhook the (longer) grace period. */
    Duration waitingPollInterval() {
        if (webhookCallbackUrl == null || webhookGracePeriod.compareTo(pollInterval) < 0) {
            return pollInterval;
        }
        return webhookGracePeriod;
    }

    /** The first wait after a "queue full" answer: 5 s with the default 3 s poll interval. */
    long capacityBackoffNanos(int attempt) {
        double first = pollInterval.toNanos() * 5.0 / 3.0;
        return (long) Math.min(Duration.ofSeconds(60).toNanos(), first * Math.pow(1.4, attempt));
    }

    /** The wait before retrying a failed request: 1, 2, 4, 8 s with the default 3 s poll interval. */
    long retryBackoffNanos(int attempt) {
        long first = pollInterval.toNanos() / 3;
        return first << Math.min(attempt, 3);
    }
}
