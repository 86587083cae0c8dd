package dev.comfykit.emulator.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.files.SaveNaming;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.nodes.InputSpec;
import dev.comfykit.emulator.nodes.NodeContext;
import dev.comfykit.emulator.nodes.NodeDefinition;
import dev.comfykit.emulator.nodes.NodeFailure;
import dev.comfykit.emulator.nodes.NodeInputs;
import dev.comfykit.emulator.nodes.NodeRegistry;
import dev.comfykit.emulator.nodes.NodeResult;
import dev.comfykit.emulator.queue.HistoryEntry;
import dev.comfykit.emulator.queue.QueueItem;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes one prompt the way ComfyUI's {@code PromptExecutor} does and produces its history entry:
 * {@code execution_start}, {@code execution_cached}, per node {@code progress_state} / {@code executing} /
 * {@code progress} / {@code executed}, then {@code execution_success}, {@code execution_error} or
 * {@code execution_interrupted}. Events without a client id are dropped, except those ComfyUI broadcasts.
 */
final class PromptRun {

    /** What the engine shares with every run. */
    record Services(NodeRegistry registry, OutputCache cache, EventSink sink, EngineSettings settings,
                    DataDirectories files, SaveNaming naming, FailureInjector failures) {
    }

    private final QueueItem item;
    private final Services services;
    private final RunControl control;
    private final String promptId;
    private final String clientId;
    private final ObjectNode prompt;
    private final ArrayNode messages = Json.array();
    private final ProgressTracker progress;
    private final List<String> executed = new ArrayList<>();
    private final Map<String, Object[]> results = new HashMap<>();
    private final LinkedHashMap<String, JsonNode> uiOutputs = new LinkedHashMap<>();
    private volatile String currentNode;
    private Map<String, String> signatures = Map.of();

    PromptRun(QueueItem item, Services services, RunControl control) {
        this.item = item;
        this.services = services;
        this.control = control;
        this.promptId = item.promptId();
        this.clientId = item.clientId();
        this.prompt = item.prompt();
        this.progress = new ProgressTracker(promptId);
    }

    QueueItem item() {
        return item;
    }

    String clientId() {
        return clientId;
    }

    RunControl control() {
        return control;
    }

    /** The node whose {@code executing} was sent last, for a socket that reconnects meanwhile. */
    String currentNode() {
        return currentNode;
    }

    /** Runs the prompt; returns its history entry, or null if the run was discarded by a restart. */
    HistoryEntry run() {
        OutputCache cache = services.cache();
        boolean useCache = services.settings().outputCache();
        signatures = cache.signatures(prompt, services.registry());
        try {
            addMessage("execution_start", Json.object().put("prompt_id", promptId), false);
            List<String> cachedNodes = List.of();
            if (useCache) {
                cache.begin(this, signatures);
                cachedNodes = cache.cachedNodes(prompt, signatures);
            }
            ObjectNode cachedData = Json.object();
            ArrayNode list = cachedData.putArray("nodes");
            cachedNodes.forEach(list::add);
            cachedData.put("prompt_id", promptId);
            addMessage("execution_cached", cachedData, false);
            control.sleep(services.settings().promptDelay());

            java.util.Set<String> cachedSet = new java.util.HashSet<>(cachedNodes);
            ExecutionList order = new ExecutionList(prompt, cachedSet::contains, this::isOutputNode);
            for (String output : item.outputs()) {
                order.addNode(output);
            }
            boolean success = true;
            while (!order.isEmpty()) {
                String nodeId = order.stage();
                if (nodeId == null) {
                    break;
                }
                if (!runNode(nodeId, cachedSet.contains(nodeId), signatures.get(nodeId))) {
                    success = false;
                    break;
                }
                order.complete(nodeId);
            }
            if (success) {
                addMessage("execution_success", Json.object().put("prompt_id", promptId), false);
            }
            return history(success);
        } catch (RunSignals.Aborted aborted) {
            return null;
        } finally {
            if (useCache) {
                cache.end(this);
            }
        }
    }

