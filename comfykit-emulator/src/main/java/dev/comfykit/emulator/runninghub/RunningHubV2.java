package dev.comfykit.emulator.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.files.MimeTypes;
import dev.comfykit.emulator.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * The RunningHub v2 emulation (runninghub-api.md §6, §3.2, §7.2) on top of the v1 one: the same accounts, catalog,
 * tasks and outcomes, other shapes. The key comes only as {@code Authorization: Bearer}; task answers are the bare
 * task object {@code {taskId, status, errorCode, errorMessage, failedReason, usage, results, clientId, promptTips}};
 * {@code query} answers for every task of the account, also those created through v1. No HTTP here.
 */
public final class RunningHubV2 {

    /** The path prefix of every v2 endpoint. */
    public static final String PREFIX = "/openapi/v2/";

    /** v1 codes that v2 reports under its own number; the others travel as v1 numbers in strings (§7.2). */
    private static final Map<Integer, String> V2_CODES = Map.of(
            Envelopes.APIKEY_UNAUTHORIZED, "1002",
            Envelopes.APIKEY_TASK_NOT_FOUND, "1004",
            Envelopes.PARAMS_INVALID, "1007",
            Envelopes.APIKEY_FILE_SIZE_EXCEEDED, "1008",
            Envelopes.APIKEY_INVALID_NODE_INFO, "1101");
    private static final Map<String, String> V2_MESSAGES = Map.of(
            "1001", "Invalid URL",
            "1002", "Invalid API key",
            "1004", "Task not found or expired",
            "1008", "File too large",
            "1101", "Node info error");

    /** An answer: the HTTP status (200 for business errors, 401 without a Bearer key) and the JSON body. */
    public record Reply(int status, ObjectNode body) {
    }

    private final RunningHubService v1;

    public RunningHubV2(RunningHubService v1) {
        this.v1 = v1;
    }

    /** {@code POST /openapi/v2/run/workflow/{workflowId}}: the v1 create, answered as a task object. */
    public Reply runWorkflow(String authorization, String workflowId, JsonNode body) {
        return run(authorization, body, "workflowId", workflowId, true);
    }

    /** {@code POST /openapi/v2/run/ai-app/{webappId}}. */
    public Reply runApp(String authorization, String webappId, JsonNode body) {
        return run(authorization, body, "webappId", webappId, false);
    }

    private Reply run(String authorization, JsonNode body, String idField, String id, boolean workflow) {
        String key = bearer(authorization);
        if (key == null) {
            return unauthorized();
        }
        if (body == null || !body.isObject()) {
            return error(200, "1007", "the body must be a JSON object");
        }
        JsonNode list = body.get("nodeInfoList");
        if (list == null || list.isNull()) {
            return error(200, "1007", "nodeInfoList is required (it may be [])");
        }
        ObjectNode v1Body = ((ObjectNode) body).deepCopy();
        v1Body.put("apiKey", key);
        v1Body.put(idField, id);
        if (!workflow) {
            v1Body.remove("workflow");
        }
        JsonNode hook = body.get("webhookUrl");
        ObjectNode answer = workflow ? v1.create(v1Body, hook, true) : v1.runApp(v1Body, hook, true);
        int code = answer.path("code").asInt();
        JsonNode data = answer.path("data");
        if (code != Envelopes.OK) {
            ObjectNode error = error(200, v2Code(code), answer.path("msg").asText()).body();
            if (data.has("promptTips")) {
                error.set("promptTips", data.get("promptTips"));
            }
            return new Reply(200, error);
        }
        Task task = v1.tasks().findAny(data.path("taskId").asText());
        ObjectNode object = taskObject(task.taskId(), v1.tasks().look(task).status(), "", "", task.clientId());
        object.set("promptTips", data.get("promptTips"));
        return new Reply(200, object);
    }

    /** {@code POST /openapi/v2/query}: the task object, for tasks created through v1 or v2. */
    public Reply query(String authorization, JsonNode body, String cdnBase) {
        String key = bearer(authorization);
        if (key == null) {
            return unauthorized();
        }
        ObjectNode v1Body = body != null && body.isObject() ? ((ObjectNode) body).deepCopy() : Json.object();
        v1Body.put("apiKey", key);
        Object found = v1.task(v1Body);
        if (found instanceof ObjectNode error) {
            int code = error.path("code").asInt();
            return error(200, v2Code(code), error.path("msg").asText());
        }
        Task task = (Task) found;
        TaskBook.Look look = v1.tasks().look(task);
        if (look.phase() != TaskBook.Phase.ENDED) {
            return new Reply(200, taskObject(task.taskId(), look.status(), "", "", task.clientId()));
        }
        Outcome outcome = look.outcome();
        ObjectNode object;
        if (outcome.success()) {
            object = taskObject(task.taskId(), "SUCCESS", "", "", task.clientId());
            ArrayNode results = object.putArray("results");
            for (OutputFile file : outcome.files()) {
                ObjectNode result = results.addObject();
                result.put("url", cdnBase + "/rh-cdn/" + task.taskId() + "/"
                        + URLEncoder.encode(file.name(), StandardCharsets.UTF_8).replace("+", "%20"));
                result.put("nodeId", file.nodeId());
                result.put("outputType", file.fileType());
                if (file.text() != null) {
                    result.put("text", new String(file.text(), StandardCharsets.UTF_8));
                } else {
                    result.set("text", NullNode.getInstance());
                }
            }
        } else if (outcome.cancelled()) {
            object = taskObject(task.taskId(), "CANCEL", "", "", task.clientId());
            object.set("failedReason", outcome.failedReason().deepCopy());
        } else {
            // a node failed: the reason in failedReason, its message in errorMessage, v1's 805 as errorCode
            object = taskObject(task.taskId(), "FAILED", String.valueOf(Envelopes.APIKEY_TASK_STATUS_ERROR),
                    outcome.failedReason().path("exception_message").asText(""), task.clientId());
            object.set("failedReason", outcome.failedReason().deepCopy());
        }
        ObjectNode usage = Json.object();
        usage.set("consumeMoney", NullNode.getInstance());
        usage.put("consumeCoins", outcome.coins());
        usage.put("taskCostTime", outcome.costSeconds());
        usage.set("thirdPartyConsumeMoney", NullNode.getInstance());
        object.set("usage", usage);
        return new Reply(200, object);
    }

