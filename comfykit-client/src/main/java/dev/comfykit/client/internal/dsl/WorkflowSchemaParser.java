package dev.comfykit.client.internal.dsl;

import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.dsl.ParamSpec;
import dev.comfykit.client.dsl.ParamType;
import dev.comfykit.client.dsl.ParamTarget;
import dev.comfykit.client.dsl.OutputSpec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.internal.workflow.Workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the params and output variables that a workflow's node titles declare (the ComfyKit title DSL).
 * <p>
 * Rules: an optional param takes its default from the node's current input, so that input must exist and must not
 * be a link; the type comes from that value; the same name on several nodes is one param that sets them all;
 * loader nodes ({@link #MEDIA_NODE_CLASSES}) make a param a media param even without {@code ~}; output nodes
 * ({@link #OUTPUT_NODE_CLASSES}) are outputs even without a marker, under their node id.
 */
public final class WorkflowSchemaParser {

    /** Node classes whose params are always media (their value is uploaded). */
    public static final Set<String> MEDIA_NODE_CLASSES =
            Set.of("LoadImage", "LoadAudio", "LoadVideo", "VHS_LoadAudioUpload", "VHS_LoadVideo");

    /** Node classes that are outputs even without an {@code $output.name} marker. */
    public static final Set<String> OUTPUT_NODE_CLASSES =
            Set.of("SaveImage", "SaveVideo", "SaveAudio", "VHS_SaveVideo", "VHS_SaveAudio");

    private WorkflowSchemaParser() {
    }

    /**
     * Parses the title DSL of a workflow.
     *
     * @throws InvalidWorkflowException naming the node, its title and the fix when a marker cannot work
     */
    public static WorkflowSchema parse(Workflow workflow) {
        Map<String, ParamBuilder> params = new LinkedHashMap<>();
        Map<String, List<String>> markedOutputs = new LinkedHashMap<>();
        List<String> outputNodes = new ArrayList<>();
        for (String nodeId : workflow.nodeIds()) {
            String classType = workflow.classType(nodeId);
            String title = workflow.title(nodeId);
            List<TitleMarker> markers;
            try {
                markers = TitleParser.parse(title);
            } catch (IllegalArgumentException e) {
                throw invalid(workflow, nodeId, classType, title, e.getMessage());
            }
            boolean marked = false;
            for (TitleMarker marker : markers) {
                if (marker.isOutput()) {
                    markedOutputs.computeIfAbsent(outputVariable(workflow, nodeId, classType, title, marker),
                            v -> new ArrayList<>()).add(nodeId);
                    marked = true;
                } else {
                    addTarget(workflow, nodeId, classType, title, marker, params);
                }
            }
            if (!marked && OUTPUT_NODE_CLASSES.contains(classType)) {
                outputNodes.add(nodeId);
            }
        }
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        params.forEach((name, builder) -> specs.put(name, builder.build()));
        Map<String, OutputSpec> outputs = new LinkedHashMap<>();
        markedOutputs.forEach((variable, nodes) -> outputs.put(variable, new OutputSpec(variable, nodes, true)));
        for (String nodeId : outputNodes) {
            outputs.putIfAbsent(nodeId, new OutputSpec(nodeId, List.of(nodeId), false));
        }
        return new WorkflowSchema(workflow.origin(), specs, outputs);
    }

    private static String outputVariable(Workflow workflow, String nodeId, String classType, String title,
                                         TitleMarker marker) {
        if (!marker.hasExplicitField()) {
            throw invalid(workflow, nodeId, classType, title, "output marker '" + marker.text()
                    + "' needs a variable name: write $output.name, e.g. $output.image");
        }
        if (marker.media() || marker.required()) {
            throw invalid(workflow, nodeId, classType, title, "output marker '" + marker.text()
                    + "' takes no ~ or !: write $output." + marker.field());
        }
        return marker.field();
    }

    private static void addTarget(Workflow workflow, String nodeId, String classType, String title,
                                  TitleMarker marker, Map<String, ParamBuilder> params) {
        String field = marker.field();
        JsonNode current = workflow.node(nodeId).path("inputs").get(field);
        boolean link = current != null && current.isArray();
        if (!marker.required()) {
            String requiredForm = required(marker);
            if (current == null) {
                throw invalid(workflow, nodeId, classType, title, "optional param '" + marker.name()
                        + "' has no default because the node has no input '" + field + "'. Give the node an input '"
                        + field + "' or make the param required: " + requiredForm);
            }
            if (link) {
                throw invalid(workflow, nodeId, classType, title, "optional param '" + marker.name()
                        + "' has no default because input '" + field + "' is a link " + current
                        + ". Make the param required (" + requiredForm + ") or mark an input that holds a value.");
            }
        }
        boolean media = marker.media() || MEDIA_NODE_CLASSES.contains(classType);
        JsonNode literal = current == null || link ? null : current;
        params.computeIfAbsent(marker.name(), ParamBuilder::new)
                .add(new ParamTarget(nodeId, classType, field), media, marker.required(), literal);
    }

    /** The marker as a required one: {@code $~photo:a picture} becomes {@code $~photo!}. */
    private static String required(TitleMarker marker) {
        String text = marker.text();
        int colon = text.indexOf(':');
        return (colon < 0 ? text : text.substring(0, colon)) + "!";
    }

    private static InvalidWorkflowException invalid(Workflow workflow, String nodeId, String classType,
                                                    String title, String problem) {
        return new InvalidWorkflowException("Workflow " + workflow.origin() + ", node " + nodeId + " (" + classType
                + ", title '" + title + "'): " + problem);
    }

    /** Merges the targets of one param name. */
    private static final class ParamBuilder {
        private final String name;
        private final List<ParamTarget> targets = new ArrayList<>();
        private boolean media;
        private boolean required;
        private ParamType type = ParamType.ANY;
        private JsonNode defaultValue;

        ParamBuilder(String name) {
            this.name = name;
        }

        ParamBuilder add(ParamTarget target, boolean mediaTarget, boolean requiredTarget, JsonNode literal) {
            targets.add(target);
            media |= mediaTarget;
            required |= requiredTarget;
            type = type.merge(ParamType.of(literal));
            if (!requiredTarget && defaultValue == null) {
                defaultValue = literal;
            }
            return this;
        }

        ParamSpec build() {
            ParamType effective = media ? ParamType.MEDIA : type;
            return new ParamSpec(name, effective, required, required ? null : defaultValue, targets);
        }
    }
}
