package dev.comfykit.client.dsl;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * One node input a param sets.
 */
public final class ParamTarget {

    private final String nodeId;
    private final String classType;
    private final String field;

    public ParamTarget(String nodeId, String classType, String field) {
        this.nodeId = Objects.requireNonNull(nodeId);
        this.classType = classType;
        this.field = Objects.requireNonNull(field);
    }

    @JsonProperty("node_id")
    public String getNodeId() {
        return nodeId;
    }

    @JsonProperty("class_type")
    public String getClassType() {
        return classType;
    }

    @JsonProperty("field")
    public String getField() {
        return field;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ParamTarget)) {
            return false;
        }
        ParamTarget that = (ParamTarget) o;
        return nodeId.equals(that.nodeId) && Objects.equals(classType, that.classType) && field.equals(that.field);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodeId, classType, field);
    }

    @Override
    public String toString() {
        return nodeId + "." + field;
    }
}
