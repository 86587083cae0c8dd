package dev.comfykit.client;

import dev.comfykit.client.internal.pool.LabelSelector;
import dev.comfykit.client.spi.DispatchStrategy;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One option of a {@link ComfyKit} client, declared once: its name, Java type, default, the environment variable of
 * the Python SDK that sets it, whether it is a secret, what it does, how it is read from text and which values are
 * valid. The builder ({@link ComfyKitBuilder#set(ClientOption, Object)}), the resolved {@link ComfyKitConfig}, the
 * Camel component's options and the Spring Boot starter's properties all derive from this table, and a test proves
 * that they agree.
 * <p>
 * Options that are objects rather than values (the executor, the HTTP client, the class loader, the environment
 * lookup) are plain builder methods and not in this table.
 *
 * @param <T> the option's value type
 */
public final class ClientOption<T> {

    /**
     * The defaults as text, constants so that annotations can use them, e.g.
     * {@code @UriParam(defaultValue = ClientOption.Defaults.TIMEOUT)}. Options without a default (the keys, the
     * cookies, the instance type) have no constant. Durations are written as Camel and Spring Boot read them
     * ({@code 10m}, {@code 60s}); the typed {@link ClientOption#defaultValue()} is parsed from this text.
     */
    public static final class Defaults {
        public static final String COMFYUI_URL = "http://127.0.0.1:8188";
        public static final String EXECUTOR_TYPE = "HTTP";
        public static final String RUNNINGHUB_URL = "https://www.runninghub.ai";
        public static final String RUNNINGHUB_TIMEOUT = "30m";
        public static final String RUNNINGHUB_RETRY_COUNT = "3";
        public static final String RUNNINGHUB_POLL_INTERVAL = "3s";
        public static final String RUNNINGHUB_MAX_CONCURRENCY = "1";
        public static final String RUNNINGHUB_API_VERSION = "v2";
        public static final String TIMEOUT = "10m";
        public static final String CONNECT_TIMEOUT = "10s";
        public static final String REQUEST_TIMEOUT = "60s";
        /** 100 MiB. */
        public static final String MAX_UPLOAD_BYTES = "104857600";
        public static final String ALLOW_PRIVATE_URLS = "false";
        public static final String LOST_PROMPT_GRACE = "3s";
        public static final String RECONCILE_INTERVAL = "5s";
        public static final String DISPATCH = "least-queue";
        public static final String MAX_ATTEMPTS = "3";
        public static final String FAILOVER_ON_EXECUTION_ERROR = "false";
        public static final String CANCEL_ON_CLOSE = "true";
        public static final String LEASE_DURATION = "30s";
        /** Seven days, in hours: Camel reads no days. */
        public static final String JOB_STORE_RETENTION = "168h";
        /** 64 MiB. */
        public static final String MAX_RESPONSE_BYTES = "67108864";
        /** 4 GiB. */
        public static final String MAX_OUTPUT_BYTES = "4294967296";
        public static final String PRIORITY = "normal";
        public static final String WEBHOOK_GRACE_PERIOD = "60s";

        private Defaults() {
        }
    }

    /** The rule a value must meet: {@code null} when valid, else what is wrong ("must be ..., got ..."). */
    private interface Rule<T> {
        String problem(T value);
    }


    /** The names the dispatch option accepts. */

    /** The local ComfyUI server, e.g. {@code http://127.0.0.1:8188} (may include a path prefix). */
    public static final ClientOption<String> COMFYUI_URL = url("comfyuiUrl", Defaults.COMFYUI_URL,
            "The base URL of the local ComfyUI server (a path prefix behind a reverse proxy is allowed).")
            .environment("COMFYUI_BASE_URL");
    /** How completion is detected: {@code HTTP} polling or one shared {@code WEBSOCKET}. */
    public static final ClientOption<ExecutorType> EXECUTOR_TYPE = option("executorType", ExecutorType.class,
            Defaults.EXECUTOR_TYPE, ClientOption::executorType, anyValue(),
            "How completion is detected on a local ComfyUI: HTTP polling or one shared WEBSOCKET.")
            .environment("COMFYUI_EXECUTOR_TYPE");
    /** The ComfyUI api key. */
    public static final ClientOption<String> API_KEY = text("apiKey",
            "The ComfyUI api key: sent as Authorization: Bearer to the ComfyUI server only, and as"
                    + " extra_data.api_key_comfy_org for paid API nodes.")
            .environment("COMFYUI_API_KEY").asSecret();
    /** The cookies for the ComfyUI server; the component and the starter call it {@code cookieSecret}. */
    public static final ClientOption<String> COOKIES = text("cookies",
            "Cookies for the ComfyUI server: a JSON object, k1=v1; k2=v2, or an http(s) URL whose body is one of"
                    + " these.")
            .environment("COMFYUI_COOKIES").asSecret()
            // Camel masks options whose name contains 'secret' in logged URIs
            .componentName("cookieSecret");
    /** The RunningHub site. */
    public static final ClientOption<String> RUNNINGHUB_URL = url("runninghubUrl", Defaults.RUNNINGHUB_URL,
            "The RunningHub site: https://www.runninghub.ai or https://www.runninghub.cn.")
            .environment("RUNNINGHUB_BASE_URL");
    /** The RunningHub api key; unset, it falls back to {@link #API_KEY}. */
    public static final ClientOption<String> RUNNINGHUB_API_KEY = text("runninghubApiKey",
            "The RunningHub api key (falls back to apiKey).")
            .environment("RUNNINGHUB_API_KEY").asSecret().fallback(API_KEY);
    /** The time limit of a whole RunningHub task; its environment variable counts seconds. */
    public static final ClientOption<Duration> RUNNINGHUB_TIMEOUT = duration("runninghubTimeout",
            Defaults.RUNNINGHUB_TIMEOUT,
            "The time limit of a whole RunningHub task; on expiry the task is cancelled on RunningHub.")
            // as in the Python SDK
            .environment("RUNNINGHUB_TIMEOUT", ClientOption::seconds);
    /** How many times a RunningHub request that can succeed later is retried. */
    public static final ClientOption<Integer> RUNNINGHUB_RETRY_COUNT = integer("runninghubRetryCount",
            Defaults.RUNNINGHUB_RETRY_COUNT, 0,
            "How many times a RunningHub request that can succeed later is retried.")
            .environment("RUNNINGHUB_RETRY_COUNT");
    /** The RunningHub machine class. */
    public static final ClientOption<String> RUNNINGHUB_INSTANCE_TYPE = text("runninghubInstanceType",
            "The RunningHub machine class: plus for 48 GB GPUs; unset for the default 24 GB.")
            .environment("RUNNINGHUB_INSTANCE_TYPE");
    /** How often a RunningHub task's state is polled. */
    public static final ClientOption<Duration> RUNNINGHUB_POLL_INTERVAL = duration("runninghubPollInterval",
            Defaults.RUNNINGHUB_POLL_INTERVAL, "How often a RunningHub task's state is polled.");
    /** How many RunningHub tasks may be open at once. */
    public static final ClientOption<Integer> RUNNINGHUB_MAX_CONCURRENCY = integer("runninghubMaxConcurrency",
            Defaults.RUNNINGHUB_MAX_CONCURRENCY, 1,
            "How many RunningHub tasks may be open at once; more executions wait locally.");
    /** Which RunningHub API runs tasks: {@code v2} (the default) or {@code v1}. */
    public static final ClientOption<String> RUNNINGHUB_API_VERSION = option("runninghubApiVersion", String.class,
            Defaults.RUNNINGHUB_API_VERSION, text -> text.trim().toLowerCase(Locale.ROOT),
            value -> value.equals("v1") || value.equals("v2") ? null
                    : "must be one of v1, v2 (the RunningHub API version), got '" + value + "'",
            "Which RunningHub API runs tasks: v2 (/openapi/v2, Bearer key, one query call that carries the failure"
                    + " reason) or v1 (/task/openapi, the key in the body).");
    /** The public URL RunningHub calls when a task ends; unset, tasks are only polled. */
    public static final ClientOption<String> WEBHOOK_URL = option("webhookUrl", String.class, null, String::trim,
            ClientOption::webhookUrlProblem,
            "The public http(s) URL RunningHub calls when a task ends (the route's path included; the token of"
                    + " webhookSecret is appended as the query parameter token); unset, tasks are only polled.");
    /** The secret token that proves a webhook call comes from RunningHub. */
    public static final ClientOption<String> WEBHOOK_SECRET = option("webhookSecret", String.class, null,
            String::trim, ClientOption::webhookSecretProblem,
            "The secret token a webhook call must carry (query parameter token), at least 16 letters, digits, '-',"
                    + " '_', '.' or '~'; required with webhookUrl.").asSecret();
    /** With a webhook: how often a task is still polled, in case its webhook never arrives. */
    public static final ClientOption<Duration> WEBHOOK_GRACE_PERIOD = duration("webhookGracePeriod",
            Defaults.WEBHOOK_GRACE_PERIOD,
            "With webhookUrl: how late a task's end may be noticed when its webhook never arrives; polling slows to"
                    + " this interval (never below runninghubPollInterval) instead of stopping.");
    /** The time limit of a whole execution on ComfyUI. */
    public static final ClientOption<Duration> TIMEOUT = duration("timeout", Defaults.TIMEOUT,
            "The time limit of a whole execution; on expiry the prompt is cancelled on the server.");
    /** The time limit for opening a connection. */
    public static final ClientOption<Duration> CONNECT_TIMEOUT = duration("connectTimeout", Defaults.CONNECT_TIMEOUT,
            "The time limit for opening a connection (HTTP or WebSocket).");
    /** The time limit of each HTTP request. */
    public static final ClientOption<Duration> REQUEST_TIMEOUT = duration("requestTimeout", Defaults.REQUEST_TIMEOUT,
            "The time limit of each HTTP request.");
    /** The largest media value uploaded. */
    public static final ClientOption<Long> MAX_UPLOAD_BYTES = option("maxUploadBytes", Long.class,
            Defaults.MAX_UPLOAD_BYTES, text -> number(text, Long::valueOf),
            value -> value > 0 ? null : "must be a positive number of bytes such as " + Defaults.MAX_UPLOAD_BYTES
                    + ", got " + value,
            "The largest media value uploaded, in bytes (files, streams, downloaded URLs).");
    /** The largest JSON answer read from a ComfyUI server. */
    public static final ClientOption<Long> MAX_RESPONSE_BYTES = option("maxResponseBytes", Long.class,
            Defaults.MAX_RESPONSE_BYTES, text -> number(text, Long::valueOf),
            value -> value > 0 ? null : "must be a positive number of bytes such as " + Defaults.MAX_RESPONSE_BYTES
                    + ", got " + value,
            "The largest JSON answer read from a ComfyUI server, in bytes (/history, /queue, /object_info, jobs);"
                    + " a larger answer fails the prompt that needed it instead of filling the heap.");
    /** The largest output file downloaded from a ComfyUI server. */
    public static final ClientOption<Long> MAX_OUTPUT_BYTES = option("maxOutputBytes", Long.class,
            Defaults.MAX_OUTPUT_BYTES, text -> number(text, Long::valueOf),
            value -> value > 0 ? null : "must be a positive number of bytes such as " + Defaults.MAX_OUTPUT_BYTES
                    + ", got " + value,
            "The largest output file downloaded from a ComfyUI server, in bytes (saved, streamed or read);"
                    + " a larger one fails that download instead of filling the disk or heap.");
    /** Where this client's prompts go in the server's queue. */
    public static final ClientOption<String> PRIORITY = option("priority", String.class, Defaults.PRIORITY,
            text -> Priority.parse(text).toString(),
            value -> parseProblem(Priority::parse, value),
            "Where prompts go in the ComfyUI server's queue: normal, front (ahead of every prompt queued normally,"
                    + " also other clients') or a queue number (lower runs first).");
    /** Whether URLs may name hosts on loopback, link-local or private networks. */
    public static final ClientOption<Boolean> ALLOW_PRIVATE_URLS = option("allowPrivateUrls", Boolean.class,
            Defaults.ALLOW_PRIVATE_URLS, ClientOption::bool, anyValue(),
            "Whether workflow, media and cookie URLs may name hosts on loopback, link-local, private or unspecified"
                    + " addresses (the ComfyUI server's own URL always may).");
    /** Advanced, client only: how long a prompt may be unknown to the server before it is reported lost. */
    public static final ClientOption<Duration> LOST_PROMPT_GRACE = duration("lostPromptGrace",
            Defaults.LOST_PROMPT_GRACE, "How long a prompt may be unknown to the server before it is reported lost.")
            .clientOnly();
    /** Advanced, client only: how often the WebSocket executor double-checks the queue and history. */
    public static final ClientOption<Duration> RECONCILE_INTERVAL = duration("reconcileInterval",
            Defaults.RECONCILE_INTERVAL, "How often the WebSocket executor double-checks the queue and history.")
            .clientOnly();

    /** The ComfyUI servers of a pool; unset, the one {@link #COMFYUI_URL} server. */
    public static final ClientOption<String> SERVERS = option("servers", String.class, null, String::trim,
            ClientOption::serversProblem,
            "A pool of ComfyUI servers instead of comfyuiUrl: entries [name=]url[;weight=n][;maxInFlight=n]"
                    + "[;label.key=value] separated by commas; each prompt runs on one of them.");
    /** How a pool picks a server for a prompt. */
    public static final ClientOption<String> DISPATCH = option("dispatch", String.class, Defaults.DISPATCH,
            text -> text.trim().toLowerCase(Locale.ROOT), value -> DispatchStrategy.NAMES.contains(value) ? null
                    : "must be one of " + String.join(", ", DispatchStrategy.NAMES) + ", got '" + value + "'",
            "How a pool of servers picks the server of a prompt: least-queue (fewest prompts queued there),"
                    + " round-robin or first-idle.");
    /** How many servers of a pool a prompt is tried on when a server fails it before running it. */
    public static final ClientOption<Integer> MAX_ATTEMPTS = integer("maxAttempts", Defaults.MAX_ATTEMPTS, 1,
            "How many times a pool runs a prompt (on another server each time) when a server could not be reached,"
                    + " failed before accepting it or lost it; 1 turns failover off.");
    /** Whether a pool also moves a prompt whose node failed to another server. */
    public static final ClientOption<Boolean> FAILOVER_ON_EXECUTION_ERROR = option("failoverOnExecutionError",
            Boolean.class, Defaults.FAILOVER_ON_EXECUTION_ERROR, ClientOption::bool, anyValue(),
            "Whether a pool also runs a prompt again on another server when a node failed (EXECUTION), e.g. out of"
                    + " GPU memory.");

    /** Which servers of a pool this client uses, by their labels. */
    public static final ClientOption<String> SERVER_LABELS = option("serverLabels", String.class, null, String::trim,
            ClientOption::labelSelectorProblem,
            "Which servers of the pool this client uses, by label: key=value pairs (or a bare key) separated by"
                    + " commas, e.g. gpu=a100; a server must match all of them. Unset: every server.");

    /** Whether closing the client cancels its prompts on the server (without a job store). */
    public static final ClientOption<Boolean> CANCEL_ON_CLOSE = option("cancelOnClose", Boolean.class,
            Defaults.CANCEL_ON_CLOSE, ClientOption::bool, anyValue(),
            "Whether closing the client (stopping Camel) removes the prompts it submitted and still waits for from"
                    + " the server's queue and interrupts the running ones; false leaves them running. Ignored with a"
                    + " job store, whose jobs are kept for another instance (or a restart) to finish.");
    /** How long a job store lease lasts. */
    public static final ClientOption<Duration> LEASE_DURATION = duration("leaseDuration", Defaults.LEASE_DURATION,
            "With a job store: how long an instance owns a job it tracks without renewing its lease (renewed every"
                    + " third of it); once a lease ends another instance claims the job and finishes it.");
    /** How long finished jobs stay in the job store. */
    public static final ClientOption<Duration> JOB_STORE_RETENTION = duration("jobStoreRetention",
            Defaults.JOB_STORE_RETENTION,
            "With a job store: how long finished jobs (delivered or not) are kept before they are deleted.");

    // in resolution order: a fallback (runninghubApiKey -> apiKey) comes after the option it falls back to
    private static final List<ClientOption<?>> ALL = List.of(COMFYUI_URL, EXECUTOR_TYPE, API_KEY, COOKIES,
            RUNNINGHUB_URL, RUNNINGHUB_API_KEY, RUNNINGHUB_TIMEOUT, RUNNINGHUB_RETRY_COUNT, RUNNINGHUB_INSTANCE_TYPE,
            RUNNINGHUB_POLL_INTERVAL, RUNNINGHUB_MAX_CONCURRENCY, RUNNINGHUB_API_VERSION, WEBHOOK_URL, WEBHOOK_SECRET,
            WEBHOOK_GRACE_PERIOD, TIMEOUT, CONNECT_TIMEOUT, REQUEST_TIMEOUT,
            MAX_UPLOAD_BYTES, MAX_RESPONSE_BYTES, MAX_OUTPUT_BYTES, PRIORITY, ALLOW_PRIVATE_URLS, LOST_PROMPT_GRACE,
            RECONCILE_INTERVAL, SERVERS, DISPATCH, MAX_ATTEMPTS, FAILOVER_ON_EXECUTION_ERROR, SERVER_LABELS,
            CANCEL_ON_CLOSE, LEASE_DURATION, JOB_STORE_RETENTION);

    private final String name;
    private final Class<T> type;
    private final String defaultText;
    private final T defaultValue;
    private final String environmentVariable;
    private final boolean secret;
    private final ClientOption<T> fallback;
    private final String componentName;
    private final String doc;
    private final Function<String, T> parser;
    private final Function<String, T> environmentParser;
    private final Rule<T> rule;

    private ClientOption(String name, Class<T> type, String defaultText, String environmentVariable, boolean secret,
                         ClientOption<T> fallback, String componentName, String doc, Function<String, T> parser,
                         Function<String, T> environmentParser, Rule<T> rule) {
        this.name = name;
        this.type = type;
        this.defaultText = defaultText;
        this.environmentVariable = environmentVariable;
        this.secret = secret;
        this.fallback = fallback;
        this.componentName = componentName;
        this.doc = doc;
        this.parser = parser;
        this.environmentParser = environmentParser;
        this.rule = rule;
        // the typed default comes from the text that annotations show, so the two cannot differ
        this.defaultValue = defaultText == null ? null : parser.apply(defaultText);
    }

    /** Every option, in the order the configuration resolves them. */
    public static List<ClientOption<?>> all() {
        return ALL;
    }

    /** The option of this client name (as in {@link #name()}), if any. */
    public static Optional<ClientOption<?>> named(String name) {
        return ALL.stream().filter(option -> option.name.equals(name)).findFirst();
    }

    /** The client's name of the option, e.g. {@code timeout}; the builder method has this name. */
    public String name() {
        return name;
    }

    /** The Java type of the option's value. */
    public Class<T> type() {
        return type;
    }

    /** The default as text (see {@link Defaults}), or {@code null} when the option has none. */
    public String defaultText() {
        return defaultText;
    }

    /** The default, parsed from {@link #defaultText()}, or {@code null} when the option has none. */
    public T defaultValue() {
        return defaultValue;
    }

    /** The environment variable of the Python SDK that sets the option, if any. */
    public Optional<String> environmentVariable() {
        return Optional.ofNullable(environmentVariable);
    }

    /** Whether the value is a secret: masked in {@link ComfyKitConfig#toString()}, Camel URIs and Spring's output. */
    public boolean secret() {
        return secret;
    }

    /** The option whose value applies when this one is set nowhere (before its default), if any. */
    public Optional<ClientOption<T>> fallback() {
        return Optional.ofNullable(fallback);
    }

    /**
     * The option's name in the Camel component and the Spring Boot starter, usually {@link #name()}; empty for the
     * advanced options that only the client offers.
     */
    public Optional<String> componentName() {
        return Optional.ofNullable(componentName);
    }

    /** One sentence on what the option does. */
    public String doc() {
        return doc;
    }

    /**
     * Reads a value from text as it is written in configuration: durations as {@code 10m}, {@code 30s},
     * {@code 500ms}, {@code 1h}, ISO-8601 ({@code PT10M}) or a bare number of milliseconds.
     *
     * @throws IllegalArgumentException naming the option, what is accepted and the text
     */
    public T parse(String text) {
        try {
            return parser.apply(Objects.requireNonNull(text, name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " " + e.getMessage() + where(), e);
        }
    }

    /**
     * Reads a value of the option's environment variable as the Python SDK does (e.g. {@code RUNNINGHUB_TIMEOUT}
     * counts seconds).
     *
     * @throws IllegalArgumentException naming the option, the variable, what is accepted and the text
     */
    public T parseEnvironment(String text) {
        try {
            return environmentParser.apply(Objects.requireNonNull(text, name));
        } catch (IllegalArgumentException e) {
            // the fix is in the environment, so name the variable first
            throw new IllegalArgumentException((environmentVariable == null ? name : environmentVariable) + " "
                    + e.getMessage() + " (environment variable of option " + name + "; correct or unset it)", e);
        }
    }

    /**
     * Checks a value, e.g. a positive duration or an http(s) URL.
     *
     * @return the value
     * @throws IllegalArgumentException naming the option (and its environment variable), the rule and the value
     */
    public T validate(T value) {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(name + " " + problem + where());
        }
        return value;
    }

    /**
     * What is wrong with a value by the option's rule, e.g. {@code must not be negative, got -1}, without naming the
     * option (for integrations that name it their own way); {@code null} when the value is valid.
     */
    public String problem(T value) {
        return rule.problem(Objects.requireNonNull(value, name));
    }

    /** Where the option is set, for error messages: " (option x, environment variable Y)". */
    private String where() {
        return " (option " + name + (environmentVariable == null ? "" : ", environment variable "
                + environmentVariable) + ")";
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- declarations -------------------------------------------------------------------------------------------

    private static <T> ClientOption<T> option(String name, Class<T> type, String defaultText, Function<String, T> parser,
                                              Rule<T> rule, String doc) {
        return new ClientOption<>(name, type, defaultText, null, false, null, name, doc, parser, parser, rule);
    }

    /** The rule of options whose every parsed value is valid. */
    private static <T> Rule<T> anyValue() {
        return value -> null;
    }

    private static ClientOption<String> text(String name, String doc) {
        return option(name, String.class, null, String::trim, anyValue(), doc);
    }

    private static ClientOption<String> url(String name, String defaultText, String doc) {
        return option(name, String.class, defaultText, String::trim, value -> urlProblem(value, defaultText), doc);
    }

    private static ClientOption<Duration> duration(String name, String defaultText, String doc) {
        return option(name, Duration.class, defaultText, ClientOption::duration, value -> value.isNegative()
                || value.isZero() ? "must be a positive duration such as " + defaultText + ", got " + value : null, doc);
    }

    private static ClientOption<Integer> integer(String name, String defaultText, int minimum, String doc) {
        return option(name, Integer.class, defaultText, text -> number(text, Integer::valueOf), value -> value >= minimum
                ? null : (minimum == 0 ? "must not be negative" : "must be at least " + minimum) + ", got " + value, doc);
    }

    /** Set by an environment variable of the Python SDK, read as other text. */
    private ClientOption<T> environment(String variable) {
        return environment(variable, parser);
    }

    /** Set by an environment variable of the Python SDK, read its own way. */
    private ClientOption<T> environment(String variable, Function<String, T> variableParser) {
        return new ClientOption<>(name, type, defaultText, variable, secret, fallback, componentName, doc, parser,
                variableParser, rule);
    }

    private ClientOption<T> asSecret() {
        return new ClientOption<>(name, type, defaultText, environmentVariable, true, fallback, componentName, doc,
                parser, environmentParser, rule);
    }

    private ClientOption<T> fallback(ClientOption<T> other) {
        return new ClientOption<>(name, type, defaultText, environmentVariable, secret, other, componentName, doc,
                parser, environmentParser, rule);
    }

    private ClientOption<T> componentName(String camelName) {
        return new ClientOption<>(name, type, defaultText, environmentVariable, secret, fallback, camelName, doc,
                parser, environmentParser, rule);
    }

    /** An advanced option that the Camel component and the starter do not offer. */
    private ClientOption<T> clientOnly() {
        return componentName(null);
    }

    // ---- parsing and rules --------------------------------------------------------------------------------------

    private static final String DURATION_FORMS = "10m, 30s, 500ms, 1h, PT10M or a number of milliseconds";

    private static Duration duration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("pt") || value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            int digits = 0;
            while (digits < value.length() && Character.isDigit(value.charAt(digits))) {
                digits++;
            }
            long amount = Long.parseLong(value.substring(0, digits));
            return switch (value.substring(digits).trim()) {
                case "", "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new NumberFormatException(value);
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write " + DURATION_FORMS, e);
        }
    }

    /** RUNNINGHUB_TIMEOUT counts seconds, as in the Python SDK. */
    private static Duration seconds(String text) {
        try {
            return Duration.ofSeconds(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a number of seconds such as 1800, got '" + text + "'");
        }
    }

    private static <N> N number(String text, Function<String, N> parse) {
        try {
            return parse.apply(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number such as 3");
        }
    }

    private static ExecutorType executorType(String text) {
        try {
            return ExecutorType.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an executor type: use 'http' or 'websocket'");
        }
    }

    private static Boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + text + "' is neither true nor false");
        };
    }

    private static String labelSelectorProblem(String selector) {
        String problem = parseProblem(LabelSelector::parse, selector);
        return problem == null ? null : "is not a label selector such as gpu=a100,vram=48: " + problem;
    }

    private static String serversProblem(String value) {
        return parseProblem(ServerSpec::parseList, value);
    }

    /** The message of the parser's refusal, or {@code null} when it reads the text. */
    private static String parseProblem(Consumer<String> parser, String text) {
        try {
            parser.accept(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The smallest webhook secret: 16 characters of the 66 URL-safe ones are about 96 bits. */
    static final int MIN_WEBHOOK_SECRET_LENGTH = 16;

    private static String webhookSecretProblem(String value) {
        if (value.length() < MIN_WEBHOOK_SECRET_LENGTH) {
            return "is too short (" + value.length() + " characters): use at least " + MIN_WEBHOOK_SECRET_LENGTH
                    + " random letters and digits, e.g. from openssl rand -hex 16";
        }
        if (!value.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "-_.~".indexOf(c) >= 0))) {
            return "may hold only letters, digits, '-', '_', '.' and '~' (it travels in a URL)";
        }
        return null;
    }

    private static String webhookUrlProblem(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawFragment() == null) {
                String query = uri.getRawQuery();
                if (query != null && ("&" + query).contains("&token=")) {
                    return "'" + value + "' must not carry a token parameter: the token of webhookSecret is appended";
                }
                return null;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        return "'" + value + "' is not a public http(s) URL such as https://example.org/comfykit/webhook";
    }

    private static String urlProblem(String value, String example) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                String host = uri.getHost().toLowerCase(Locale.ROOT);
                if (host.equals("runninghub.ai") || host.equals("runninghub.cn")) {
                    // the API checks the Host header, which must be the www. name
                    return "'" + value + "' must name the www host: use https://www." + host;
                }
                return null;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        return "'" + value + "' is not an http(s) base URL such as " + example;
    }
}
