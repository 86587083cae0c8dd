package dev.comfykit.camel;

import dev.comfykit.client.ClientOption;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecutorType;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.Metadata;
import dev.comfykit.client.jobs.JobStore;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of the {@code comfykit:} component, set on the component (defaults for all endpoints) and on each
 * endpoint; each endpoint works on its own copy.
 */
@UriParams
@Configurer
public class ComfyKitConfiguration implements Cloneable {

    // the client's options take their defaults from the client's option table (ClientOption), so they cannot differ
    @UriParam(label = "common", defaultValue = ClientOption.Defaults.COMFYUI_URL)
    private String comfyuiUrl = ClientOption.COMFYUI_URL.defaultValue();
    @UriParam(label = "common", defaultValue = ClientOption.Defaults.EXECUTOR_TYPE, enums = "HTTP,WEBSOCKET")
    private ExecutorType executorType = ClientOption.EXECUTOR_TYPE.defaultValue();
    @UriParam(label = "common", defaultValue = ClientOption.Defaults.TIMEOUT, javaType = "java.time.Duration")
    private long timeout = ClientOption.TIMEOUT.defaultValue().toMillis();
    @UriParam(label = "producer", defaultValue = "execute")
    private ComfyKitOperation operation = ComfyKitOperation.execute;
    @UriParam(label = "producer", prefix = "param.", multiValue = true)
    private Map<String, Object> param = new LinkedHashMap<>();
    @UriParam(label = "producer", prefix = "defaultParam.", multiValue = true)
    private Map<String, Object> defaultParam = new LinkedHashMap<>();
    @UriParam(label = "producer,security")
    private String headerParams;
    @UriParam(label = "producer,security")
    private String allowedMediaDirectories;
    @UriParam(label = "producer,security")
    private String allowedMediaUrls;
    @UriParam(label = "security", defaultValue = ClientOption.Defaults.ALLOW_PRIVATE_URLS)
    private boolean allowPrivateUrls = ClientOption.ALLOW_PRIVATE_URLS.defaultValue();
    @UriParam(label = "producer")
    private String textParam;
    @UriParam(label = "producer")
    private String mediaParam;
    @UriParam(label = "producer")
    private String outputDirectory;
    @UriParam(label = "producer", defaultValue = "false")
    private boolean outputNameFromInput;
    @UriParam(label = "producer", defaultValue = "true")
    private boolean throwExceptionOnFailure = true;
    @UriParam(label = "security", secret = true)
    private String apiKey;
    @UriParam(label = "security", secret = true)
    private String cookieSecret;
    @UriParam(label = "runninghub", defaultValue = ClientOption.Defaults.RUNNINGHUB_URL)
    private String runninghubUrl = ClientOption.RUNNINGHUB_URL.defaultValue();
    @UriParam(label = "runninghub,security", secret = true)
    private String runninghubApiKey;
    @UriParam(label = "runninghub", defaultValue = ClientOption.Defaults.RUNNINGHUB_TIMEOUT,
            javaType = "java.time.Duration")
    private long runninghubTimeout = ClientOption.RUNNINGHUB_TIMEOUT.defaultValue().toMillis();
    @UriParam(label = "runninghub", defaultValue = ClientOption.Defaults.RUNNINGHUB_RETRY_COUNT)
    private int runninghubRetryCount = ClientOption.RUNNINGHUB_RETRY_COUNT.defaultValue();
    @UriParam(label = "runninghub", enums = "default,plus")
    private String runninghubInstanceType;
    @UriParam(label = "runninghub", defaultValue = ClientOption.Defaults.RUNNINGHUB_POLL_INTERVAL,
            javaType = "java.time.Duration")
    private long runninghubPollInterval = ClientOption.RUNNINGHUB_POLL_INTERVAL.defaultValue().toMillis();
    @UriParam(label = "runninghub", defaultValue = ClientOption.Defaults.RUNNINGHUB_MAX_CONCURRENCY)
    private int runninghubMaxConcurrency = ClientOption.RUNNINGHUB_MAX_CONCURRENCY.defaultValue();
    @UriParam(label = "runninghub", defaultValue = ClientOption.Defaults.RUNNINGHUB_API_VERSION, enums = "v1,v2")
    private String runninghubApiVersion = ClientOption.RUNNINGHUB_API_VERSION.defaultValue();
    @UriParam(label = "runninghub")
    private String webhookUrl;
    @UriParam(label = "runninghub,security", secret = true)
    private String webhookSecret;
    @UriParam(label = "runninghub", defaultValue = ClientOption.Defaults.WEBHOOK_GRACE_PERIOD,
            javaType = "java.time.Duration")
    private long webhookGracePeriod = ClientOption.WEBHOOK_GRACE_PERIOD.defaultValue().toMillis();
    @UriParam(label = "runninghub", defaultValue = DEFAULT_WEBHOOK_PATH)
    private String webhookPath = DEFAULT_WEBHOOK_PATH;
    @UriParam(label = "advanced", defaultValue = ClientOption.Defaults.CONNECT_TIMEOUT, javaType = "java.time.Duration")
    private long connectTimeout = ClientOption.CONNECT_TIMEOUT.defaultValue().toMillis();
    @UriParam(label = "advanced", defaultValue = ClientOption.Defaults.REQUEST_TIMEOUT, javaType = "java.time.Duration")
    private long requestTimeout = ClientOption.REQUEST_TIMEOUT.defaultValue().toMillis();
    @UriParam(label = "advanced", defaultValue = ClientOption.Defaults.MAX_UPLOAD_BYTES)
    private long maxUploadBytes = ClientOption.MAX_UPLOAD_BYTES.defaultValue();
    @UriParam(label = "advanced", defaultValue = ClientOption.Defaults.MAX_RESPONSE_BYTES)
    private long maxResponseBytes = ClientOption.MAX_RESPONSE_BYTES.defaultValue();
    @UriParam(label = "advanced", defaultValue = ClientOption.Defaults.MAX_OUTPUT_BYTES)
    private long maxOutputBytes = ClientOption.MAX_OUTPUT_BYTES.defaultValue();
    @UriParam(label = "producer", defaultValue = ClientOption.Defaults.PRIORITY)
    private String priority = ClientOption.PRIORITY.defaultValue();
    @UriParam(label = "producer,security", defaultValue = "false")
    private boolean priorityFromHeader;
    @UriParam(label = "pool")
    private String servers;
    @UriParam(label = "pool", defaultValue = ClientOption.Defaults.DISPATCH,
            enums = "least-queue,round-robin,first-idle")
    private String dispatch = ClientOption.DISPATCH.defaultValue();
    @UriParam(label = "pool", defaultValue = ClientOption.Defaults.MAX_ATTEMPTS)
    private int maxAttempts = ClientOption.MAX_ATTEMPTS.defaultValue();
    @UriParam(label = "pool", defaultValue = ClientOption.Defaults.FAILOVER_ON_EXECUTION_ERROR)
    private boolean failoverOnExecutionError = ClientOption.FAILOVER_ON_EXECUTION_ERROR.defaultValue();
    @UriParam(label = "pool")
    private String serverLabels;
    @UriParam(label = "pool", defaultValue = "false")
    private boolean serverLabelsFromHeader;
    @UriParam(label = "advanced")
    @Metadata(autowired = true)
    private ComfyKit comfyKit;
    @UriParam(label = "advanced", defaultValue = ClientOption.Defaults.CANCEL_ON_CLOSE)
    private boolean cancelOnClose = ClientOption.CANCEL_ON_CLOSE.defaultValue();
    @UriParam(label = "jobs")
    private JobStore jobStore;
    @UriParam(label = "jobs", defaultValue = ClientOption.Defaults.LEASE_DURATION, javaType = "java.time.Duration")
    private long leaseDuration = ClientOption.LEASE_DURATION.defaultValue().toMillis();
    @UriParam(label = "jobs", defaultValue = ClientOption.Defaults.JOB_STORE_RETENTION,
            javaType = "java.time.Duration")
    private long jobStoreRetention = ClientOption.JOB_STORE_RETENTION.defaultValue().toMillis();
    @UriParam(label = "jobs")
    private String correlationHeaders;
    @UriParam(label = "consumer", defaultValue = "1s", javaType = "java.time.Duration")
    private long jobsPollInterval = 1000;

