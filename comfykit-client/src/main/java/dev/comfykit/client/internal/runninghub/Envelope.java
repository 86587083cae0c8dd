package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * RunningHub's v1 answer: {@code {"code": 0, "msg": "success", "data": ...}}. Business errors come with HTTP 200 and
 * a non-zero code, so the code, not the HTTP status, says whether a call worked. Codes are kept as text.
 */
final class Envelope {

    static final String OK = "0";

    private final String code;
    private final String msg;
    private final JsonNode data;

    Envelope(String code, String msg, JsonNode data) {
        this.code = code;
        this.msg = msg == null ? "" : msg;
        this.data = data == null ? MissingNode.getInstance() : data;
    }

    static Envelope of(JsonNode json) {
        JsonNode code = json.get("code");
        return new Envelope(code == null || code.isNull() ? "" : code.asText(), json.path("msg").asText(""),
                json.get("data"));
    }

    String code() {
        return code;
    }

    String msg() {
        return msg;
    }

    JsonNode data() {
        return data;
    }

    boolean isOk() {
        return OK.equals(code);
    }

    @Override
    public String toString() {
        return "code " + code + (msg.isEmpty() ? "" : " " + msg);
    }
}
