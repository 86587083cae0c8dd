package dev.comfykit.emulator.execution;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.nodes.NodeFailure;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * ComfyUI's {@code execution_error} payload: {@code prompt_id, node_id, node_type, executed, exception_message,
 * exception_type, traceback, current_inputs, current_outputs}. The message ends with a newline, as ComfyUI formats
 * it; the traceback names the emulator's stages in Python's style.
 */
final class ErrorPayload {

    private ErrorPayload() {
    }

    /**
     * The fields {@code execution_error} and {@code execution_interrupted} open with: {@code prompt_id, node_id,
     * node_type, executed}.
     */
    static ObjectNode header(String promptId, String nodeId, String classType, List<String> executed) {
        ObjectNode data = Json.object();
        data.put("prompt_id", promptId);
        data.put("node_id", nodeId);
        data.put("node_type", classType);
        ArrayNode done = data.putArray("executed");
        executed.forEach(done::add);
        return data;
    }

    /** The payload for a node that raised: its exception as a Python type and message, its inputs, what ran before. */
    static ObjectNode of(String promptId, String nodeId, String classType, List<String> executed, Throwable e,
                         Map<String, Object> inputs, ObjectNode prompt) {
        String type;
        String message;
        if (e instanceof NodeFailure f) {
            type = f.exceptionType();
            message = f.getMessage();
        } else {
            type = e.getClass().getName();
            message = String.valueOf(e.getMessage());
        }
        ObjectNode data = header(promptId, nodeId, classType, executed);
        data.put("exception_message", message + "\n");
        data.put("exception_type", type);
        ArrayNode tb = data.putArray("traceback");
        tb.add("  File \"<comfykit-emulator>/execution.py\", line 498, in execute\n");
        tb.add("  File \"<comfykit-emulator>/execution.py\", line 316, in get_output_data\n");
        tb.add("  File \"<comfykit-emulator>/nodes.py\", in " + classType + "\n");
        ObjectNode current = data.putObject("current_inputs");
        if (inputs != null) {
            inputs.forEach((name, value) -> {
                ArrayNode values = current.putArray(name);
                if (value == null) {
                    values.addNull();
                } else if (value instanceof String s) {
                    values.add(s);
                } else if (value instanceof Boolean b) {
                    values.add(b);
                } else if (value instanceof Long l) {
                    values.add(l);
                } else if (value instanceof BigInteger b) {
                    values.add(b);
                } else if (value instanceof Double d) {
                    values.add(d);
                } else {
                    values.add(value.toString());
                }
            });
        }
        ArrayNode outputs = data.putArray("current_outputs");
        prompt.fieldNames().forEachRemaining(outputs::add);
        return data;
    }
}