    public String getComfyuiUrl() {
        return comfyuiUrl;
    }

    /**
     * The base URL of the local ComfyUI server, e.g. http://127.0.0.1:8188 (a path prefix behind a reverse proxy
     * is allowed). Write {{env:COMFYUI_BASE_URL}} to take it from the environment.
     */
    public void setComfyuiUrl(String comfyuiUrl) {
        this.comfyuiUrl = comfyuiUrl;
    }

    public ExecutorType getExecutorType() {
        return executorType;
    }

    /**
     * How completion is detected on a local ComfyUI: HTTP polls (one shared poll for all executions in flight,
     * fast at first and backing off); WEBSOCKET listens on one WebSocket shared by all executions of the client.
     */
    public void setExecutorType(ExecutorType executorType) {
        this.executorType = executorType;
    }

    public long getTimeout() {
        return timeout;
    }

    /**
     * The time limit of a whole execution on ComfyUI (loading, uploads, queueing and running). When it expires the
     * prompt is cancelled on the server and the exchange fails with a ComfyKitTimeoutException.
     */
    public void setTimeout(long timeout) {
        this.timeout = timeout;
    }

    public ComfyKitOperation getOperation() {
        return operation;
    }

    /**
     * What to do: execute (run and wait), submit (return at once with the prompt id), await (wait for the prompt id
     * in the CamelComfyKitPromptId header), cancel (cancel that prompt) or describe (the workflow's params and
     * outputs). The CamelComfyKitOperation header overrides it per message.
     */
    public void setOperation(ComfyKitOperation operation) {
        this.operation = operation;
    }

