package dev.comfykit.emulator.runninghub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * RunningHub's v1 answer {@code {"code", "msg", "data"}} and its codes (runninghub-api.md §3.1, §7.1). The service
 * is a Java (Spring) one: its JSON is compact and UTF-8, unlike ComfyUI's Python-style JSON.
 */
public final class Envelopes {

    static final int OK = 0;
    static final int PARAMS_INVALID = 301;
    static final int WORKFLOW_NOT_EXISTS = 380;
    static final int TOKEN_INVALID = 412;
    static final int TASK_QUEUE_MAXED = 421;
    static final int VALIDATE_PROMPT_FAILED = 433;
    static final int APIKEY_UNAUTHORIZED = 802;
    static final int APIKEY_INVALID_NODE_INFO = 803;
    static final int APIKEY_TASK_IS_RUNNING = 804;
    static final int APIKEY_TASK_STATUS_ERROR = 805;
    static final int APIKEY_USER_NOT_FOUND = 806;
    static final int APIKEY_TASK_NOT_FOUND = 807;
    static final int APIKEY_FILE_SIZE_EXCEEDED = 809;
    static final int APIKEY_TASK_IS_QUEUED = 813;
    static final int APIKEY_TASK_CANCEL_NOT_ALLOWED = 817;
    static final int WEBAPP_NOT_EXISTS = 901;

    private static final Map<Integer, String> IDENTIFIERS = Map.ofEntries(
            Map.entry(301, "PARAMS_INVALID"),
            Map.entry(380, "WORKFLOW_NOT_EXISTS"),
            Map.entry(412, "TOKEN_INVALID"),
            Map.entry(415, "TASK_INSTANCE_MAXED"),
            Map.entry(416, "TASK_CREATE_FAILED_BY_NOT_ENOUGH_WALLET"),
            Map.entry(421, "TASK_QUEUE_MAXED"),
            Map.entry(423, "TASK_NOT_FOUNED"),
            Map.entry(433, "VALIDATE_PROMPT_FAILED"),
            Map.entry(435, "TASK_USER_EXCLAPI_INSTANCE_NOT_FOUND"),
            Map.entry(436, "TASK_USER_EXCLAPI_REQUIRED"),
            Map.entry(500, "UNKNOWN_ERROR"),
            Map.entry(801, "APIKEY_UNSUPPORTED_FREE_USER"),
            Map.entry(802, "APIKEY_UNAUTHORIZED"),
            Map.entry(803, "APIKEY_INVALID_NODE_INFO"),
            Map.entry(804, "APIKEY_TASK_IS_RUNNING"),
            Map.entry(805, "APIKEY_TASK_STATUS_ERROR"),
            Map.entry(806, "APIKEY_USER_NOT_FOUND"),
            Map.entry(807, "APIKEY_TASK_NOT_FOUND"),
            Map.entry(808, "APIKEY_UPLOAD_FAILED"),
            Map.entry(809, "APIKEY_FILE_SIZE_EXCEEDED"),
            Map.entry(810, "WORKFLOW_NOT_SAVED_OR_NOT_RUNNING"),
            Map.entry(811, "CORPAPIKEY_INVALID"),
            Map.entry(812, "CORPAPIKEY_INSUFFICIENT_FUNDS"),
            Map.entry(813, "APIKEY_TASK_IS_QUEUED"),
            Map.entry(814, "PERSONAL_QUEUE_COUNT_LIMIT"),
            Map.entry(817, "APIKEY_TASK_CANCEL_NOT_ALLOWED"),
            Map.entry(901, "WEBAPP_NOT_EXISTS"));

    private static final ObjectMapper WRITER = new ObjectMapper();

    private Envelopes() {
    }

    /** RunningHub's identifier of a code ({@code TASK_QUEUE_MAXED} for 421), or {@code "ERROR"} for an unknown one. */
    static String identifier(int code) {
        return IDENTIFIERS.getOrDefault(code, "ERROR");
    }

    /** {@code {"code": 0, "msg": "success", "data": data}}. */
    static ObjectNode ok(JsonNode data) {
        return of(OK, "success", data);
    }

    /** An error answer with RunningHub's identifier as {@code msg} and {@code data: null}. */
    static ObjectNode error(int code) {
        return of(code, identifier(code), NullNode.getInstance());
    }

    static ObjectNode of(int code, String msg, JsonNode data) {
        ObjectNode envelope = Json.object();
        envelope.put("code", code);
        envelope.put("msg", msg);
        envelope.set("data", data == null ? NullNode.getInstance() : data);
        return envelope;
    }

    /** Compact JSON text, as RunningHub writes JSON inside strings ({@code data.prompt}). */
    static String compact(JsonNode json) {
        try {
            return WRITER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer's bytes: compact UTF-8 JSON, as RunningHub writes it. */
    public static byte[] bytes(JsonNode envelope) {
        try {
            return WRITER.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
