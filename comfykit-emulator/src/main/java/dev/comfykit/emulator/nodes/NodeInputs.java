package dev.comfykit.emulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Map;

/** The resolved inputs of one node: linked values from upstream nodes and coerced widget values. */
public final class NodeInputs {

    private final Map<String, Object> values;

    public NodeInputs(Map<String, Object> values) {
        this.values = values;
    }

    public Object get(String name) {
        return values.get(name);
    }

    public boolean has(String name) {
        return values.containsKey(name) && values.get(name) != null;
    }

    public String string(String name) {
        Object v = values.get(name);
        return v == null ? null : v instanceof JsonNode j ? j.asText() : v.toString();
    }

    public long integer(String name) {
        Object v = values.get(name);
        if (v instanceof BigInteger b) {
            return b.longValue();
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return Long.parseLong(String.valueOf(v).trim());
    }

    public BigInteger bigInteger(String name) {
        Object v = values.get(name);
        if (v instanceof BigInteger b) {
            return b;
        }
        return BigInteger.valueOf(integer(name));
    }

    public double number(String name) {
        Object v = values.get(name);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return Double.parseDouble(String.valueOf(v).trim());
    }

    public boolean bool(String name) {
        Object v = values.get(name);
        return v instanceof Boolean b ? b : v != null && Boolean.parseBoolean(v.toString());
    }

    @SuppressWarnings("unchecked")
    public <T> T as(String name, Class<T> type) {
        Object v = values.get(name);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("input " + name + " is not a " + type.getSimpleName());
        }
        return (T) v;
    }

    public Map<String, Object> asMap() {
        return values;
    }
}
