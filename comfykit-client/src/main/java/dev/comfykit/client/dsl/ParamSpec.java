package dev.comfykit.client.dsl;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.internal.json.Json;

import java.util.List;
import java.util.Objects;

/**
 * A param declared by the workflow's title markers: its name and type, whether it is required, its default (the
 * node's current value), whether its value is uploaded first, and every node input it sets.
 */
@JsonPropertyOrder({"name", "type", "required", "default", "upload", "targets"})
public final class ParamSpec {

    private final String name;
    private final ParamType type;
    private final boolean required;
    private final JsonNode defaultValue;
    private final List<ParamTarget> targets;

    /** A param from its parts (the workflow loader builds these from a workflow's titles). */
    public ParamSpec(String name, ParamType type, boolean required, JsonNode defaultValue, List<ParamTarget> targets) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.required = required;
        this.defaultValue = defaultValue == null ? null : defaultValue.deepCopy();
        this.targets = List.copyOf(targets);
    }

    @JsonProperty("name")
    public String getName() {
        return name;
    }

    @JsonProperty("type")
    public ParamType getType() {
        return type;
    }

    @JsonProperty("required")
    public boolean isRequired() {
        return required;
    }

    /** The default as a plain Java value (the node's current input), or {@code null} for a required param. */
    @JsonProperty("default")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public Object getDefault() {
        return defaultValue == null ? null : Json.mapper().convertValue(defaultValue, Object.class);
    }

    /** The default as JSON, or {@code null}. */
    @JsonIgnore
    public JsonNode getDefaultJson() {
        return defaultValue == null ? null : defaultValue.deepCopy();
    }

    /** Whether the value is a file that is uploaded before the workflow is submitted. */
    @JsonProperty("upload")
    public boolean isUpload() {
        return type == ParamType.MEDIA;
    }

    /** The node inputs the param sets (one param may set several nodes). */
    @JsonProperty("targets")
    public List<ParamTarget> getTargets() {
        return targets;
    }

    /** A short description for messages, e.g. {@code seed (int, default 0)}. */
    public String summary() {
        String detail = required ? "required" : "default " + (defaultValue == null ? "none" : defaultValue);
        return name + " (" + type.label() + ", " + detail + ")";
    }

    @Override
    public String toString() {
        return summary() + " -> " + targets;
    }
}
