package dev.comfykit.client.internal.pool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A selector of servers by label, such as {@code gpu=a100,vram=48}: a server matches when it carries every
 * {@code key=value} pair asked for (keys and values compared exactly, after trimming). A bare {@code key} asks only
 * that the server carries the label, whatever its value. The empty selector matches every server.
 */
public final class LabelSelector {

    /** Matches every server. */
    public static final LabelSelector ANY = new LabelSelector(Map.of());

    /** Stands for "any value" of a bare key. */
    private static final String PRESENT = null;

    private final Map<String, String> required;

    private LabelSelector(Map<String, String> required) {
        this.required = required;
    }

    /**
     * Parses {@code key=value,key2=value2} (or a bare {@code key}); null or blank is {@link #ANY}.
     *
     * @throws IllegalArgumentException for an empty key or a key given twice with different values
     */
    public static LabelSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return ANY;
        }
        Map<String, String> required = new LinkedHashMap<>();
        for (String part : selector.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = (eq < 0 ? part : part.substring(0, eq)).trim();
            String value = eq < 0 ? PRESENT : part.substring(eq + 1).trim();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("Label selector '" + selector + "' has an empty key");
            }
            if (required.containsKey(key) && !java.util.Objects.equals(required.get(key), value)) {
                throw new IllegalArgumentException("Label selector '" + selector + "' asks for " + key + " twice");
            }
            required.put(key, value);
        }
        return new LabelSelector(Collections.unmodifiableMap(required));
    }

    /** Parses labels written as a selector ({@code gpu=a100,vram=48}); a bare key gets the empty value. */
    public static Map<String, String> parseLabels(String labels) {
        Map<String, String> out = new LinkedHashMap<>();
        parse(labels).required.forEach((k, v) -> out.put(k, v == null ? "" : v));
        return Collections.unmodifiableMap(out);
    }

    /** Whether a server with these labels matches. */
    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> want : required.entrySet()) {
            if (!labels.containsKey(want.getKey())) {
                return false;
            }
            if (want.getValue() != PRESENT && !want.getValue().equals(labels.get(want.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public boolean isAny() {
        return required.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        required.forEach((k, v) -> text.append(text.length() == 0 ? "" : ",").append(k).append(v == null ? "" : "=" + v));
        return text.toString();
    }
}
