package dev.comfykit.emulator.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * ComfyUI's execution order: nodes are added depth-first from each output, and among the ready ones an output
 * node goes first, then a node feeding an output, then one two steps away, else the oldest. That is why the
 * captured text workflow ran nodes 23, 24 before 20, 21, 22.
 */
final class ExecutionList {

    private final ObjectNode prompt;
    private final Predicate<String> cached;
    private final Predicate<String> isOutput;
    private final LinkedHashMap<String, Boolean> pending = new LinkedHashMap<>();
    private final Map<String, Integer> blockCount = new HashMap<>();
    private final Map<String, Set<String>> blocking = new HashMap<>();

    ExecutionList(ObjectNode prompt, Predicate<String> cached, Predicate<String> isOutput) {
        this.prompt = prompt;
        this.cached = cached;
        this.isOutput = isOutput;
    }

    void addNode(String root) {
        List<String> stack = new ArrayList<>();
        stack.add(root);
        List<String[]> links = new ArrayList<>();
        while (!stack.isEmpty()) {
            String id = stack.remove(stack.size() - 1);
            if (pending.containsKey(id)) {
                continue;
            }
            pending.put(id, Boolean.TRUE);
            blockCount.put(id, 0);
            blocking.put(id, new LinkedHashSet<>());
            JsonNode inputs = prompt.get(id).get("inputs");
            if (inputs == null || !inputs.isObject()) {
                continue;
            }
            inputs.fields().forEachRemaining(f -> {
                String from = linkSource(f.getValue());
                if (from != null) {
                    if (!cached.test(from)) {
                        stack.add(from);
                    }
                    links.add(new String[] {from, id});
                }
            });
        }
        for (String[] link : links) {
            if (!cached.test(link[0])) {
                addNode(link[0]);
                if (blocking.get(link[0]).add(link[1])) {
                    blockCount.merge(link[1], 1, Integer::sum);
                }
            }
        }
    }

    /** A link's source node id if the value is a link to an existing node. */
    String linkSource(JsonNode value) {
        if (value.isArray() && value.size() == 2 && value.get(0).isTextual() && value.get(1).isIntegralNumber()
                && prompt.has(value.get(0).textValue())) {
            return value.get(0).textValue();
        }
        return null;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** The next node to run, or null if none is ready (a cycle, which validation already rejects). */
    String stage() {
        List<String> ready = new ArrayList<>();
        for (String id : pending.keySet()) {
            if (blockCount.get(id) == 0) {
                ready.add(id);
            }
        }
        if (ready.isEmpty()) {
            return null;
        }
        for (String id : ready) {
            if (isOutput.test(id)) {
                return id;
            }
        }
        for (String id : ready) {
            for (String blocked : blocking.get(id)) {
                if (isOutput.test(blocked)) {
                    return id;
                }
            }
        }
        for (String id : ready) {
            for (String blocked : blocking.get(id)) {
                for (String blocked2 : blocking.get(blocked)) {
                    if (isOutput.test(blocked2)) {
                        return id;
                    }
                }
            }
        }
        return ready.get(0);
    }

    void complete(String id) {
        pending.remove(id);
        for (String blocked : blocking.remove(id)) {
            blockCount.merge(blocked, -1, Integer::sum);
        }
    }
}
