package dev.comfykit.client.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.internal.json.Json;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the {@code cookies} option into a {@code Cookie} header value. Accepted forms: a JSON object
 * ({@code {"session": "abc"}}) or {@code k1=v1; k2=v2}. (The third form, an http(s) URL whose body is one of these,
 * is fetched by the client and then parsed here.)
 */
public final class Cookies {

    private Cookies() {
    }

    /** Whether the option value is the URL form. */
    public static boolean isUrl(String value) {
        String v = value.trim().toLowerCase();
        return v.startsWith("http://") || v.startsWith("https://");
    }

    /**
     * Parses a JSON object or {@code k=v; k=v} text into name/value pairs.
     *
     * @throws IllegalArgumentException describing the accepted forms; never including the cookie values
     */
    public static Map<String, String> parse(String value) {
        String text = value == null ? "" : value.trim();
        Map<String, String> cookies = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return cookies;
        }
        if (text.startsWith("{")) {
            JsonNode tree;
            try {
                tree = Json.mapper().readTree(text);
            } catch (IOException e) {
                // the message must not echo the cookie text: it holds secrets
                throw new IllegalArgumentException("The cookies option starts with '{' but is not a valid JSON"
                        + " object. Use {\"name\": \"value\"} or name1=value1; name2=value2.");
            }
            if (!tree.isObject()) {
                throw new IllegalArgumentException("The cookies option must be a JSON object or name=value pairs.");
            }
            Iterator<Map.Entry<String, JsonNode>> fields = tree.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getValue().isValueNode()) {
                    throw new IllegalArgumentException("The cookies option's JSON value for '" + field.getKey()
                            + "' must be a string or number, not an object or array.");
                }
                cookies.put(field.getKey(), field.getValue().asText());
            }
            return cookies;
        }
        for (String pair : text.split(";")) {
            String trimmed = pair.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("The cookies option has an entry without a name (expected"
                        + " name=value): use name1=value1; name2=value2 or a JSON object.");
            }
            cookies.put(trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim());
        }
        return cookies;
    }

    /** The {@code Cookie} header value for name/value pairs. */
    public static String header(Map<String, String> cookies) {
        StringBuilder sb = new StringBuilder();
        cookies.forEach((name, value) -> {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(name).append('=').append(value);
        });
        return sb.toString();
    }
}
