package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.camel.ComfyKitOperation;
import dev.comfykit.client.ClientOption;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecutorType;
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The {@code camel.component.comfykit.*} properties: every option of the {@code comfykit:} component, flattened
 * (the options of its nested {@link ComfyKitConfiguration} included), with the component's defaults. They
 * configure the component (the defaults of every endpoint; URI options still override them per endpoint) and the
 * {@link ComfyKit} bean.
 * <p>
 * Time limits accept Spring Boot durations ({@code 30s}, {@code 10m}); a bare number is milliseconds, as in Camel.
 * <p>
 * The client's options take their defaults from the client's option table ({@link ClientOption}). The
 * configuration processor cannot read such initialisers, so their defaults in the Spring metadata come from
 * {@code additional-spring-configuration-metadata.json}; {@code OptionAgreementTest} proves both agree with the
 * table.
 */
@ConfigurationProperties(prefix = "camel.component.comfykit")
public class ComfyKitComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Whether to enable auto configuration of the comfykit component and of the ComfyKit bean. This is enabled by
     * default.
     */
    // declared only for its description, as in Camel's starters: the accessors are inherited
    @SuppressWarnings("unused")
    private Boolean enabled;
    /**
     * The base URL of the local ComfyUI server, e.g. http://127.0.0.1:8188 (a path prefix behind a reverse proxy
     * is allowed). Write ${COMFYUI_BASE_URL:http://127.0.0.1:8188} to take it from the environment.
     */
    private String comfyuiUrl = ClientOption.COMFYUI_URL.defaultValue();
    /**
     * How completion is detected on a local ComfyUI: HTTP polls (one shared poll for all executions in flight, fast
     * at first and backing off); WEBSOCKET listens on one WebSocket shared by all executions of the client.
     */
    private ExecutorType executorType = ClientOption.EXECUTOR_TYPE.defaultValue();
    /**
     * The time limit of a whole execution on ComfyUI (loading, uploads, queueing and running). When it expires the
     * prompt is cancelled on the server and the exchange fails with a ComfyKitTimeoutException.
     */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration timeout = ClientOption.TIMEOUT.defaultValue();
    /**
     * What to do: execute (run and wait), submit (return at once with the prompt id), await (wait for the prompt id
     * in the CamelComfyKitPromptId header), cancel (cancel that prompt) or describe (the workflow's params and
     * outputs). The CamelComfyKitOperation header overrides it per message.
     */
    private ComfyKitOperation operation = ComfyKitOperation.execute;
    /**
     * Params locked for every endpoint, e.g. camel.component.comfykit.param.width=512 (on a URI: param.width=512): no
     * message data (body, headers, the CamelComfyKitParams header) can change them.
     */
    private Map<String, Object> param;
    /**
     * Default params of every endpoint that messages may override, e.g.
     * camel.component.comfykit.default-param.steps=20 (on a URI: defaultParam.steps=20).
     */
    private Map<String, Object> defaultParam;
    /**
     * Which plain-named message headers become params: a comma-separated list of declared param names (e.g.
     * prompt,seed), or * for every declared param that is not locked. Unset: none.
     */
    private String headerParams;
    /**
     * Directories (comma-separated) whose files a message may name by absolute path for a media param. Unset: text
     * from a message is never read as a local path.
     */
    private String allowedMediaDirectories;
    /**
     * URL prefixes (comma-separated) under which a message may name an http(s) URL for a media param. Unset: text
     * from a message is never fetched as a URL.
     */
    private String allowedMediaUrls;
    /**
     * Whether workflow, media and cookie URLs may name hosts that resolve to loopback, link-local, private or
     * unspecified addresses. Off by default, so that no URL, nor any redirect of one, reaches internal services. The
     * ComfyUI server's own URL is not affected.
     */
    private Boolean allowPrivateUrls = ClientOption.ALLOW_PRIVATE_URLS.defaultValue();
    /**
     * The param that a plain text body goes to. Unset: the workflow's param named prompt, or its only required text
     * param.
     */
    private String textParam;
    /**
     * The param that a binary body (byte[], InputStream, File, Path, a file message) goes to; it is uploaded under
     * the message's file name. Unset: the workflow's only media param.
     */
    private String mediaParam;
    /**
     * A directory to download every output file into (under safe names; existing files are not replaced). The
     * result's files then carry their local paths. Unset: outputs stay on the server as URLs.
     */
    private String outputDirectory;
    /**
     * Names the outputs after the input file (the CamelFileNameOnly or CamelFileName header, as set by the file
     * consumer): prompt-1.txt gives prompt-1.png, or prompt-1-1.png, prompt-1-2.png... for several outputs. Applies
     * to files saved to outputDirectory and to messages split by ComfyKitExpressions.outputFiles(). The
     * CamelComfyKitOutputName header, when set, wins.
     */
    private Boolean outputNameFromInput = false;
    /**
     * Whether a failed execution fails the exchange with an exception (carrying the result and the structured
     * error; distinct types for validation, execution, timeout and connection failures). When false the failed
     * ExecuteResult is the body and CamelComfyKitErrorKind says why.
     */
    private Boolean throwExceptionOnFailure = true;
    /**
     * Where this endpoint's prompts go in the ComfyUI server's queue: normal, front (ahead of every prompt queued
     * normally, including other clients' on a shared server; ComfyUI's front: true) or a queue number (ComfyUI's
     * number: lower runs first; normal prompts get 0, 1, 2, ...). RunningHub ignores it.
     */
    private String priority = ClientOption.PRIORITY.defaultValue();
    /**
     * Whether a message may choose its queue priority with the CamelComfyKitPriority header. Off by default: the
     * queue of a ComfyUI server is shared, so a header that sends a prompt to the front also delays everyone else's
     * work, and message data (an HTTP request, a file) must not decide that unless the route author says so. While
     * off, a message carrying the header fails with a validation error instead of being queued otherwise than asked.
     */
    private Boolean priorityFromHeader = false;
    /**
     * Whether the producer should be started lazy (on the first message). By starting lazy you can use this to
     * allow CamelContext and routes to startup in situations where a producer may otherwise fail during starting
     * and cause the route to fail being started. By deferring this startup to be lazy then the startup failure can
     * be handled during routing messages via Camel's routing error handlers. Beware that when the first message is
     * processed then creating and starting the producer may take a little time and prolong the total processing
     * time of the processing.
     */
    private Boolean lazyStartProducer = false;
    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any exceptions (if possible)
     * occurred while the Camel consumer is trying to pickup incoming messages, or the likes, will now be processed
     * as a message and handled by the routing Error Handler. Important: This is only possible if the 3rd party
     * component allows Camel to be alerted if an exception was thrown. Some components handle this internally only,
     * and therefore bridgeErrorHandler is not possible. In other situations we may improve the Camel component to
     * hook into the 3rd party component and make this possible for future releases. By default the consumer will
     * use the org.apache.camel.spi.ExceptionHandler to deal with exceptions, that will be logged at WARN or ERROR
     * level and ignored.
     */
    private Boolean bridgeErrorHandler = false;
    /**
     * The ComfyUI api key: sent as Authorization: Bearer to the ComfyUI server only, and as
     * extra_data.api_key_comfy_org for paid API nodes. Never write the key itself here: use a placeholder such as
     * ${COMFYUI_API_KEY}. Masked in the actuator's configprops and env output.
     */
    private String apiKey;
    /**
     * Cookies for the ComfyUI server (ComfyKit's cookies option): a JSON object, k1=v1; k2=v2, or an http(s) URL
     * whose body is one of these. Use a placeholder such as ${COMFYUI_COOKIES}. Masked in the actuator's output.
     */
    private String cookieSecret;
    /**
     * The RunningHub site: https://www.runninghub.ai (global) or https://www.runninghub.cn (China); keys work on the
     * site they were issued by only.
     */
    private String runninghubUrl = ClientOption.RUNNINGHUB_URL.defaultValue();
    /**
     * The RunningHub api key (falls back to api-key). Use a placeholder such as ${RUNNINGHUB_API_KEY}. Masked in
     * the actuator's output.
     */
    private String runninghubApiKey;
    /**
     * The time limit of a whole RunningHub task; on expiry the task is cancelled on RunningHub (so it stops
     * billing) and the exchange fails with a ComfyKitTimeoutException naming the task id.
     */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration runninghubTimeout = ClientOption.RUNNINGHUB_TIMEOUT.defaultValue();
    /**
     * How many times a RunningHub request that can succeed later (queue full, rate limit, network, 5xx) is retried
     * with back-off. Authentication, validation and content errors are never retried.
     */
    private Integer runninghubRetryCount = ClientOption.RUNNINGHUB_RETRY_COUNT.defaultValue();
    /**
     * The RunningHub machine class: plus for 48 GB GPUs; unset for the default 24 GB.
     */
    private String runninghubInstanceType;
    /**
     * How often a RunningHub task's state is polled (RunningHub's own clients poll every 2 to 5 seconds).
     */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration runninghubPollInterval = ClientOption.RUNNINGHUB_POLL_INTERVAL.defaultValue();
    /**
     * How many RunningHub tasks may be open at once per client; further exchanges wait locally (holding no thread)
     * instead of failing with "queue full". RunningHub's own default for member keys is 1; enterprise keys allow more.
     */
    private Integer runninghubMaxConcurrency = ClientOption.RUNNINGHUB_MAX_CONCURRENCY.defaultValue();
    /**
     * Which RunningHub API runs tasks: v2 (/openapi/v2, Bearer key, one query call that carries the failure reason)
     * or v1 (/task/openapi, the key in the body).
     */
    private String runninghubApiVersion = ClientOption.RUNNINGHUB_API_VERSION.defaultValue();
    /**
     * The public http(s) URL RunningHub calls when a task ends, including the path of the component's webhook route
     * (webhook-path), e.g. https://example.org/comfykit/webhook behind a reverse proxy that forwards it to this
     * application. The token of webhook-secret is appended as the query parameter token. Set, each RunningHub task
     * carries it, the component answers the calls on webhook-path (needs camel-platform-http-starter) and polling
     * slows to webhook-grace-period; unset, tasks are only polled.
     */
    private String webhookUrl;
    /**
     * The secret token a webhook call must carry in its query parameter token (compared in constant time; calls
     * without it are answered 403 and change nothing). Required with webhook-url: at least 16 letters, digits, '-',
     * '_', '.' or '~', e.g. from openssl rand -hex 16. Use a placeholder such as ${COMFYKIT_WEBHOOK_SECRET}. Masked
     * in the actuator's output.
     */
    private String webhookSecret;
    /**
     * With webhook-url: how late a task's end may be noticed when its webhook never arrives. Waiting executions poll
     * RunningHub only at this interval (never more often than runninghub-poll-interval) instead of stopping, so a
     * lost webhook delays a result by at most this much.
     */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration webhookGracePeriod = ClientOption.WEBHOOK_GRACE_PERIOD.defaultValue();
    /**
     * With webhook-url: the path of the platform-http route the component adds to receive RunningHub's calls (POST
     * only). It answers 202 to an accepted call, 200 to a repeated or unknown one, 403 to a call without the right
     * token, 413 to a body over 64 KiB and 400 to one that is not a RunningHub callback. The path of webhook-url
     * normally ends with it (a reverse proxy may rewrite the path).
     */
    private String webhookPath = ComfyKitConfiguration.DEFAULT_WEBHOOK_PATH;
    /**
     * The time limit for opening a connection (HTTP or WebSocket).
     */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration connectTimeout = ClientOption.CONNECT_TIMEOUT.defaultValue();
    /**
     * The time limit of each HTTP request (submissions, uploads, downloads).
     */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration requestTimeout = ClientOption.REQUEST_TIMEOUT.defaultValue();
    /**
     * The largest media value uploaded, in bytes (files, streams and downloaded URLs); larger ones are rejected
     * before anything is submitted.
     */
    private Long maxUploadBytes = ClientOption.MAX_UPLOAD_BYTES.defaultValue();
    /**
     * The largest JSON answer read from a ComfyUI server, in bytes (/history, /queue, /object_info and the jobs API).
     * A larger answer fails the execution that needed it with a SERVER error naming the request and this option,
     * and is not read again, so a broken or hostile server cannot fill the heap. Raise it only for a server whose
     * /object_info or history entries are legitimately larger.
     */
    private Long maxResponseBytes = ClientOption.MAX_RESPONSE_BYTES.defaultValue();
    /**
     * The largest output file downloaded from a ComfyUI server, in bytes (saved to outputDirectory, streamed to a
     * file: endpoint or read as bytes). A larger file fails its download with an error naming this option as soon as
     * its Content-Length or its bytes pass the limit, so a runaway output cannot fill the disk or the heap.
     */
    private Long maxOutputBytes = ClientOption.MAX_OUTPUT_BYTES.defaultValue();
    /**
     * A pool of ComfyUI servers instead of comfyui-url: entries separated by commas, each [name=]url with optional
     * ;weight=n, ;maxInFlight=n and ;label.key=value, e.g. gpu1=http://gpu1:8188;maxInFlight=2,gpu2=http://gpu2:8188.
     * Unset: the one comfyui-url server.
     */
    private String servers;
    /**
     * How a pool of servers picks the server of a prompt: least-queue, round-robin or first-idle.
     */
    private String dispatch = ClientOption.DISPATCH.defaultValue();
    /**
     * How many times a pool runs a prompt, on another server each time, when a server could not be reached, did not
     * accept it or lost it; 1 turns failover off.
     */
    private Integer maxAttempts = ClientOption.MAX_ATTEMPTS.defaultValue();
    /**
     * Whether a pool of servers also runs a prompt again on another server when a node failed (e.g. out of GPU
     * memory), within max-attempts.
     */
    private Boolean failoverOnExecutionError = ClientOption.FAILOVER_ON_EXECUTION_ERROR.defaultValue();
    /**
     * Which servers of the pool the component's endpoints use, by their labels: key=value pairs (or a bare key)
     * separated by commas, e.g. gpu=a100; a server must match all of them. Unset: every server. A message can only
     * narrow it further (the CamelComfyKitServerLabels header, with serverLabelsFromHeader=true).
     */
    private String serverLabels;
    /**
     * Whether stopping the application (closing the client) removes the prompts it submitted and still waits for
     * from the server's queue and interrupts the running ones; false leaves them running. Ignored with a job-store,
     * whose jobs are kept for another instance (or a restart) to finish.
     */
    private Boolean cancelOnClose = ClientOption.CANCEL_ON_CLOSE.defaultValue();
    /**
     * Where jobs are recorded so that they survive this JVM, written as a reference to an application bean of type
     * dev.comfykit.client.jobs.JobStore: #bean:myJobStore (an H2 file or PostgreSQL store from comfykit-jobstore-jdbc).
     * Unset: jobs live only in memory, as before.
     */
    private dev.comfykit.client.jobs.JobStore jobStore;
    /**
     * With a job-store: how long this instance owns a job it tracks without renewing its lease; after it another
     * instance claims the job and finishes it.
     */
    private Duration leaseDuration = ClientOption.LEASE_DURATION.defaultValue();
    /**
     * With a job-store: how long finished jobs (delivered or not) are kept before they are deleted.
     */
    private Duration jobStoreRetention = ClientOption.JOB_STORE_RETENTION.defaultValue();
    /**
     * With a job-store: the message headers stored with each job (names separated by commas); the comfykit:jobs
     * consumer sets them again on the message that delivers the job's result.
     */
    private String correlationHeaders;
    /**
     * For the comfykit:jobs consumer: how often it claims finished jobs that nobody received yet.
     */
    private Duration jobsPollInterval = Duration.ofSeconds(1);
    /**
     * Whether the CamelComfyKitServerLabels header may narrow the servers of a message: its label selector (e.g.
     * gpu=a100) must then match too, on top of serverLabels. Message data can only narrow: it never reaches a server
     * this endpoint does not use, and names labels, never a server or URL; a selector no server matches fails the
     * exchange at once. Off by default: the header is ignored, with one warning naming this option.
     */
    private Boolean serverLabelsFromHeader = false;
    /**
     * A ComfyKit client for the component, written as a reference to an application bean: #bean:myComfyKit. Unset,
     * the component uses the single ComfyKit bean of the application (autowired): the application's own or, when it
     * defines none, the one this starter builds from these properties. The connection options (comfyui-url,
     * executor-type, api-key, cookie-secret, the RunningHub options, the timeouts) are then those of that client,
     * for every endpoint whose URI sets no connection option; an endpoint that sets one, such as comfyuiUrl, gets a
     * client of its own: that client's options with the URI's on top.
     */
    private ComfyKit comfyKit;
    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option must be marked as
     * autowired) by looking up in the registry to find if there is a single instance of matching type, which then
     * gets configured on the component. This can be used for automatic configuring JDBC data sources, JMS
     * connection factories, AWS Clients, etc.
     */
    private Boolean autowiredEnabled = true;
    /**
     * Used for enabling or disabling all consumer based health checks from this component.
     */
    private Boolean healthCheckConsumerEnabled = true;
    /**
     * Used for enabling or disabling all producer based health checks from this component. Notice: Camel has by
     * default disabled all producer based health-checks. You can turn on producer checks globally by setting
     * camel.health.producers-enabled=true.
     */
    private Boolean healthCheckProducerEnabled = true;
    /**
     * A whole component configuration, written as a reference to an application bean of type
     * dev.comfykit.camel.ComfyKitConfiguration: #bean:myConfiguration. When set, it replaces the flattened options
     * above, for the component and for the ComfyKit bean.
     */
    private ComfyKitConfiguration configuration;

    public String getComfyuiUrl() {
        return comfyuiUrl;
    }

    public void setComfyuiUrl(String comfyuiUrl) {
        this.comfyuiUrl = comfyuiUrl;
    }

    public ExecutorType getExecutorType() {
        return executorType;
    }

    public void setExecutorType(ExecutorType executorType) {
        this.executorType = executorType;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public ComfyKitOperation getOperation() {
        return operation;
    }

    public void setOperation(ComfyKitOperation operation) {
        this.operation = operation;
    }

    public Map<String, Object> getParam() {
        return param;
    }

    public void setParam(Map<String, Object> param) {
        this.param = param;
    }

    public Map<String, Object> getDefaultParam() {
        return defaultParam;
    }

    public void setDefaultParam(Map<String, Object> defaultParam) {
        this.defaultParam = defaultParam;
    }

    public String getHeaderParams() {
        return headerParams;
    }

    public void setHeaderParams(String headerParams) {
        this.headerParams = headerParams;
    }

    public String getAllowedMediaDirectories() {
        return allowedMediaDirectories;
    }

    public void setAllowedMediaDirectories(String allowedMediaDirectories) {
        this.allowedMediaDirectories = allowedMediaDirectories;
    }

    public String getAllowedMediaUrls() {
        return allowedMediaUrls;
    }

    public void setAllowedMediaUrls(String allowedMediaUrls) {
        this.allowedMediaUrls = allowedMediaUrls;
    }

    public Boolean getAllowPrivateUrls() {
        return allowPrivateUrls;
    }

    public void setAllowPrivateUrls(Boolean allowPrivateUrls) {
        this.allowPrivateUrls = allowPrivateUrls;
    }

    public String getTextParam() {
        return textParam;
    }

    public void setTextParam(String textParam) {
        this.textParam = textParam;
    }

    public String getMediaParam() {
        return mediaParam;
    }

    public void setMediaParam(String mediaParam) {
        this.mediaParam = mediaParam;
    }

    public String getOutputDirectory() {
        return outputDirectory;
    }

    public void setOutputDirectory(String outputDirectory) {
        this.outputDirectory = outputDirectory;
    }

    public Boolean getOutputNameFromInput() {
        return outputNameFromInput;
    }

    public void setOutputNameFromInput(Boolean outputNameFromInput) {
        this.outputNameFromInput = outputNameFromInput;
    }

    public Boolean getThrowExceptionOnFailure() {
        return throwExceptionOnFailure;
    }

    public void setThrowExceptionOnFailure(Boolean throwExceptionOnFailure) {
        this.throwExceptionOnFailure = throwExceptionOnFailure;
    }

    public Boolean getBridgeErrorHandler() {
        return bridgeErrorHandler;
    }

    public void setBridgeErrorHandler(Boolean bridgeErrorHandler) {
        this.bridgeErrorHandler = bridgeErrorHandler;
    }

    public Boolean getLazyStartProducer() {
        return lazyStartProducer;
    }

    public void setLazyStartProducer(Boolean lazyStartProducer) {
        this.lazyStartProducer = lazyStartProducer;
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public String getCookieSecret() {
        return cookieSecret;
    }

    public void setCookieSecret(String cookieSecret) {
        this.cookieSecret = cookieSecret;
    }

    public String getRunninghubUrl() {
        return runninghubUrl;
    }

    public void setRunninghubUrl(String runninghubUrl) {
        this.runninghubUrl = runninghubUrl;
    }

    public String getRunninghubApiKey() {
        return runninghubApiKey;
    }

    public void setRunninghubApiKey(String runninghubApiKey) {
        this.runninghubApiKey = runninghubApiKey;
    }

    public Duration getRunninghubTimeout() {
        return runninghubTimeout;
    }

    public void setRunninghubTimeout(Duration runninghubTimeout) {
        this.runninghubTimeout = runninghubTimeout;
    }

    public Integer getRunninghubRetryCount() {
        return runninghubRetryCount;
    }

    public void setRunninghubRetryCount(Integer runninghubRetryCount) {
        this.runninghubRetryCount = runninghubRetryCount;
    }

    public String getRunninghubInstanceType() {
        return runninghubInstanceType;
    }

    public void setRunninghubInstanceType(String runninghubInstanceType) {
        this.runninghubInstanceType = runninghubInstanceType;
    }

    public Duration getRunninghubPollInterval() {
        return runninghubPollInterval;
    }

    public void setRunninghubPollInterval(Duration runninghubPollInterval) {
        this.runninghubPollInterval = runninghubPollInterval;
    }

    public String getWebhookUrl() {
        return webhookUrl;
    }

    public void setWebhookUrl(String webhookUrl) {
        this.webhookUrl = webhookUrl;
    }

    public String getWebhookSecret() {
        return webhookSecret;
    }

    public void setWebhookSecret(String webhookSecret) {
        this.webhookSecret = webhookSecret;
    }

    public Duration getWebhookGracePeriod() {
        return webhookGracePeriod;
    }

    public void setWebhookGracePeriod(Duration webhookGracePeriod) {
        this.webhookGracePeriod = webhookGracePeriod;
    }

    public String getWebhookPath() {
        return webhookPath;
    }

    public void setWebhookPath(String webhookPath) {
        this.webhookPath = webhookPath;
    }

    public Integer getRunninghubMaxConcurrency() {
        return runninghubMaxConcurrency;
    }

    public void setRunninghubMaxConcurrency(Integer runninghubMaxConcurrency) {
        this.runninghubMaxConcurrency = runninghubMaxConcurrency;
    }

    public String getRunninghubApiVersion() {
        return runninghubApiVersion;
    }

    public void setRunninghubApiVersion(String runninghubApiVersion) {
        this.runninghubApiVersion = runninghubApiVersion;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Long getMaxResponseBytes() {
        return maxResponseBytes;
    }

    public void setMaxResponseBytes(Long maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
    }

    public Long getMaxOutputBytes() {
        return maxOutputBytes;
    }

    public void setMaxOutputBytes(Long maxOutputBytes) {
        this.maxOutputBytes = maxOutputBytes;
    }

    public String getPriority() {
        return priority;
    }

    public void setPriority(String priority) {
        this.priority = priority;
    }

    public Boolean getPriorityFromHeader() {
        return priorityFromHeader;
    }

    public void setPriorityFromHeader(Boolean priorityFromHeader) {
        this.priorityFromHeader = priorityFromHeader;
    }

    public Long getMaxUploadBytes() {
        return maxUploadBytes;
    }

    public void setMaxUploadBytes(Long maxUploadBytes) {
        this.maxUploadBytes = maxUploadBytes;
    }

    public String getServers() {
        return servers;
    }

    public void setServers(String servers) {
        this.servers = servers;
    }

    public String getDispatch() {
        return dispatch;
    }

    public void setDispatch(String dispatch) {
        this.dispatch = dispatch;
    }

    public Integer getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public Boolean getFailoverOnExecutionError() {
        return failoverOnExecutionError;
    }

    public void setFailoverOnExecutionError(Boolean failoverOnExecutionError) {
        this.failoverOnExecutionError = failoverOnExecutionError;
    }

    public String getServerLabels() {
        return serverLabels;
    }

    public void setServerLabels(String serverLabels) {
        this.serverLabels = serverLabels;
    }

    public Boolean getServerLabelsFromHeader() {
        return serverLabelsFromHeader;
    }

    public void setServerLabelsFromHeader(Boolean serverLabelsFromHeader) {
        this.serverLabelsFromHeader = serverLabelsFromHeader;
    }

    public ComfyKit getComfyKit() {
        return comfyKit;
    }

    public void setComfyKit(ComfyKit comfyKit) {
        this.comfyKit = comfyKit;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }

    public Boolean getHealthCheckConsumerEnabled() {
        return healthCheckConsumerEnabled;
    }

    public void setHealthCheckConsumerEnabled(Boolean healthCheckConsumerEnabled) {
        this.healthCheckConsumerEnabled = healthCheckConsumerEnabled;
    }

    public Boolean getHealthCheckProducerEnabled() {
        return healthCheckProducerEnabled;
    }

    public void setHealthCheckProducerEnabled(Boolean healthCheckProducerEnabled) {
        this.healthCheckProducerEnabled = healthCheckProducerEnabled;
    }

    public ComfyKitConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(ComfyKitConfiguration configuration) {
        this.configuration = configuration;
    }

    public Boolean getCancelOnClose() {
        return cancelOnClose;
    }

    public void setCancelOnClose(Boolean cancelOnClose) {
        this.cancelOnClose = cancelOnClose;
    }

    public dev.comfykit.client.jobs.JobStore getJobStore() {
        return jobStore;
    }

    public void setJobStore(dev.comfykit.client.jobs.JobStore jobStore) {
        this.jobStore = jobStore;
    }

    public Duration getLeaseDuration() {
        return leaseDuration;
    }

    public void setLeaseDuration(Duration leaseDuration) {
        this.leaseDuration = leaseDuration;
    }

    public Duration getJobStoreRetention() {
        return jobStoreRetention;
    }

    public void setJobStoreRetention(Duration jobStoreRetention) {
        this.jobStoreRetention = jobStoreRetention;
    }

    public String getCorrelationHeaders() {
        return correlationHeaders;
    }

    public void setCorrelationHeaders(String correlationHeaders) {
        this.correlationHeaders = correlationHeaders;
    }

    public Duration getJobsPollInterval() {
        return jobsPollInterval;
    }

    public void setJobsPollInterval(Duration jobsPollInterval) {
        this.jobsPollInterval = jobsPollInterval;
    }

}
