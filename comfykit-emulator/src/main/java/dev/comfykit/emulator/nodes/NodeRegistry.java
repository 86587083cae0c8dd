package dev.comfykit.emulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node classes this emulator knows. Their declarations come from {@code object_info.json} (shapes as the
 * real server publishes them); their behaviour from the node libraries ({@link ImageNodes}, {@link ValueNodes},
 * {@link SamplerNodes}, {@link AudioVideoNodes}).
 */
public final class NodeRegistry {

    private static final String INPUT_IMAGES = "@input_images";
    /** {@code @folder}: the files of a model folder ({@code @checkpoints}, {@code @loras}, {@code @vae}). */
    private static final String MODELS = "@";

    private final Map<String, NodeDefinition> definitions = new LinkedHashMap<>();
    private final DataDirectories dirs;

    public NodeRegistry(DataDirectories dirs, List<String> checkpoints) {
        this(dirs, Map.of("checkpoints", checkpoints), Set.of());
    }

    /**
     * The node classes, leaving out {@code without} (an emulator that lacks some nodes).
     *
     * @param models per model folder ({@code checkpoints}, {@code loras}, {@code vae}), the files its loader offers
     */
    public NodeRegistry(DataDirectories dirs, Map<String, List<String>> models, Set<String> without) {
        this.dirs = dirs;
        Map<String, NodeLibrary.Binding> bindings = new LinkedHashMap<>();
        ImageNodes.bind(bindings, dirs);
        ValueNodes.bind(bindings);
        SamplerNodes.bind(bindings);
        AudioVideoNodes.bind(bindings);
        FileCopyNodes.bind(bindings, dirs);
        ObjectNode all = load();
        Iterator<Map.Entry<String, JsonNode>> it = all.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (without.contains(e.getKey())) {
                continue;
            }
            NodeLibrary.Binding binding = bindings.get(e.getKey());
            if (binding == null) {
                throw new IllegalStateException("no implementation for node " + e.getKey());
            }
            definitions.put(e.getKey(), define(e.getKey(), (ObjectNode) e.getValue(), binding, models));
        }
    }

    private static ObjectNode load() {
        try (InputStream in = NodeRegistry.class.getResourceAsStream("object_info.json")) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NodeDefinition define(String name, ObjectNode raw, NodeLibrary.Binding binding,
                                         Map<String, List<String>> models) {
        ObjectNode input = (ObjectNode) raw.get("input");
        List<InputSpec> inputs = new ArrayList<>();
        ObjectNode order = Json.object();
        for (String category : List.of("required", "optional", "hidden")) {
            JsonNode group = input.get(category);
            if (group == null) {
                continue;
            }
            ArrayNode names = order.putArray(category);
            Iterator<Map.Entry<String, JsonNode>> fields = group.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                names.add(f.getKey());
                String placeholder = f.getValue().isArray() && f.getValue().size() > 0 ? f.getValue().get(0).asText() : "";
                if (placeholder.startsWith(MODELS) && !placeholder.equals(INPUT_IMAGES)) {
                    ArrayNode list = Json.array();
                    models.getOrDefault(placeholder.substring(1), List.of()).forEach(list::add);
                    ((ArrayNode) f.getValue()).set(0, list);
                }
                if (!category.equals("hidden")) {
                    inputs.add(new InputSpec(f.getKey(), category.equals("required"), f.getValue()));
                }
            }
        }
        // ComfyUI's key order: input, input_order, then the rest as declared
        ObjectNode info = Json.object();
        info.set("input", input);
        info.set("input_order", order);
        raw.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("input")) {
                info.set(f.getKey(), f.getValue());
            }
        });
        List<String> outputs = new ArrayList<>();
        raw.get("output").forEach(o -> outputs.add(o.asText()));
        return new NodeDefinition(name, info, List.copyOf(inputs), List.copyOf(outputs), raw.get("output_node").asBoolean(),
                binding.function(), binding.validation(), binding.fingerprint());
    }

    public NodeDefinition get(String className) {
        return definitions.get(className);
    }

    public Iterable<NodeDefinition> all() {
        return definitions.values();
    }

    /** {@code GET /object_info}: every class, with run-time lists (LoadImage's files) filled in. */
    public ObjectNode objectInfo() {
        ObjectNode out = Json.object();
        for (NodeDefinition d : definitions.values()) {
            out.set(d.className(), published(d));
        }
        return out;
    }

    /** {@code GET /object_info/{class}}: one class, or an empty object for an unknown one. */
    public ObjectNode objectInfo(String className) {
        ObjectNode out = Json.object();
        NodeDefinition d = definitions.get(className);
        if (d != null) {
            out.set(className, published(d));
        }
        return out;
    }

    private JsonNode published(NodeDefinition d) {
        if (!d.info().toString().contains(INPUT_IMAGES)) {
            return d.info();
        }
        ObjectNode copy = d.info().deepCopy();
        ArrayNode files = Json.array();
        dirs.inputImages().forEach(files::add);
        JsonNode required = copy.get("input").get("required");
        required.fields().forEachRemaining(f -> {
            if (f.getValue().isArray() && INPUT_IMAGES.equals(f.getValue().get(0).asText())) {
                ((ArrayNode) f.getValue()).set(0, files);
            }
        });
        return copy;
    }
}
