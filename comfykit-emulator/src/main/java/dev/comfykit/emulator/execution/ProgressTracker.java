package dev.comfykit.emulator.execution;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ComfyUI's per-prompt progress registry behind {@code progress_state}: every started node with value, max and
 * state. Started nodes report {@code 0.0/1.0}; a cached node that was never started is finished as {@code 1/1},
 * exactly as captured.
 */
final class ProgressTracker {

    private record State(Number value, Number max, boolean finished) {
    }

    private final String promptId;
    private final Map<String, State> nodes = new LinkedHashMap<>();

    ProgressTracker(String promptId) {
        this.promptId = promptId;
    }

    ObjectNode start(String nodeId) {
        nodes.put(nodeId, new State(0.0, 1.0, false));
        return message();
    }

    ObjectNode update(String nodeId, Number value, Number max) {
        nodes.put(nodeId, new State(value, max, false));
        return message();
    }

    ObjectNode finish(String nodeId) {
        State s = nodes.get(nodeId);
        nodes.put(nodeId, s == null ? new State(1, 1, true) : new State(s.max(), s.max(), true));
        return message();
    }

    private ObjectNode message() {
        ObjectNode data = Json.object();
        data.put("prompt_id", promptId);
        ObjectNode all = data.putObject("nodes");
        for (Map.Entry<String, State> e : nodes.entrySet()) {
            ObjectNode n = all.putObject(e.getKey());
            put(n, "value", e.getValue().value());
            put(n, "max", e.getValue().max());
            n.put("state", e.getValue().finished() ? "finished" : "running");
            n.put("node_id", e.getKey());
            n.put("prompt_id", promptId);
            n.put("display_node_id", e.getKey());
            n.set("parent_node_id", NullNode.getInstance());
            n.put("real_node_id", e.getKey());
        }
        return data;
    }

    private static void put(ObjectNode n, String key, Number v) {
        if (v instanceof Double d) {
            n.put(key, d);
        } else {
            n.put(key, v.longValue());
        }
    }
}