    /** Runs or replays one node; false if the prompt must stop (error or interrupt). */
    private boolean runNode(String nodeId, boolean isCached, String signature) {
        JsonNode node = prompt.get(nodeId);
        String classType = node.get("class_type").asText();
        NodeDefinition def = services.registry().get(classType);
        if (isCached) {
            OutputCache.Entry entry = services.cache().get(signature);
            if (entry == null) {
                isCached = false;
            } else {
                results.put(nodeId, entry.outputs());
                if (clientId != null) {
                    send("executed", executedData(nodeId, entry.ui() == null ? NullNode.getInstance() : entry.ui()));
                }
                if (entry.ui() != null) {
                    uiOutputs.put(nodeId, entry.ui());
                }
                send("progress_state", progress.finish(nodeId), true);
                executed.add(nodeId);
                return true;
            }
        }
        send("progress_state", progress.start(nodeId), true);
        if (clientId != null) {
            currentNode = nodeId;
            ObjectNode executing = Json.object();
            executing.put("node", nodeId);
            executing.put("display_node", nodeId);
            executing.put("prompt_id", promptId);
            send("executing", executing);
        }
        Map<String, Object> inputs = null;
        try {
            control.checkpoint();
            inputs = resolveInputs(node, def);
            NodeFailure injected = services.failures().failureFor(classType);
            if (injected != null) {
                throw injected;
            }
            NodeResult result = def.function().execute(new NodeInputs(inputs), new Context(nodeId));
            results.put(nodeId, result.outputs());
            if (services.settings().outputCache() && signature != null) {
                services.cache().put(signature, new OutputCache.Entry(result.outputs(), result.ui()));
            }
            if (result.ui() != null) {
                if (clientId != null) {
                    send("executed", executedData(nodeId, result.ui()));
                }
                uiOutputs.put(nodeId, result.ui());
            }
            send("progress_state", progress.finish(nodeId), true);
            executed.add(nodeId);
            return true;
        } catch (RunSignals.Interrupted interrupted) {
            addMessage("execution_interrupted", ErrorPayload.header(promptId, nodeId, classType, executed), true);
            return false;
        } catch (RunSignals.Aborted aborted) {
            throw aborted;
        } catch (Exception | LinkageError e) {
            addMessage("execution_error", ErrorPayload.of(promptId, nodeId, classType, executed, e, inputs, prompt), false);
            return false;
        }
    }

    private boolean isOutputNode(String id) {
        NodeDefinition def = services.registry().get(prompt.get(id).get("class_type").asText());
        return def != null && def.outputNode();
    }

    private Map<String, Object> resolveInputs(JsonNode node, NodeDefinition def) {
        JsonNode inputs = node.get("inputs");
        Map<String, Object> values = new LinkedHashMap<>();
        for (InputSpec spec : def.inputs()) {
            JsonNode v = inputs.get(spec.name());
            if (v == null) {
                continue;
            }
            if (v.isArray() && v.size() == 2 && v.get(0).isTextual() && v.get(1).isIntegralNumber()) {
                Object[] upstream = outputsOf(v.get(0).textValue());
                int slot = v.get(1).intValue();
                if (upstream != null && slot < 0) {
                    slot += upstream.length;
                }
                values.put(spec.name(), upstream == null || slot < 0 || slot >= upstream.length ? null : upstream[slot]);
            } else {
                values.put(spec.name(), literal(v));
            }
        }
        return values;
    }

    /** A node's outputs from this run, or from the cache when it was not run because its result was cached. */
    private Object[] outputsOf(String nodeId) {
        Object[] own = results.get(nodeId);
        if (own != null || !services.settings().outputCache()) {
            return own;
        }
        String signature = signatures.get(nodeId);
        OutputCache.Entry entry = signature == null ? null : services.cache().get(signature);
        return entry == null ? null : entry.outputs();
    }

    private static Object literal(JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            BigInteger b = v.bigIntegerValue();
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        return v;
    }

    private ObjectNode executedData(String nodeId, JsonNode ui) {
        ObjectNode data = Json.object();
        data.put("node", nodeId);
        data.put("display_node", nodeId);
        data.set("output", ui);
        data.put("prompt_id", promptId);
        return data;
    }

