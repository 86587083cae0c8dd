package dev.comfykit.emulator.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} for JSON values. ComfyUI builds many error texts with Python
 * formatting ({@code "Value 0 smaller than min of 1"}, {@code "'magic' not in ['nearest-exact', ...]"}), and
 * the emulator must produce the same texts.
 */
public final class Py {

    private Py() {
    }

    /** {@code repr(float)}: shortest round-trip digits, exponent form below 1e-4 and from 1e16 on. */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return Long.toString((long) d) + ".0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = bd.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = bd.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder();
        if (bd.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            sb.append('0');
        }
        sb.append(abs);
        return sb.toString();
    }

    /** {@code str(value)}. */
    public static String str(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "None";
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        return repr(v);
    }

    /** {@code repr(value)}. */
    public static String repr(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "None";
        }
        if (v.isTextual()) {
            return repr(v.textValue());
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? "True" : "False";
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        if (v.isNumber()) {
            return floatRepr(v.doubleValue());
        }
        StringBuilder sb = new StringBuilder();
        if (v.isArray()) {
            sb.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(repr(v.get(i)));
            }
            return sb.append(']').toString();
        }
        sb.append('{');
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        boolean first = true;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** {@code repr(str)}: single quotes unless the text has a single quote and no double quote. */
    public static String repr(String s) {
        char quote = (s.indexOf('\'') >= 0 && s.indexOf('"') < 0) ? '"' : '\'';
        StringBuilder sb = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c == quote) {
                        sb.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append(quote).toString();
    }

    /** {@code repr(list_of_str)}. */
    public static String reprStrings(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(repr(values.get(i)));
        }
        return sb.append(']').toString();
    }

    /** Python's name of a JSON value's type, as used in TypeError messages. */
    public static String typeName(JsonNode v) {
        if (v == null || v.isNull()) {
            return "NoneType";
        }
        if (v.isTextual()) {
            return "str";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        if (v.isIntegralNumber()) {
            return "int";
        }
        if (v.isNumber()) {
            return "float";
        }
        return v.isArray() ? "list" : "dict";
    }
}