    public Map<String, Object> getParam() {
        return param;
    }

    /**
     * Params fixed by the route, written param.NAME=value (e.g. param.width=512): locked, so that no message data
     * (body, headers, the CamelComfyKitParams header) can change them; a message that tries fails with a
     * ComfyKitValidationException. Checked against the workflow when the producer starts. Use defaultParam.NAME for
     * values that messages may override.
     */
    public void setParam(Map<String, Object> param) {
        this.param = param;
    }

    public Map<String, Object> getDefaultParam() {
        return defaultParam;
    }

    /**
     * Default params that messages may override, written defaultParam.NAME=value (e.g. defaultParam.steps=20); the
     * body, the headers listed in headerParams and the CamelComfyKitParams header win over them.
     */
    public void setDefaultParam(Map<String, Object> defaultParam) {
        this.defaultParam = defaultParam;
    }

    public String getHeaderParams() {
        return headerParams;
    }

    /**
     * Which plain-named message headers become params: a comma-separated list of declared param names (e.g.
     * prompt,seed), or * for every declared param that is not locked by param.NAME. Unset: none (a header named like
     * a declared param then fails the exchange, naming this option). HTTP consumers turn query parameters into
     * headers, so this is the allow-list of what callers may set that way.
     */
    public void setHeaderParams(String headerParams) {
        this.headerParams = headerParams;
    }

    public String getAllowedMediaDirectories() {
        return allowedMediaDirectories;
    }

    /**
     * Directories (comma-separated) whose files a message may name by absolute path for a media param. Paths are
     * resolved to their real location, so '..' and symbolic links cannot leave them. Unset: text from a message is
     * never read as a local path (only as the name of a file in the server's input folder).
     */
    public void setAllowedMediaDirectories(String allowedMediaDirectories) {
        this.allowedMediaDirectories = allowedMediaDirectories;
    }

