package dev.comfykit.emulator.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.files.MimeTypes;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.queue.HistoryEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads how a task ended from its prompt's history entry: the output files of every UI output (one per file, text
 * outputs as {@code .txt} files), or RunningHub's {@code failedReason} built from the {@code execution_error} (or
 * {@code execution_interrupted}) message.
 */
final class Outcomes {

    /** ComfyUI's exception for an interrupted prompt, as {@code full_type_name} names it. */
    static final String INTERRUPT_EXCEPTION = "comfy.model_management.InterruptProcessingException";

    private Outcomes() {
    }

    /** A task whose prompt ran (or was interrupted, or failed); {@code entry} null if the emulator could not run it. */
    static Outcome ran(HistoryEntry entry, boolean cancelled, DataDirectories dirs) {
        if (entry == null) {
            return Outcome.failed(reason(null, null, "RuntimeError", "The emulator failed to run the task.", null), 0);
        }
        ObjectNode json = entry.toJson();
        JsonNode status = json.path("status");
        JsonNode messages = status.path("messages");
        long cost = costMillis(messages);
        JsonNode error = lastMessage(messages, "execution_error");
        if (error != null) {
            return Outcome.failed(reason(text(error.get("node_id")), text(error.get("node_type")),
                    text(error.get("exception_type")), text(error.get("exception_message")), error.get("traceback")),
                    cost);
        }
        JsonNode interrupted = lastMessage(messages, "execution_interrupted");
        if (cancelled || interrupted != null) {
            String nodeId = interrupted == null ? null : text(interrupted.get("node_id"));
            String nodeType = interrupted == null ? null : text(interrupted.get("node_type"));
            ObjectNode reason = reason(nodeId, nodeType, INTERRUPT_EXCEPTION,
                    cancelled ? "The task was cancelled." : "The task was interrupted.", null);
            return cancelled ? Outcome.cancelled(reason, cost) : Outcome.failed(reason, cost);
        }
        if (!"success".equals(status.path("status_str").asText())) {
            return Outcome.failed(reason(null, null, "RuntimeError", "The task did not complete.", null), cost);
        }
        return Outcome.succeeded(files(json.path("outputs"), dirs), cost);
    }

    /** A task cancelled while it was still queued: it never ran. */
    static Outcome cancelledInQueue() {
        return Outcome.cancelled(reason(null, null, INTERRUPT_EXCEPTION, "The task was cancelled before it started.",
                null), 0);
    }

    /** A task whose prompt vanished without ending: ComfyUI restarted, or the prompt was deleted from its queue. */
    static Outcome lost() {
        return Outcome.failed(reason(null, null, "RuntimeError", "The task was lost: its ComfyUI instance restarted"
                + " or the prompt was removed from the ComfyUI queue.", null), 0);
    }

    /**
     * RunningHub's {@code failedReason}: {@code traceback}, {@code current_inputs} and {@code current_outputs} are
     * strings holding JSON, not JSON (runninghub-api.md §4.4).
     */
    private static ObjectNode reason(String nodeId, String nodeName, String exceptionType, String exceptionMessage,
                                     JsonNode traceback) {
        ObjectNode reason = Json.object();
        reason.set("node_id", nodeId == null ? NullNode.getInstance() : TextNode.valueOf(nodeId));
        reason.set("node_name", nodeName == null ? NullNode.getInstance() : TextNode.valueOf(nodeName));
        reason.put("exception_type", exceptionType);
        reason.put("exception_message", exceptionMessage);
        reason.put("traceback", Json.text(traceback != null && traceback.isArray() ? traceback : Json.array()));
        reason.put("current_inputs", "{}");
        reason.put("current_outputs", "{}");
        return reason;
    }

    private static JsonNode lastMessage(JsonNode messages, String event) {
        JsonNode found = null;
        for (JsonNode message : messages) {
            if (message.isArray() && message.size() == 2 && event.equals(message.get(0).asText())) {
                found = message.get(1);
            }
        }
        return found;
    }

    /** From the first message ({@code execution_start}) to the last one. */
    private static long costMillis(JsonNode messages) {
        if (messages.size() < 2) {
            return 0;
        }
        long start = messages.get(0).path(1).path("timestamp").asLong();
        long end = messages.get(messages.size() - 1).path(1).path("timestamp").asLong();
        return Math.max(0, end - start);
    }

    /** One file per output file, in the history's node order; texts become {@code text_<node>_<n>.txt}. */
    static List<OutputFile> files(JsonNode outputs, DataDirectories dirs) {
        List<OutputFile> files = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> nodes = outputs.fields();
        while (nodes.hasNext()) {
            Map.Entry<String, JsonNode> node = nodes.next();
            String nodeId = node.getKey();
            Iterator<Map.Entry<String, JsonNode>> keys = node.getValue().fields();
            int texts = 0;
            while (keys.hasNext()) {
                Map.Entry<String, JsonNode> key = keys.next();
                if (!key.getValue().isArray()) {
                    continue;
                }
                for (JsonNode item : key.getValue()) {
                    if (key.getKey().equals("text")) {
                        texts++;
                        String content = item.isTextual() ? item.textValue() : Json.text(item);
                        String name = unique(names, nodeId, "text_" + nodeId + "_" + texts + ".txt");
                        files.add(new OutputFile(nodeId, name, "txt", null, content.getBytes(StandardCharsets.UTF_8)));
                    } else if (item.isObject() && item.path("filename").isTextual()) {
                        Path file = locate(dirs, item);
                        if (file != null) {
                            String filename = item.get("filename").textValue();
                            files.add(new OutputFile(nodeId, unique(names, nodeId, filename),
                                    MimeTypes.extension(filename), file, null));
                        }
                    }
                }
            }
        }
        return files;
    }

    private static Path locate(DataDirectories dirs, JsonNode item) {
        Path base = dirs.byType(item.path("type").asText("output"));
        if (base == null) {
            return null;
        }
        Path file = base.resolve(item.path("subfolder").asText("")).resolve(item.get("filename").textValue())
                .normalize();
        return file.startsWith(base) ? file : null;
    }

    private static String unique(Set<String> names, String nodeId, String name) {
        String candidate = name;
        for (int i = 2; !names.add(candidate); i++) {
            candidate = nodeId + "_" + i + "_" + name;
        }
        return candidate;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
