package dev.comfykit.emulator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.json.Py;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Python's {@code int()}, {@code float()}, {@code str()} and {@code bool()} applied to widget values, which is how
 * ComfyUI coerces inputs during validation ({@code "8"} becomes 8, {@code "abc"} fails with Python's message).
 */
public final class Coercion {

    private static final Pattern INT = Pattern.compile("[+-]?\\d+(_\\d+)*");
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?((\\d+(_\\d+)*)(\\.(\\d+(_\\d+)*)?)?|\\.\\d+(_\\d+)*)([eE][+-]?\\d+(_\\d+)*)?");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Coercion() {
    }

    public static JsonNode toInt(JsonNode v) throws PyException {
        if (v.isBoolean()) {
            return NODES.numberNode(v.booleanValue() ? 1 : 0);
        }
        if (v.isIntegralNumber()) {
            return v;
        }
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (Double.isNaN(d)) {
                throw new PyException("ValueError", "cannot convert float NaN to integer");
            }
            if (Double.isInfinite(d)) {
                throw new PyException("OverflowError", "cannot convert float infinity to integer");
            }
            return integral(new BigDecimal(d).toBigInteger());
        }
        if (v.isTextual()) {
            String s = v.textValue().strip();
            if (INT.matcher(s).matches()) {
                return integral(new BigInteger(s.replace("_", "").replace("+", "")));
            }
            throw new PyException("ValueError", "invalid literal for int() with base 10: " + Py.repr(v.textValue()));
        }
        throw new PyException("TypeError",
                "int() argument must be a string, a bytes-like object or a real number, not '" + Py.typeName(v) + "'");
    }

    public static JsonNode toFloat(JsonNode v) throws PyException {
        if (v.isBoolean()) {
            return Json.number(v.booleanValue() ? 1.0 : 0.0);
        }
        if (v.isNumber()) {
            return Json.number(v.doubleValue());
        }
        if (v.isTextual()) {
            String s = v.textValue().strip();
            String lower = s.toLowerCase(java.util.Locale.ROOT);
            String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
            boolean negative = lower.startsWith("-");
            if (unsigned.equals("inf") || unsigned.equals("infinity")) {
                return Json.number(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            }
            if (unsigned.equals("nan")) {
                return Json.number(Double.NaN);
            }
            if (FLOAT.matcher(s).matches()) {
                return Json.number(Double.parseDouble(s.replace("_", "")));
            }
            throw new PyException("ValueError", "could not convert string to float: " + Py.repr(v.textValue()));
        }
        throw new PyException("TypeError",
                "float() argument must be a string or a real number, not '" + Py.typeName(v) + "'");
    }

    public static JsonNode toStr(JsonNode v) {
        return v.isTextual() ? v : TextNode.valueOf(Py.str(v));
    }

    public static JsonNode toBool(JsonNode v) {
        return BooleanNode.valueOf(truthy(v));
    }

    /** Python truthiness of a JSON value. */
    public static boolean truthy(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.isIntegralNumber() ? v.bigIntegerValue().signum() != 0 : v.doubleValue() != 0;
        }
        if (v.isTextual()) {
            return !v.textValue().isEmpty();
        }
        return v.size() > 0;
    }

    private static JsonNode integral(BigInteger b) {
        return b.bitLength() < 64 ? NODES.numberNode(b.longValue()) : NODES.numberNode(b);
    }

    /** Compares two numeric JSON values as Python does; NaN compares false both ways (result 0 and unordered). */
    static Integer compare(JsonNode a, JsonNode b) {
        if (a.canConvertToExactIntegral() && b.canConvertToExactIntegral() && a.canConvertToLong() && b.canConvertToLong()
                && a.isIntegralNumber() && b.isIntegralNumber()) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if (a.isDouble() && b.isDouble()) {
            double x = a.doubleValue();
            double y = b.doubleValue();
            return Double.isNaN(x) || Double.isNaN(y) ? null : Double.compare(x, y);
        }
        BigDecimal x = decimal(a);
        BigDecimal y = decimal(b);
        if (x == null || y == null) {
            double dx = a.doubleValue();
            double dy = b.doubleValue();
            if (Double.isNaN(dx) || Double.isNaN(dy)) {
                return null;
            }
            return Double.compare(dx, dy);
        }
        return x.compareTo(y);
    }

    private static BigDecimal decimal(JsonNode v) {
        if (v.isBoolean()) {
            return v.booleanValue() ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (v.isIntegralNumber()) {
            return new BigDecimal(v.bigIntegerValue());
        }
        double d = v.doubleValue();
        return Double.isFinite(d) ? new BigDecimal(d) : null;
    }

    /** Python {@code ==} for JSON values (so that 1 == 1.0 == True inside combo lists). */
    static boolean pyEquals(JsonNode a, JsonNode b) {
        boolean an = a.isNumber() || a.isBoolean();
        boolean bn = b.isNumber() || b.isBoolean();
        if (an && bn) {
            Integer c = compare(a, b);
            return c != null && c == 0;
        }
        return a.equals(b);
    }
}
