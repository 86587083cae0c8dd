package dev.comfykit.client.dsl;

import dev.comfykit.client.internal.dsl.DidYouMean;
import dev.comfykit.client.internal.dsl.ParamBinder;
import dev.comfykit.client.internal.dsl.ParamCoercer;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.comfykit.client.internal.json.Json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a workflow's title DSL declares: its params and its output variables. Returned by
 * {@code ComfyKit.describe(...)} for validation and tooling; serialises to JSON.
 */
@JsonPropertyOrder({"workflow", "params", "outputs"})
public final class WorkflowSchema {

    private final String origin;
    private final Map<String, ParamSpec> params;
    private final Map<String, OutputSpec> outputs;
    private final Map<String, String> variableByNode;

    /** A schema from its parts (the workflow loader builds these from a workflow's titles). */
    public WorkflowSchema(String origin, Map<String, ParamSpec> params, Map<String, OutputSpec> outputs) {
        this.origin = origin;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        Map<String, String> byNode = new LinkedHashMap<>();
        for (OutputSpec output : outputs.values()) {
            for (String nodeId : output.getNodeIds()) {
                byNode.putIfAbsent(nodeId, output.getVariable());
            }
        }
        this.variableByNode = Collections.unmodifiableMap(byNode);
    }

    /** A schema without params or outputs (a RunningHub AI app, whose inputs are named by node and field). */
    public static WorkflowSchema empty(String origin) {
        return new WorkflowSchema(origin, Map.of(), Map.of());
    }

    /** Where the workflow came from. */
    @JsonProperty("workflow")
    public String getOrigin() {
        return origin;
    }

    /** The declared params, in the order they first appear. */
    @JsonProperty("params")
    public Collection<ParamSpec> getParams() {
        return params.values();
    }

    /**
     * Checks the names and types of some params without requiring the required ones: for params fixed ahead of the
     * values that complete them (an endpoint's options, checked when it starts). Media params are not read here.
     *
     * @throws dev.comfykit.client.InvalidParameterException naming an unknown param (with the closest declared name)
     *                                                       or a value that does not fit its param's type
     */
    public void checkParams(Map<String, ?> given) {
        given.forEach((name, value) -> {
            ParamSpec spec = params.get(name);
            if (spec == null) {
                throw ParamBinder.unknown(origin, this, name);
            }
            if (!spec.isUpload() && value != null) {
                ParamCoercer.coerce(spec, value);
            }
        });
    }

    /** One param, or {@code null}. */
    public ParamSpec param(String name) {
        return params.get(name);
    }

    /** The declared param names. */
    @JsonIgnore
    public List<String> paramNames() {
        return new ArrayList<>(params.keySet());
    }

    /**
     * The declared param whose name is closest to a misspelt one ({@code widht} gives {@code width}), or
     * {@code null} when none is close: the "did you mean" of error messages and warnings.
     */
    public String closestParam(String name) {
        return DidYouMean.closest(name, paramNames());
    }

    /** The output variables: {@code $output.name} markers and output nodes without a marker (by node id). */
    @JsonProperty("outputs")
    public Collection<OutputSpec> getOutputs() {
        return outputs.values();
    }

    /** The variable a node's outputs are grouped under: its marker's variable, or the node id. */
    public String variableOf(String nodeId) {
        return variableByNode.getOrDefault(nodeId, nodeId);
    }

    /** The params whose value is uploaded. */
    @JsonIgnore
    public List<ParamSpec> mediaParams() {
        List<ParamSpec> media = new ArrayList<>();
        for (ParamSpec spec : params.values()) {
            if (spec.isUpload()) {
                media.add(spec);
            }
        }
        return media;
    }

    /** The params, one per line, for error messages. */
    public String describeParams() {
        if (params.isEmpty()) {
            return "none (the workflow has no $param title markers)";
        }
        StringBuilder sb = new StringBuilder();
        for (ParamSpec spec : params.values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(spec.summary());
        }
        return sb.toString();
    }

    /** This schema as JSON. */
    public String toJson() {
        return Json.write(this);
    }

    @Override
    public String toString() {
        return "WorkflowSchema[" + origin + ", params=" + params.keySet() + ", outputs=" + outputs.keySet() + "]";
    }
}
