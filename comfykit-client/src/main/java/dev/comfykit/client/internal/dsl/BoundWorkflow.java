package dev.comfykit.client.internal.dsl;

import dev.comfykit.client.dsl.ParamSpec;
import dev.comfykit.client.dsl.ParamTarget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A copy of a workflow with the caller's params applied, and the media params whose values still have to be
 * uploaded before it can be submitted.
 */
public final class BoundWorkflow {

    /**
     * A media param whose value is a file to upload; {@link #set} applies the uploaded name.
     */
    public static final class PendingUpload {
        private final ParamSpec param;
        private final Object value;

        PendingUpload(ParamSpec param, Object value) {
            this.param = param;
            this.value = value;
        }

        public ParamSpec param() {
            return param;
        }

        /** The caller's value: a path, file, bytes, stream, URL or {@code MediaInput}. */
        public Object value() {
            return value;
        }
    }

    private final ObjectNode graph;
    private final List<PendingUpload> uploads;

    BoundWorkflow(ObjectNode graph, List<PendingUpload> uploads) {
        this.graph = graph;
        this.uploads = List.copyOf(uploads);
    }

    /** The workflow with params applied (mutable: media names and seeds are filled in before submission). */
    public ObjectNode graph() {
        return graph;
    }

    /** The media values to upload. */
    public List<PendingUpload> uploads() {
        return uploads;
    }

    /** Sets a param's value on every node input it targets. */
    public void set(ParamSpec param, JsonNode value) {
        apply(graph, param, value);
    }

    static void apply(ObjectNode graph, ParamSpec param, JsonNode value) {
        for (ParamTarget target : param.getTargets()) {
            ObjectNode node = (ObjectNode) graph.get(target.getNodeId());
            ObjectNode inputs = node.has("inputs") ? (ObjectNode) node.get("inputs") : node.putObject("inputs");
            inputs.set(target.getField(), value.deepCopy());
        }
    }
}