    private HistoryEntry history(boolean success) {
        ObjectNode entry = Json.object();
        ObjectNode extra = item.extraData().deepCopy();
        extra.remove("api_key_comfy_org");
        extra.remove("auth_token_comfy_org");
        entry.set("prompt", item.toJson(extra));
        ObjectNode outputs = entry.putObject("outputs");
        uiOutputs.forEach(outputs::set);
        ObjectNode status = entry.putObject("status");
        status.put("status_str", success ? "success" : "error");
        status.put("completed", success);
        status.set("messages", messages);
        ObjectNode meta = entry.putObject("meta");
        for (String id : uiOutputs.keySet()) {
            ObjectNode m = meta.putObject(id);
            m.put("node_id", id);
            m.put("display_node", id);
            m.set("parent_node", NullNode.getInstance());
            m.put("real_node_id", id);
        }
        return new HistoryEntry(promptId, entry);
    }

    /** ComfyUI's {@code add_message}: recorded for history, sent to the client (or everyone if broadcast). */
    private void addMessage(String event, ObjectNode data, boolean broadcast) {
        data.put("timestamp", System.currentTimeMillis());
        ArrayNode message = messages.addArray();
        message.add(event);
        message.add(data);
        if (clientId != null || broadcast) {
            send(event, data, true);
        }
    }

    /** Sends to the prompt's client only. */
    private void send(String type, ObjectNode data) {
        if (!control.aborted()) {
            services.sink().send(type, data, clientId);
        }
    }

    /** Sends to the prompt's client, or to every socket when the prompt has none. */
    private void send(String type, ObjectNode data, boolean broadcastWithoutClient) {
        if (clientId != null || broadcastWithoutClient) {
            send(type, data);
        }
    }

    /** What a node sees of this run. */
    private final class Context implements NodeContext {
        private final String nodeId;

        Context(String nodeId) {
            this.nodeId = nodeId;
        }

        @Override
        public String promptId() {
            return promptId;
        }

        @Override
        public String nodeId() {
            return nodeId;
        }

        @Override
        public JsonNode prompt() {
            return prompt;
        }

        @Override
        public JsonNode extraData() {
            return item.extraData();
        }

        @Override
        public DataDirectories files() {
            return services.files();
        }

        @Override
        public SaveNaming naming() {
            return services.naming();
        }

        @Override
        public Duration stepTime() {
            return services.settings().stepTime();
        }

        @Override
        public int previewEvery() {
            return services.settings().previewEvery();
        }

        @Override
        public void progress(long value, long max) {
            progress(value, max, null);
        }

        @Override
        public void progress(long value, long max, java.awt.image.BufferedImage preview) {
            send("progress_state", progress.update(nodeId, value, max), true);
            byte[] png = null;
            ObjectNode metadata = null;
            if (preview != null && !control.aborted()) {
                try {
                    png = dev.comfykit.emulator.media.PngCodec.encode(preview, Map.of());
                } catch (java.io.IOException e) {
                    png = null;
                }
                metadata = Json.object();
                metadata.put("node_id", nodeId);
                metadata.put("prompt_id", promptId);
                metadata.put("display_node_id", nodeId);
                metadata.set("parent_node_id", NullNode.getInstance());
                metadata.put("real_node_id", nodeId);
                metadata.put("image_type", "image/png");
                if (png != null && clientId != null) {
                    services.sink().sendPreview(clientId, png, metadata, true);
                }
            }
            ObjectNode data = Json.object();
            data.put("value", value);
            data.put("max", max);
            data.put("prompt_id", promptId);
            data.put("node", nodeId);
            send("progress", data, true);
            if (png != null && !control.aborted()) {
                services.sink().sendPreview(clientId, png, metadata, false);
            }
            control.checkpoint();
        }

        @Override
        public void progressText(String text) {
            if (!control.aborted()) {
                services.sink().sendProgressText(nodeId, text);
            }
        }

        @Override
        public void sleep(Duration duration) {
            control.sleep(duration);
        }
    }
}