    public String getAllowedMediaUrls() {
        return allowedMediaUrls;
    }

    /**
     * URL prefixes (comma-separated, e.g. https://cdn.example.com/inputs/) under which a message may name an http(s)
     * URL for a media param; every redirect must stay under them too. Unset: text from a message is never fetched as
     * a URL. Fetches to private and loopback addresses also need allowPrivateUrls.
     */
    public void setAllowedMediaUrls(String allowedMediaUrls) {
        this.allowedMediaUrls = allowedMediaUrls;
    }

    public boolean isAllowPrivateUrls() {
        return allowPrivateUrls;
    }

    /**
     * Whether workflow, media and cookie URLs may name hosts that resolve to loopback, link-local, private or
     * unspecified addresses (127.0.0.1, 169.254.x.x, 10.x.x.x, 192.168.x.x, ::1, fc00::/7 ...). Off by default, so that
     * no URL, nor any redirect of one, can reach internal services such as a cloud metadata endpoint. The ComfyUI
     * server's own URL (comfyuiUrl) is not affected. Set it for workflows or media served from localhost or a private
     * network.
     */
    public void setAllowPrivateUrls(boolean allowPrivateUrls) {
        this.allowPrivateUrls = allowPrivateUrls;
    }

    public String getTextParam() {
        return textParam;
    }

    /**
     * The param that a plain text body goes to. Unset: the workflow's param named prompt, or its only required
     * text param.
     */
    public void setTextParam(String textParam) {
        this.textParam = textParam;
    }

    public String getMediaParam() {
        return mediaParam;
    }

    /**
     * The param that a binary body (byte[], InputStream, File, Path, a file message) goes to; it is uploaded under
     * the message's file name. Unset: the workflow's only media param.
     */
    public void setMediaParam(String mediaParam) {
        this.mediaParam = mediaParam;
    }

    public String getOutputDirectory() {
        return outputDirectory;
    }

    /**
     * A directory to download every output file into (under safe names; existing files are not replaced). The
     * result's files then carry their local paths. Unset: outputs stay on the server as URLs.
     */
    public void setOutputDirectory(String outputDirectory) {
        this.outputDirectory = outputDirectory;
    }

    public boolean isOutputNameFromInput() {
        return outputNameFromInput;
    }

    /**
     * Names the outputs after the input file (the CamelFileNameOnly or CamelFileName header, as set by the file
     * consumer): prompt-1.txt gives prompt-1.png, or prompt-1-1.png, prompt-1-2.png... for several outputs. Applies
     * to files saved to outputDirectory and to messages split by ComfyKitExpressions.outputFiles(). The
     * CamelComfyKitOutputName header, when set, wins.
     */
    public void setOutputNameFromInput(boolean outputNameFromInput) {
        this.outputNameFromInput = outputNameFromInput;
    }

    public boolean isThrowExceptionOnFailure() {
        return throwExceptionOnFailure;
    }

    /**
     * Whether a failed execution fails the exchange with an exception (carrying the result and the structured
     * error; distinct types for validation, execution, timeout and connection failures). When false the failed
     * ExecuteResult is the body and CamelComfyKitErrorKind says why.
     */
    public void setThrowExceptionOnFailure(boolean throwExceptionOnFailure) {
        this.throwExceptionOnFailure = throwExceptionOnFailure;
    }

    public String getApiKey() {
        return apiKey;
    }

    /**
     * The ComfyUI api key: sent as Authorization: Bearer to the ComfyUI server only, and as
     * extra_data.api_key_comfy_org for paid API nodes. Use a placeholder such as {{env:COMFYUI_API_KEY}}.
     */
    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public String getCookieSecret() {
        return cookieSecret;
    }

