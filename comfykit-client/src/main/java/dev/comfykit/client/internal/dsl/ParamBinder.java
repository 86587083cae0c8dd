package dev.comfykit.client.internal.dsl;

import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.dsl.ParamSpec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.ServerFile;
import dev.comfykit.client.internal.workflow.Workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Applies a caller's params to a copy of a workflow, as its schema declares them.
 * <p>
 * Checks come first and nothing is submitted when one fails: every param must be declared (the message lists the
 * declared ones and suggests the closest name), every required param must be given, and every value must become
 * its param's type. A {@code null} value counts as not given.
 */
public final class ParamBinder {

    private ParamBinder() {
    }

    /**
     * Binds params.
     *
     * @param needsUpload tells a media value that must be uploaded from one that already names an uploaded file
     * @throws InvalidParameterException naming the param and the fix
     */
    public static BoundWorkflow bind(Workflow workflow, WorkflowSchema schema, Map<String, ?> params,
                                     Predicate<Object> needsUpload) {
        Map<String, ?> given = params == null ? Map.of() : params;
        for (String name : given.keySet()) {
            if (schema.param(name) == null) {
                throw unknown(workflow.origin(), schema, name);
            }
        }
        ObjectNode graph = workflow.copyGraph();
        List<BoundWorkflow.PendingUpload> uploads = new ArrayList<>();
        for (ParamSpec spec : schema.getParams()) {
            Object value = given.get(spec.getName());
            if (value == null) {
                if (spec.isRequired()) {
                    throw new InvalidParameterException(spec.getName(), "Missing required param '" + spec.getName()
                            + "' (" + spec.getType().label() + ") for workflow " + workflow.origin()
                            + ": pass it in the params. Declared params: " + schema.describeParams());
                }
                continue;
            }
            if (spec.isUpload()) {
                if (needsUpload.test(value)) {
                    uploads.add(new BoundWorkflow.PendingUpload(spec, value));
                } else if (value instanceof ServerFile file) {
                    BoundWorkflow.apply(graph, spec, JsonNodeFactory.instance.textNode(file.name()));
                } else if (value instanceof CharSequence) {
                    BoundWorkflow.apply(graph, spec, JsonNodeFactory.instance.textNode(value.toString()));
                } else {
                    throw new InvalidParameterException(spec.getName(), "Media param '" + spec.getName()
                            + "' needs a file to upload (Path, File, byte[], InputStream, http(s) URL, MediaInput)"
                            + " or the name of an already uploaded file, but got " + ParamCoercer.show(value) + ".");
                }
            } else {
                BoundWorkflow.apply(graph, spec, ParamCoercer.coerce(spec, value));
            }
        }
        return new BoundWorkflow(graph, uploads);
    }

    public static InvalidParameterException unknown(String origin, WorkflowSchema schema, String name) {
        String suggestion = DidYouMean.closest(name, schema.paramNames());
        return new InvalidParameterException(name, "Unknown param '" + name + "' for workflow " + origin
                + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)")
                + ". Declared params: " + schema.describeParams()
                + ". A param is declared by a node title marker such as $" + name + ".field.");
    }
}
