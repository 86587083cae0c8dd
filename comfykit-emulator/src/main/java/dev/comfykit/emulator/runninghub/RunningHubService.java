package dev.comfykit.emulator.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.comfykit.emulator.RunningHubEmulation;
import dev.comfykit.emulator.SampleWorkflows;
import dev.comfykit.emulator.execution.ExecutionEngine;
import dev.comfykit.emulator.faults.FaultRegistry;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.files.FileHashes;
import dev.comfykit.emulator.files.MimeTypes;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.nodes.NodeRegistry;
import dev.comfykit.emulator.queue.PromptQueue;
import dev.comfykit.emulator.queue.QueueItem;
import dev.comfykit.emulator.validation.PromptValidator;
import dev.comfykit.emulator.validation.ValidationResult;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RunningHub v1 emulation: each endpoint takes the parsed JSON body and returns RunningHub's envelope, driving
 * the emulator's shared queue, validation, execution and history. No HTTP here; {@code http.RunningHubRoutes}
 * serves it.
 */
public final class RunningHubService implements RunningHubEmulation {

    private static final Logger LOG = LoggerFactory.getLogger(RunningHubService.class);

    /** RunningHub's upload limit, for every file type. */
    static final long MAX_UPLOAD_BYTES = 30L * 1024 * 1024;
    private static final Set<String> PATHS = Set.of("/api/openapi/getJsonApiFormat", "/task/openapi/create",
            "/task/openapi/ai-app/run", "/task/openapi/status", "/task/openapi/outputs", "/task/openapi/cancel",
            "/task/openapi/upload", "/uc/openapi/accountStatus");
    private static final Set<String> INSTANCE_TYPES = Set.of("default", "plus");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,20}");
    private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,10}");

    private record ScriptedFailure(AtomicInteger remaining, int code, String msg) {
    }

    private final PromptQueue queue;
    private final PromptValidator validator;
    private final DataDirectories dirs;
    private final Supplier<String> baseUrl;
    private final Accounts accounts = new Accounts();
    private final Catalog catalog = new Catalog();
    private final TaskBook tasks;
    private final WebhookCaller webhooks;
    private final List<ScriptedFailure> createFailures = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
    private volatile int maxConcurrentTasks = Integer.MAX_VALUE;

    public RunningHubService(PromptQueue queue, ExecutionEngine engine, NodeRegistry registry, DataDirectories dirs,
                             FaultRegistry faults, Supplier<String> baseUrl) {
        this.queue = queue;
        this.validator = new PromptValidator(registry);
        this.dirs = dirs;
        this.baseUrl = baseUrl;
        this.tasks = new TaskBook(queue, engine, dirs);
        queue.addCompletionListener(tasks);
        this.webhooks = new WebhookCaller(this::v1Callback, this::v2Callback);
        tasks.onEnd(webhooks::taskEnded);
        faults.onClear(this::clearFaults);
        accounts.addValid(DEFAULT_API_KEY);
        accounts.addOtherSite(OTHER_SITE_API_KEY);
        catalog.registerWorkflow(T2I_WORKFLOW_ID, SampleWorkflows.json(SampleWorkflows.T2I));
        catalog.registerWorkflow(TEXT_WORKFLOW_ID, SampleWorkflows.json(SampleWorkflows.TEXT));
        catalog.registerWorkflow(IMAGE_INVERT_WORKFLOW_ID, SampleWorkflows.json(SampleWorkflows.IMAGE_INVERT));
        catalog.registerWorkflow(AUDIO_WORKFLOW_ID, SampleWorkflows.json(SampleWorkflows.AUDIO));
        catalog.registerWorkflow(VIDEO_WORKFLOW_ID, SampleWorkflows.json(SampleWorkflows.VIDEO));
        catalog.registerApp(T2I_APP_ID, SampleWorkflows.json(SampleWorkflows.T2I));
    }

    /** Whether a path is one of the RunningHub endpoints (the fake CDN aside). */
    public static boolean isEndpoint(String path) {
        return PATHS.contains(path) || path.startsWith(RunningHubV2.PREFIX);
    }

    // ---------------------------------------------------------------- public API (RunningHubEmulation)

    @Override
    public String baseUrl() {
        return baseUrl.get();
    }

    @Override
    public RunningHubEmulation addApiKey(String apiKey) {
        accounts.addValid(apiKey);
        return this;
    }

    @Override
    public RunningHubEmulation addOtherSiteKey(String apiKey) {
        accounts.addOtherSite(apiKey);
        return this;
    }

    @Override
    public RunningHubEmulation registerWorkflow(String workflowId, String apiJson) {
        catalog.registerWorkflow(workflowId, apiJson);
        return this;
    }

    @Override
    public RunningHubEmulation registerApp(String webappId, String apiJson) {
        catalog.registerApp(webappId, apiJson);
        return this;
    }

    @Override
    public RunningHubEmulation failNextCreates(int times, int code, String msg) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1");
        }
        createFailures.add(new ScriptedFailure(new AtomicInteger(times), code,
                msg == null ? Envelopes.identifier(code) : msg));
        return this;
    }

    @Override
    public RunningHubEmulation maxConcurrentTasks(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        maxConcurrentTasks = max;
        return this;
    }

    @Override
    public long requestsReceived(String path) {
        AtomicLong count = received.get(path);
        return count == null ? 0 : count.get();
    }

    @Override
    public long tasksCreated() {
        return tasks.created();
    }

    @Override
    public String promptIdOf(String taskId) {
        return tasks.promptIdOf(taskId);
    }

    @Override
    public RunningHubEmulation webhookDelay(java.time.Duration delay) {
        webhooks.delay(delay);
        return this;
    }

    @Override
    public RunningHubEmulation duplicateWebhooks(int extra) {
        if (extra < 0) {
            throw new IllegalArgumentException("extra must not be negative");
        }
        webhooks.duplicates(extra);
        return this;
    }

    @Override
    public RunningHubEmulation lateDuplicateWebhooks(java.time.Duration after) {
        webhooks.lateDuplicate(after);
        return this;
    }

    @Override
    public RunningHubEmulation dropWebhooks() {
        webhooks.drop(true);
        return this;
    }

    @Override
    public long webhooksSent() {
        return webhooks.sent();
    }

    @Override
    public List<Integer> webhookAnswers() {
        return webhooks.statuses();
    }

    /** Stops the webhook calls. */
    public void close() {
        webhooks.close();
    }

    private void clearFaults() {
        webhooks.clearFaults();
        createFailures.clear();
        maxConcurrentTasks = Integer.MAX_VALUE;
    }

    /** Counts a request that reached a RunningHub path, before faults apply. */
    public void received(String path) {
        received.computeIfAbsent(path, p -> new AtomicLong()).incrementAndGet();
    }

    // ---------------------------------------------------------------- endpoints

    /** {@code POST /api/openapi/getJsonApiFormat}: {@code data.prompt} is the workflow's API JSON as a string. */
    public ObjectNode getJsonApiFormat(JsonNode body) {
        Opening opening = open(body, "workflowId", false);
        if (opening.error() != null) {
            return opening.error();
        }
        ObjectNode workflow = catalog.workflow(opening.id());
        if (workflow == null) {
            return Envelopes.error(Envelopes.WORKFLOW_NOT_EXISTS);
        }
        ObjectNode data = Json.object();
        data.put("prompt", Envelopes.compact(workflow));
        return Envelopes.of(Envelopes.OK, "SUCCESS", data);
    }

    /** {@code POST /task/openapi/create}: runs a workflow ({@code workflowId}, or the JSON string {@code workflow}). */
    public ObjectNode create(JsonNode body) {
        return create(body, body.get("webhookUrl"), false);
    }

    /** {@code create} (v1, or v2's run/workflow translated to it) with the run body's {@code webhookUrl}. */
    ObjectNode create(JsonNode body, JsonNode webhookUrl, boolean v2) {
        Opening opening = open(body, "workflowId", true);
        if (opening.error() != null) {
            return opening.error();
        }
        ObjectNode graph;
        JsonNode inline = body.get("workflow");
        if (inline != null && inline.isTextual() && !inline.textValue().isBlank()) {
            try {
                graph = Catalog.parse(inline.textValue());
            } catch (IllegalArgumentException e) {
                return Envelopes.of(Envelopes.PARAMS_INVALID, "workflow is not an API-format workflow: "
                        + e.getMessage(), NullNode.getInstance());
            }
        } else {
            ObjectNode stored = catalog.workflow(opening.id());
            if (stored == null) {
                return Envelopes.error(Envelopes.WORKFLOW_NOT_EXISTS);
            }
            graph = stored.deepCopy();
        }
        return submit(opening.account(), graph, body.get("nodeInfoList"), webhookUrl, v2);
    }

    /** {@code POST /task/openapi/ai-app/run}: runs an AI app; {@code webappId} as a number or a string. */
    public ObjectNode runApp(JsonNode body) {
        return runApp(body, body.get("webhookUrl"), false);
    }

    /** {@code ai-app/run} (v1, or v2's run/ai-app translated to it) with the run body's {@code webhookUrl}. */
    ObjectNode runApp(JsonNode body, JsonNode webhookUrl, boolean v2) {
        Opening opening = open(body, "webappId", true);
        if (opening.error() != null) {
            return opening.error();
        }
        ObjectNode app = catalog.app(opening.id());
        if (app == null) {
            return Envelopes.error(Envelopes.WEBAPP_NOT_EXISTS);
        }
        JsonNode list = body.get("nodeInfoList");
        if (list == null || list.isNull()) {
            return required("nodeInfoList");
        }
        return submit(opening.account(), app.deepCopy(), list, webhookUrl, v2);
    }

    private ObjectNode submit(Account account, ObjectNode graph, JsonNode nodeInfoList, JsonNode webhookUrl,
                              boolean v2) {
        String webhook = null;
        if (webhookUrl != null && !webhookUrl.isNull()) {
            if (!webhookUrl.isTextual()) {
                return Envelopes.of(Envelopes.PARAMS_INVALID, "webhookUrl must be a string", NullNode.getInstance());
            }
            webhook = webhookUrl.textValue().isBlank() ? null : webhookUrl.textValue().trim();
            if (webhook != null && !WebhookCaller.callable(webhook)) {
                // RunningHub would call any public URL; the emulator calls only this machine
                LOG.warn("RunningHub emulation: the task's webhookUrl {} is not a loopback http(s) URL; it is never"
                        + " called", webhook);
                webhook = null;
            }
        }
        if (nodeInfoList != null && !nodeInfoList.isNull()) {
            if (!nodeInfoList.isArray()) {
                return Envelopes.of(Envelopes.PARAMS_INVALID, "nodeInfoList must be a list", NullNode.getInstance());
            }
            String problem = NodeInfoList.apply(graph, nodeInfoList);
            if (problem != null) {
                LOG.info("RunningHub emulation: 803 APIKEY_INVALID_NODE_INFO: {}", problem);
                return Envelopes.error(Envelopes.APIKEY_INVALID_NODE_INFO);
            }
        }
        Task task;
        ValidationResult valid;
        synchronized (account) {
            if (maxConcurrentTasks != Integer.MAX_VALUE && tasks.openTasks(account) >= maxConcurrentTasks) {
                return Envelopes.error(Envelopes.TASK_QUEUE_MAXED);
            }
            // as POST /prompt: the number advances for every submission, also one that fails validation
            JsonNode number = queue.nextNumber(false);
            try {
                valid = validator.validate(graph, null);
            } catch (PromptValidator.Unprocessable e) {
                ObjectNode data = Json.object();
                data.put("promptTips", Json.text(tips(false, PromptValidator.error("invalid_prompt",
                        "Cannot validate the workflow", e.getMessage(), Json.object()), List.of(), Json.object())));
                return Envelopes.of(Envelopes.VALIDATE_PROMPT_FAILED, "VALIDATE_PROMPT_FAILED", data);
            }
            if (!valid.valid()) {
                ObjectNode data = Json.object();
                data.put("promptTips", Json.text(tips(false, valid.error(), List.of(), valid.nodeErrors())));
                return Envelopes.of(Envelopes.VALIDATE_PROMPT_FAILED, "VALIDATE_PROMPT_FAILED", data);
            }
            QueueItem item = new QueueItem(number, UUID.randomUUID().toString(), graph, Json.object(),
                    valid.goodOutputs(), queue.nextSequence(), queue.epoch());
            task = tasks.open(account, randomHex32(), item, webhook, v2);
        }
        ObjectNode data = Json.object();
        data.set("netWssUrl", NullNode.getInstance());
        data.put("taskId", task.taskId());
        data.put("clientId", task.clientId());
        data.put("taskStatus", "QUEUED");
        data.put("promptTips", Json.text(tips(true, null, valid.goodOutputs(), valid.nodeErrors())));
        return Envelopes.ok(data);
    }

    /** ComfyUI's /prompt validation as RunningHub reports it: {@code {result, error, outputs_to_execute, node_errors}}. */
    private static ObjectNode tips(boolean result, JsonNode error, List<String> outputs, JsonNode nodeErrors) {
        ObjectNode tips = Json.object();
        tips.put("result", result);
        tips.set("error", error == null ? NullNode.getInstance() : error);
        ArrayNode toExecute = tips.putArray("outputs_to_execute");
        outputs.forEach(toExecute::add);
        tips.set("node_errors", nodeErrors);
        return tips;
    }

    /** {@code POST /task/openapi/status}: {@code data} is QUEUED, RUNNING, SUCCESS or FAILED, never a reason. */
    public ObjectNode status(JsonNode body) {
        Object found = task(body);
        if (found instanceof ObjectNode error) {
            return error;
        }
        return Envelopes.ok(TextNode.valueOf(tasks.look((Task) found).status()));
    }

    /**
     * {@code POST /task/openapi/outputs}: 813 queued, 804 running, the files on success, 805 with
     * {@code failedReason} on failure.
     *
     * @param cdnBase the base of the file URLs ({@code http://host:port}, as the client reached the emulator)
     */
    public ObjectNode outputs(JsonNode body, String cdnBase) {
        Object found = task(body);
        if (found instanceof ObjectNode error) {
            return error;
        }
        return outputsOf((Task) found, cdnBase);
    }

    /** The outputs answer of a task, as {@code /task/openapi/outputs} gives it and a v1 webhook carries it. */
    private ObjectNode outputsOf(Task task, String cdnBase) {
        TaskBook.Look look = tasks.look(task);
        if (look.phase() == TaskBook.Phase.QUEUED) {
            return Envelopes.error(Envelopes.APIKEY_TASK_IS_QUEUED);
        }
        if (look.phase() == TaskBook.Phase.RUNNING) {
            return Envelopes.error(Envelopes.APIKEY_TASK_IS_RUNNING);
        }
        Outcome outcome = look.outcome();
        if (!outcome.success()) {
            ObjectNode data = Json.object();
            data.set("failedReason", outcome.failedReason().deepCopy());
            return Envelopes.of(Envelopes.APIKEY_TASK_STATUS_ERROR, Envelopes.identifier(805), data);
        }
        ArrayNode items = Json.array();
        for (OutputFile file : outcome.files()) {
            ObjectNode item = items.addObject();
            item.put("fileUrl", cdnBase + "/rh-cdn/" + task.taskId() + "/"
                    + URLEncoder.encode(file.name(), StandardCharsets.UTF_8).replace("+", "%20"));
            item.put("fileType", file.fileType());
            item.put("nodeId", file.nodeId());
            item.put("taskCostTime", outcome.costSeconds());
            item.put("consumeCoins", outcome.coins());
            item.set("consumeMoney", NullNode.getInstance());
            item.set("thirdPartyConsumeMoney", NullNode.getInstance());
        }
        return Envelopes.ok(items);
    }

    /** The v1 webhook of an ended task: {@code {event: TASK_END, taskId, eventData}}, eventData a JSON string. */
    private ObjectNode v1Callback(Task task) {
        ObjectNode body = Json.object();
        body.put("event", "TASK_END");
        body.put("taskId", task.taskId());
        body.put("eventData", Json.text(outputsOf(task, baseUrl.get())));
        return body;
    }

    /** The v2 webhook of an ended task: the v2 task object {@code {taskId, status, errorCode, results, ...}}. */
    private ObjectNode v2Callback(Task task) {
        ObjectNode outputs = outputsOf(task, baseUrl.get());
        boolean success = outputs.path("code").asInt() == 0;
        ObjectNode body = Json.object();
        body.put("taskId", task.taskId());
        body.put("status", success ? "SUCCESS" : "FAILED");
        body.put("errorCode", success ? "" : outputs.path("code").asText());
        body.put("errorMessage", success ? "" : outputs.path("msg").asText());
        body.set("failedReason", success ? Json.object() : outputs.path("data").path("failedReason").deepCopy());
        ArrayNode results = body.putArray("results");
        if (success) {
            for (JsonNode item : outputs.path("data")) {
                ObjectNode result = results.addObject();
                result.put("url", item.path("fileUrl").asText());
                result.put("nodeId", item.path("nodeId").asText());
                result.put("outputType", item.path("fileType").asText());
                result.set("text", NullNode.getInstance());
            }
        }
        return body;
    }

    /** {@code POST /task/openapi/cancel}: 0 for a queued or running task, 817 for an ended one. */
    public ObjectNode cancel(JsonNode body) {
        Object found = task(body);
        if (found instanceof ObjectNode error) {
            return error;
        }
        return tasks.cancel((Task) found) == TaskBook.Cancel.NOT_ALLOWED
                ? Envelopes.error(Envelopes.APIKEY_TASK_CANCEL_NOT_ALLOWED) : Envelopes.ok(NullNode.getInstance());
    }

    /** {@code POST /uc/openapi/accountStatus}: the key is read from lower-case {@code apikey} only. */
    public ObjectNode accountStatus(JsonNode body) {
        Accounts.Check key = key(body, "apikey");
        if (!key.ok()) {
            return Envelopes.error(key.code());
        }
        ObjectNode data = Json.object();
        data.put("remainCoins", String.valueOf(key.account().coins()));
        data.put("currentTaskCounts", String.valueOf(tasks.openTasks(key.account())));
        data.set("remainMoney", NullNode.getInstance());
        data.set("currency", NullNode.getInstance());
        data.put("apiType", "NORMAL");
        return Envelopes.ok(data);
    }

    /**
     * {@code POST /task/openapi/upload}: stores the file as {@code input/api/<sha256>.<ext>}; blocking (file I/O).
     *
     * @param uploaded the received file, or null if the request had no {@code file} part
     * @param fileType the {@code fileType} field, or null
     */
    public ObjectNode upload(String apiKey, Path uploaded, String filename, long size, String fileType)
            throws IOException {
        Accounts.Check key = accounts.check(apiKey);
        if (!key.ok()) {
            return Envelopes.error(key.code());
        }
        if (uploaded == null) {
            return required("file");
        }
        if (size > MAX_UPLOAD_BYTES) {
            return Envelopes.error(Envelopes.APIKEY_FILE_SIZE_EXCEEDED);
        }
        String extension = extension(filename);
        String name = "api/" + sha256(uploaded) + (extension.isEmpty() ? "" : "." + extension);
        Path target = dirs.input().resolve(name);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            Files.copy(uploaded, target, StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectNode data = Json.object();
        data.put("fileName", name);
        data.put("fileType", "image".equals(fileType) ? "image" : "input");
        return Envelopes.ok(data);
    }

    /** An unknown path in RunningHub's namespaces: 412 TOKEN_INVALID, as RunningHub answers a misspelt path. */
    public ObjectNode unknownPath() {
        return Envelopes.error(Envelopes.TOKEN_INVALID);
    }

    /** A file the CDN serves: an output of a successful task, or null. */
    public OutputFile cdnFile(String taskId, String name) {
        Task task = tasks.findAny(taskId);
        Outcome outcome = task == null ? null : task.outcome;
        return outcome == null || !outcome.success() ? null : outcome.file(name);
    }

    // ---------------------------------------------------------------- for the v2 emulation

    TaskBook tasks() {
        return tasks;
    }

    Accounts accounts() {
        return accounts;
    }

    DataDirectories dirs() {
        return dirs;
    }

    // ---------------------------------------------------------------- helpers

    private ObjectNode scriptedFailure() {
        for (ScriptedFailure failure : createFailures) {
            if (failure.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                return Envelopes.of(failure.code(), failure.msg(), NullNode.getInstance());
            }
        }
        return null;
    }

    /** What the opening checks found: the account and the id, or the error envelope to answer with. */
    private record Opening(ObjectNode error, Account account, String id) {

        static Opening failed(ObjectNode error) {
            return new Opening(error, null, null);
        }
    }

    /**
     * The checks a request naming a workflow or an app opens with, in this order: a scripted failure (runs only), the
     * {@code apiKey}, the instance type (runs only), then the id in {@code idField}, required.
     *
     * @param run whether the request runs a task ({@code create}, {@code ai-app/run})
     */
    private Opening open(JsonNode body, String idField, boolean run) {
        if (run) {
            ObjectNode scripted = scriptedFailure();
            if (scripted != null) {
                return Opening.failed(scripted);
            }
        }
        Accounts.Check key = key(body, "apiKey");
        if (!key.ok()) {
            return Opening.failed(Envelopes.error(key.code()));
        }
        if (run) {
            ObjectNode badInstance = checkInstanceType(body);
            if (badInstance != null) {
                return Opening.failed(badInstance);
            }
        }
        String id = id(body.get(idField));
        if (id == null) {
            return Opening.failed(required(idField));
        }
        return new Opening(null, key.account(), id);
    }

    /** 301 for a missing field: {@code "<field> is required"}. */
    private static ObjectNode required(String field) {
        return Envelopes.of(Envelopes.PARAMS_INVALID, field + " is required", NullNode.getInstance());
    }

    private Accounts.Check key(JsonNode body, String field) {
        return accounts.check(body == null ? null : body.get(field));
    }

    /** The task a status/outputs/cancel body names, or the error envelope to answer with. */
    Object task(JsonNode body) {
        Accounts.Check key = key(body, "apiKey");
        if (!key.ok()) {
            return Envelopes.error(key.code());
        }
        String taskId = id(body.get("taskId"));
        if (taskId == null || !DIGITS.matcher(taskId).matches() || taskId.chars().allMatch(c -> c == '0')) {
            return Envelopes.of(Envelopes.PARAMS_INVALID, "taskId must be positive", NullNode.getInstance());
        }
        Task task = tasks.find(key.account(), taskId);
        return task == null ? Envelopes.error(Envelopes.APIKEY_TASK_NOT_FOUND) : task;
    }

    private static ObjectNode checkInstanceType(JsonNode body) {
        JsonNode type = body.get("instanceType");
        if (type == null || type.isNull() || (type.isTextual() && INSTANCE_TYPES.contains(type.textValue()))) {
            return null;
        }
        return Envelopes.of(Envelopes.PARAMS_INVALID, "instanceType must be default or plus", NullNode.getInstance());
    }

    /** An id given as a JSON string or an exact integer; null if absent or blank. */
    private static String id(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isTextual() && !value.textValue().isBlank()) {
            return value.textValue().trim();
        }
        return null;
    }

    static String extension(String filename) {
        if (filename == null) {
            return "";
        }
        String extension = MimeTypes.extension(filename);
        return EXTENSION.matcher(extension).matches() ? extension : "";
    }

    static String sha256(Path file) throws IOException {
        try {
            return FileHashes.sha256(file);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomHex32() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }
}