    /**
     * Cookies for the ComfyUI server (ComfyKit's cookies option): a JSON object, k1=v1; k2=v2, or an http(s) URL
     * whose body is one of these. Named with 'secret' so that Camel masks it in logged URIs.
     */
    public void setCookieSecret(String cookieSecret) {
        this.cookieSecret = cookieSecret;
    }

    public String getRunninghubUrl() {
        return runninghubUrl;
    }

    /**
     * The RunningHub site: https://www.runninghub.ai (global) or https://www.runninghub.cn (China); keys work on
     * the site they were issued by only.
     */
    public void setRunninghubUrl(String runninghubUrl) {
        this.runninghubUrl = runninghubUrl;
    }

    public String getWebhookUrl() {
        return webhookUrl;
    }

    /**
     * The public http(s) URL RunningHub calls when a task ends, including the path of the component's webhook route
     * (webhookPath), e.g. https://example.org/comfykit/webhook behind a reverse proxy that forwards it to this
     * application. The token of webhookSecret is appended as the query parameter token. Set, each RunningHub task
     * carries it, the component answers the calls on webhookPath (needs camel-platform-http-vertx or another
     * platform-http engine) and polling slows to webhookGracePeriod; unset, tasks are only polled.
     */
    public void setWebhookUrl(String webhookUrl) {
        this.webhookUrl = webhookUrl;
    }

    public String getWebhookSecret() {
        return webhookSecret;
    }

    /**
     * The secret token a webhook call must carry in its query parameter token (compared in constant time; calls
     * without it are answered 403 and change nothing). Required with webhookUrl: at least 16 letters, digits, '-',
     * '_', '.' or '~', e.g. from openssl rand -hex 16. Use a placeholder such as {{env:COMFYKIT_WEBHOOK_SECRET}}.
     */
    public void setWebhookSecret(String webhookSecret) {
        this.webhookSecret = webhookSecret;
    }

    public long getWebhookGracePeriod() {
        return webhookGracePeriod;
    }

    /**
     * With webhookUrl: how late a task's end may be noticed when its webhook never arrives. Waiting executions poll
     * RunningHub only at this interval (never more often than runninghubPollInterval) instead of stopping, so a lost
     * webhook delays a result by at most this much.
     */
    public void setWebhookGracePeriod(long webhookGracePeriod) {
        this.webhookGracePeriod = webhookGracePeriod;
    }

    public String getWebhookPath() {
        return webhookPath;
    }

    /**
     * With webhookUrl: the path of the platform-http route the component adds to receive RunningHub's calls
     * (POST only). It answers 202 to an accepted call, 200 to a repeated or unknown one, 403 to a call without the
     * right token, 413 to a body over 64 KiB and 400 to one that is not a RunningHub callback. The path of webhookUrl
     * normally ends with it (a reverse proxy may rewrite the path).
     */
    public void setWebhookPath(String webhookPath) {
        this.webhookPath = webhookPath;
    }

    public String getRunninghubApiKey() {
        return runninghubApiKey;
    }

    /**
     * The RunningHub api key (falls back to apiKey). Use a placeholder such as {{env:RUNNINGHUB_API_KEY}}.
     */
    public void setRunninghubApiKey(String runninghubApiKey) {
        this.runninghubApiKey = runninghubApiKey;
    }

    public long getRunninghubTimeout() {
        return runninghubTimeout;
    }

    /**
     * The time limit of a whole RunningHub task; on expiry the task is cancelled on RunningHub (so it stops
     * billing) and the exchange fails with a ComfyKitTimeoutException naming the task id.
     */
    public void setRunninghubTimeout(long runninghubTimeout) {
        this.runninghubTimeout = runninghubTimeout;
    }

    public int getRunninghubRetryCount() {
        return runninghubRetryCount;
    }

