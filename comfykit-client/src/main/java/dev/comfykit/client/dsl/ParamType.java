package dev.comfykit.client.dsl;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * The type of a workflow param, inferred from the node input it sets.
 */
public enum ParamType {
    /** A whole number (ComfyUI {@code INT}); text such as {@code "42"} is accepted. */
    INT,
    /** A number (ComfyUI {@code FLOAT}). */
    FLOAT,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** Text. */
    STRING,
    /** A file to upload (or the name of an already uploaded file). */
    MEDIA,
    /** No type could be inferred (required param on a missing or linked input): the value is sent as given. */
    ANY;

    /** The lower-case name used in messages and descriptions. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type of a literal input value: bool, int, float, else string. */
    public static ParamType of(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode() || value.isArray()) {
            return ANY;
        }
        if (value.isBoolean()) {
            return BOOLEAN;
        }
        if (value.isIntegralNumber()) {
            return INT;
        }
        if (value.isNumber()) {
            return FLOAT;
        }
        if (value.isTextual()) {
            return STRING;
        }
        return ANY;
    }

    /** The common type of two targets of one param. */
    public ParamType merge(ParamType other) {
        if (this == other || other == ANY) {
            return this;
        }
        if (this == ANY) {
            return other;
        }
        if ((this == INT && other == FLOAT) || (this == FLOAT && other == INT)) {
            return FLOAT;
        }
        return STRING;
    }
}
