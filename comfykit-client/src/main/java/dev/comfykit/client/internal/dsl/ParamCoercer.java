package dev.comfykit.client.internal.dsl;

import dev.comfykit.client.dsl.ParamSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.internal.json.Json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a caller's value into the JSON value a param's type needs. Params often arrive as text (HTTP query
 * strings, message headers), so {@code "42"} becomes an int and {@code "true"} a boolean; a value that cannot
 * become the type is rejected with a message that names the param, the type and the value.
 */
public final class ParamCoercer {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final BigInteger MAX_UNSIGNED_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger MIN_SIGNED_64 = BigInteger.valueOf(Long.MIN_VALUE);

    private ParamCoercer() {
    }

    /**
     * Coerces a non-media value.
     *
     * @throws InvalidParameterException when the value cannot become the param's type
     */
    public static JsonNode coerce(ParamSpec spec, Object value) {
        switch (spec.getType()) {
            case INT:
                return toInt(spec, value);
            case FLOAT:
                return toFloat(spec, value);
            case BOOLEAN:
                return toBoolean(spec, value);
            case STRING:
            case MEDIA:
                return NODES.textNode(toText(spec, value));
            default:
                return toAny(spec, value);
        }
    }

    private static JsonNode toInt(ParamSpec spec, Object value) {
        BigDecimal number = toNumber(spec, value, "a whole number such as 42");
        BigInteger integer;
        try {
            integer = number.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw mismatch(spec, value, "a whole number such as 42 (no fraction)");
        }
        if (integer.compareTo(MIN_SIGNED_64) < 0 || integer.compareTo(MAX_UNSIGNED_64) > 0) {
            throw mismatch(spec, value, "a whole number within 64 bits");
        }
        return integer.bitLength() < 64 ? NODES.numberNode(integer.longValue()) : NODES.numberNode(integer);
    }

    private static JsonNode toFloat(ParamSpec spec, Object value) {
        return NODES.numberNode(toNumber(spec, value, "a number such as 7.5"));
    }

    private static BigDecimal toNumber(ParamSpec spec, Object value, String expected) {
        if (value instanceof BigDecimal) {
            return (BigDecimal) value;
        }
        if (value instanceof BigInteger) {
            return new BigDecimal((BigInteger) value);
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw mismatch(spec, value, expected);
            }
            return new BigDecimal(value.toString());
        }
        if (value instanceof Number) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof CharSequence) {
            String text = value.toString().trim();
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw mismatch(spec, value, expected);
            }
        }
        if (value instanceof JsonNode && ((JsonNode) value).isNumber()) {
            return ((JsonNode) value).decimalValue();
        }
        if (value instanceof JsonNode && ((JsonNode) value).isTextual()) {
            return toNumber(spec, ((JsonNode) value).asText(), expected);
        }
        throw mismatch(spec, value, expected);
    }

    private static JsonNode toBoolean(ParamSpec spec, Object value) {
        if (value instanceof Boolean) {
            return NODES.booleanNode((Boolean) value);
        }
        if (value instanceof JsonNode && ((JsonNode) value).isBoolean()) {
            return NODES.booleanNode(((JsonNode) value).booleanValue());
        }
        String text = value instanceof JsonNode ? ((JsonNode) value).asText() : String.valueOf(value);
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
            case "1":
                return NODES.booleanNode(true);
            case "false":
            case "no":
            case "off":
            case "0":
                return NODES.booleanNode(false);
            default:
                throw mismatch(spec, value, "true or false");
        }
    }

    private static String toText(ParamSpec spec, Object value) {
        if (value instanceof JsonNode) {
            JsonNode node = (JsonNode) value;
            if (node.isValueNode()) {
                return node.asText();
            }
            throw mismatch(spec, value, "text");
        }
        if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Character || value instanceof Enum) {
            return value.toString();
        }
        throw mismatch(spec, value, "text");
    }

    private static JsonNode toAny(ParamSpec spec, Object value) {
        if (value instanceof JsonNode) {
            return ((JsonNode) value).deepCopy();
        }
        try {
            return Json.toTree(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(spec.getName(), "Param '" + spec.getName() + "' value of type "
                    + value.getClass().getName() + " cannot be sent as JSON: " + e.getMessage(), e);
        }
    }

    private static InvalidParameterException mismatch(ParamSpec spec, Object value, String expected) {
        return new InvalidParameterException(spec.getName(), "Param '" + spec.getName() + "' is of type "
                + spec.getType().label() + " and needs " + expected + ", but got " + show(value) + ".");
    }

    static String show(Object value) {
        if (value instanceof CharSequence) {
            String text = value.toString();
            return "\"" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "\" (text)";
        }
        if (value instanceof Map || value instanceof Collection) {
            return "a " + (value instanceof Map ? "map" : "collection") + " (" + value.getClass().getSimpleName() + ")";
        }
        if (value instanceof byte[]) {
            return "a byte[] of " + ((byte[]) value).length + " bytes";
        }
        return value + " (" + value.getClass().getSimpleName() + ")";
    }
}