    /**
     * How many times a RunningHub request that can succeed later (queue full, rate limit, network, 5xx) is retried
     * with back-off. Authentication, validation and content errors are never retried.
     */
    public void setRunninghubRetryCount(int runninghubRetryCount) {
        this.runninghubRetryCount = runninghubRetryCount;
    }

    public String getRunninghubInstanceType() {
        return runninghubInstanceType;
    }

    /**
     * The RunningHub machine class: plus for 48 GB GPUs; unset for the default 24 GB.
     */
    public void setRunninghubInstanceType(String runninghubInstanceType) {
        this.runninghubInstanceType = runninghubInstanceType;
    }

    public String getRunninghubApiVersion() {
        return runninghubApiVersion;
    }

    /**
     * Which RunningHub API runs tasks: v2 (/openapi/v2, Bearer key, one query call that carries the failure reason)
     * or v1 (/task/openapi, the key in the body).
     */
    public void setRunninghubApiVersion(String runninghubApiVersion) {
        this.runninghubApiVersion = runninghubApiVersion == null ? null
                : runninghubApiVersion.trim().toLowerCase(java.util.Locale.ROOT);
    }

    public long getRunninghubPollInterval() {
        return runninghubPollInterval;
    }

    /**
     * How often a RunningHub task's state is polled (RunningHub's own clients poll every 2 to 5 seconds).
     */
    public void setRunninghubPollInterval(long runninghubPollInterval) {
        this.runninghubPollInterval = runninghubPollInterval;
    }

    public int getRunninghubMaxConcurrency() {
        return runninghubMaxConcurrency;
    }