    /**
     * {@code POST /openapi/v2/media/upload/binary} (multipart part {@code file}): stores the file as
     * {@code input/openapi/<sha256>.<ext>} and answers {@code {code, message, data: {type, download_url, fileName,
     * size}}}; blocking (file I/O).
     */
    public Reply upload(String authorization, Path uploaded, String filename, long size, String cdnBase)
            throws IOException {
        String key = bearer(authorization);
        if (key == null) {
            return unauthorized();
        }
        Accounts.Check check = v1.accounts().check(key);
        if (!check.ok()) {
            String code = v2Code(check.code());
            return new Reply(200, utility(Integer.parseInt(code), V2_MESSAGES.getOrDefault(code,
                    Envelopes.identifier(check.code())), NullNode.getInstance()));
        }
        if (uploaded == null) {
            return new Reply(200, utility(1007, "file is required", NullNode.getInstance()));
        }
        if (size > RunningHubService.MAX_UPLOAD_BYTES) {
            return new Reply(200, utility(1008, "File too large", NullNode.getInstance()));
        }
        String extension = RunningHubService.extension(filename);
        String name = "openapi/" + RunningHubService.sha256(uploaded) + (extension.isEmpty() ? "" : "." + extension);
        Path target = v1.dirs().input().resolve(name);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            Files.copy(uploaded, target, StandardCopyOption.REPLACE_EXISTING);
        }
        String mime = MimeTypes.guess(name);
        ObjectNode data = Json.object();
        data.put("type", mime == null ? "file" : mime.substring(0, mime.indexOf('/')).toLowerCase(Locale.ROOT));
        data.put("download_url", cdnBase + "/rh-media/" + name);
        data.put("fileName", name);
        data.put("size", size);
        return new Reply(200, utility(0, "success", data));
    }

    /** The file behind an upload's {@code download_url}, or null. */
    public Path media(String name) {
        if (name == null || !name.matches("[0-9a-f]{64}(\\.[a-z0-9]{1,10})?")) {
            return null;
        }
        Path file = v1.dirs().input().resolve("openapi").resolve(name);
        return Files.isRegularFile(file) ? file : null;
    }

    /** An unknown path under {@code /openapi/v2/}: 1001. */
    public Reply unknownPath() {
        return error(200, "1001", V2_MESSAGES.get("1001"));
    }

    /** The key of {@code Authorization: Bearer <key>}, or null when the header is missing or not Bearer. */
    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.length() <= 7 || !value.substring(0, 7).equalsIgnoreCase("Bearer ")) {
            return null;
        }
        String key = value.substring(7).trim();
        return key.isEmpty() ? null : key;
    }

    /** Without a Bearer key: HTTP 401 and errorCode 1002 (the emulation's choice; §13 lists it as unverified). */
    private static Reply unauthorized() {
        return error(401, "1002", "Invalid API key: send Authorization: Bearer <key>");
    }

    private static String v2Code(int v1Code) {
        return V2_CODES.getOrDefault(v1Code, String.valueOf(v1Code));
    }

    private static Reply error(int status, String code, String message) {
        String text = message == null || message.isBlank() ? V2_MESSAGES.getOrDefault(code, "ERROR") : message;
        ObjectNode object = taskObject("", "FAILED", code, text, "");
        return new Reply(status, object);
    }

    private static ObjectNode taskObject(String taskId, String status, String errorCode, String errorMessage,
                                         String clientId) {
        ObjectNode object = Json.object();
        object.put("taskId", taskId);
        object.put("status", status);
        object.put("errorCode", errorCode);
        object.put("errorMessage", errorMessage);
        object.set("failedReason", Json.object());
        object.set("usage", NullNode.getInstance());
        object.set("results", NullNode.getInstance());
        object.put("clientId", clientId);
        object.put("promptTips", "");
        return object;
    }

    private static ObjectNode utility(int code, String message, JsonNode data) {
        ObjectNode envelope = Json.object();
        envelope.put("code", code);
        envelope.put("message", message);
        envelope.set("data", data);
        return envelope;
    }
}