    /**
     * How many RunningHub tasks may be open at once per client; further exchanges wait locally (holding no thread)
     * instead of failing with "queue full". RunningHub's own default for member keys is 1; enterprise keys allow more.
     */
    public void setRunninghubMaxConcurrency(int runninghubMaxConcurrency) {
        this.runninghubMaxConcurrency = runninghubMaxConcurrency;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    /**
     * The time limit for opening a connection (HTTP or WebSocket).
     */
    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getRequestTimeout() {
        return requestTimeout;
    }

    /**
     * The time limit of each HTTP request (submissions, uploads, downloads).
     */
    public void setRequestTimeout(long requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public long getMaxUploadBytes() {
        return maxUploadBytes;
    }

    /**
     * The largest media value uploaded, in bytes (files, streams and downloaded URLs); larger ones are rejected
     * before anything is submitted.
     */
    public void setMaxUploadBytes(long maxUploadBytes) {
        this.maxUploadBytes = maxUploadBytes;
    }

    public long getMaxResponseBytes() {
        return maxResponseBytes;
    }

    /**
     * The largest JSON answer read from a ComfyUI server, in bytes (/history, /queue, /object_info and the jobs API).
     * A larger answer fails the execution that needed it with a SERVER error naming the request and this option,
     * and is not read again, so a broken or hostile server cannot fill the heap. Raise it only for a server whose
     * /object_info or history entries are legitimately larger.
     */
    public void setMaxResponseBytes(long maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
    }

    public long getMaxOutputBytes() {
        return maxOutputBytes;
    }

    /**
     * The largest output file downloaded from a ComfyUI server, in bytes (saved to outputDirectory, streamed to a
     * file: endpoint or read as bytes). A larger file fails its download with an error naming this option as soon as
     * its Content-Length or its bytes pass the limit, so a runaway output cannot fill the disk or the heap.
     */
    public void setMaxOutputBytes(long maxOutputBytes) {
        this.maxOutputBytes = maxOutputBytes;
    }

    public String getPriority() {
        return priority;
    }

    /**
     * Where this endpoint's prompts go in the ComfyUI server's queue: normal, front (ahead of every prompt queued
     * normally, including other clients' on a shared server; ComfyUI's front: true) or a queue number (ComfyUI's
     * number: lower runs first; normal prompts get 0, 1, 2, ...). RunningHub ignores it.
     */
    public void setPriority(String priority) {
        this.priority = priority;
    }

    public boolean isPriorityFromHeader() {
        return priorityFromHeader;
    }

    /**
     * Whether a message may choose its queue priority with the CamelComfyKitPriority header. Off by default: the
     * queue of a ComfyUI server is shared, so a header that sends a prompt to the front also delays everyone else's
     * work, and message data (an HTTP request, a file) must not decide that unless the route author says so. While
     * off, a message carrying the header fails with a validation error instead of being queued otherwise than asked.
     */
    public void setPriorityFromHeader(boolean priorityFromHeader) {
        this.priorityFromHeader = priorityFromHeader;
    }

    public String getServers() {
        return servers;
    }

    /**
     * A pool of ComfyUI servers instead of comfyuiUrl: entries separated by commas, each a url or name=url with
     * optional ;weight=n (share of the work), ;maxInFlight=n (prompts this client keeps there at most; more wait in the
     * client) and ;label.key=value, e.g. gpu1=http://gpu1:8188;maxInFlight=2,gpu2=http://gpu2:8188. Each prompt runs
     * on one server, picked by dispatch; a server that cannot be reached or loses a prompt hands it to another (see
     * maxAttempts). Unset: the one comfyuiUrl server.
     */
    public void setServers(String servers) {
        this.servers = servers;
    }

    public String getDispatch() {
        return dispatch;
    }

    /**
     * How a pool of servers picks the server of a prompt: least-queue (the least work queued there, from its queue
     * and this client's prompts in flight; ties in turn), round-robin (each in turn) or first-idle (the first server
     * with nothing queued, else least-queue).
     */
    public void setDispatch(String dispatch) {
        this.dispatch = dispatch;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    /**
     * How many times a pool runs a prompt, on another server each time, when a server could not be reached, did not
     * accept it or lost it (restarted); validation and node errors are never run again. 1 turns failover off.
     */
    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public boolean isFailoverOnExecutionError() {
        return failoverOnExecutionError;
    }

    /**
     * Whether a pool of servers also runs a prompt again on another server when a node failed (e.g. out of GPU
     * memory on a smaller card), within maxAttempts. Off by default: a node error usually fails again anywhere.
     */
    public void setFailoverOnExecutionError(boolean failoverOnExecutionError) {
        this.failoverOnExecutionError = failoverOnExecutionError;
    }

    public String getServerLabels() {
        return serverLabels;
    }

    /**
     * Which servers of the pool this endpoint uses, by their labels: key=value pairs (or a bare key) separated by
     * commas, e.g. gpu=a100; a server must match all of them. Unset: every server. Set on the route; a message can
     * only narrow it further (the CamelComfyKitServerLabels header, with serverLabelsFromHeader=true). An endpoint
     * with its own selector gets a client of its own.
     */
    public void setServerLabels(String serverLabels) {
        this.serverLabels = serverLabels;
    }

    public boolean isServerLabelsFromHeader() {
        return serverLabelsFromHeader;
    }

    /**
     * Whether the CamelComfyKitServerLabels header may narrow the servers of a message: its label selector (e.g.
     * gpu=a100) must then match too, on top of serverLabels. Message data can only narrow: it never reaches a server
     * this endpoint does not use, and names labels, never a server or URL; a selector no server matches fails the
     * exchange at once. Off by default: the header is ignored, with one warning naming this option.
     */
    public void setServerLabelsFromHeader(boolean serverLabelsFromHeader) {
        this.serverLabelsFromHeader = serverLabelsFromHeader;
    }

    public ComfyKit getComfyKit() {
        return comfyKit;
    }

    /**
     * A ComfyKit client to use instead of one built from this configuration; the connection options (comfyuiUrl,
     * executorType, apiKey, cookieSecret, the RunningHub options, the timeouts) are then those of that client.
     * Autowired: a single ComfyKit bean in the registry is used when none is set. The component's client serves the
     * endpoints whose URI sets no connection option; an endpoint whose URI sets one (e.g. comfyuiUrl) gets a client
     * of its own: the component's client's options with the URI's on top (the component's options when it has no
     * client). Endpoints with equal connection options share one client (and
     * one WebSocket). A client given here is never closed by the component.
     */
    public void setComfyKit(ComfyKit comfyKit) {
        this.comfyKit = comfyKit;
    }

    public boolean isCancelOnClose() {
        return cancelOnClose;
    }

    /**
     * Whether stopping Camel (closing the client) removes the prompts this client submitted and still waits for from
     * the server's queue and interrupts the running ones (by prompt id), so that nothing of a stopped application
     * keeps a GPU busy. false leaves them running (await them by id after a restart). Ignored with a jobStore: its
     * jobs stay recorded and another instance, or this one after a restart, finishes them.
     */
    public void setCancelOnClose(boolean cancelOnClose) {
        this.cancelOnClose = cancelOnClose;
    }

    public JobStore getJobStore() {
        return jobStore;
    }

    /**
     * Where jobs are recorded so that they survive this JVM: a JobStore bean, written #bean:name (JobStore.inMemory()
     * for one JVM, or from comfykit-jobstore-jdbc an H2 file or PostgreSQL store). With it every execution is a
     * durable job: recorded before its prompt is submitted, its lease renewed while this instance tracks it, claimed
     * and finished by another instance when this one dies; the submit operation records the job and its result is
     * delivered by a comfykit:jobs consumer. Unset: jobs live only in memory, as before. The store is not closed by
     * the component. An endpoint that sets it gets a client of its own.
     */
    public void setJobStore(JobStore jobStore) {
        this.jobStore = jobStore;
    }

    public long getLeaseDuration() {
        return leaseDuration;
    }

    /**
     * With a jobStore: how long this instance owns a job it tracks without renewing its lease (it renews every third
     * of it, for all its jobs at once). When an instance dies its jobs are claimed by another after at most this
     * long; too short a lease makes a slow store or a long GC pause hand a job over needlessly.
     */
    public void setLeaseDuration(long leaseDuration) {
        this.leaseDuration = leaseDuration;
    }

    public long getJobStoreRetention() {
        return jobStoreRetention;
    }

    /**
     * With a jobStore: how long finished jobs (delivered or not) are kept before they are deleted (checked every ten
     * minutes by each instance). A job id sent again within it gets the stored result instead of a new run.
     */
    public void setJobStoreRetention(long jobStoreRetention) {
        this.jobStoreRetention = jobStoreRetention;
    }

    public String getCorrelationHeaders() {
        return correlationHeaders;
    }

    /**
     * With a jobStore: the message headers stored with each job (names separated by commas, e.g.
     * orderId,customer), as text; a comfykit:jobs consumer sets them again on the message that delivers the job's
     * result, so a route that finishes jobs of another instance can tell whose they are. Other headers are not
     * stored. Values longer than 4096 characters are refused.
     */
    public void setCorrelationHeaders(String correlationHeaders) {
        this.correlationHeaders = correlationHeaders;
    }

    public long getJobsPollInterval() {
        return jobsPollInterval;
    }

    /**
     * For the comfykit:jobs consumer: how often it claims finished jobs that nobody received yet (submitted jobs, and
     * jobs finished after the instance that started them died).
     */
    public void setJobsPollInterval(long jobsPollInterval) {
        this.jobsPollInterval = jobsPollInterval;
    }

    /** A copy for one endpoint. */
    /** The default {@code webhookPath}. */
    public static final String DEFAULT_WEBHOOK_PATH = "/comfykit/webhook";

    public ComfyKitConfiguration copy() {
        try {
            ComfyKitConfiguration copy = (ComfyKitConfiguration) clone();
            copy.param = new LinkedHashMap<>(param);
            copy.defaultParam = new LinkedHashMap<>(defaultParam);
            return copy;
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }
}
