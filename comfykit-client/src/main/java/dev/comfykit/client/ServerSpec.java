package dev.comfykit.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One ComfyUI server of a pool (see {@link ComfyKitBuilder#servers(List)} and the {@code servers} option).
 * <p>
 * Text form, as the {@code servers} option reads it: entries separated by commas, each
 * {@code [name=]url[;key=value]...} with the keys {@code weight}, {@code maxInFlight} and {@code label.<name>}, e.g.
 * {@code gpu1=http://gpu1:8188;maxInFlight=2;label.gpu=a100,http://gpu2:8188}. Credentials are never written in
 * text (URIs are logged); give them in Java with {@link #withApiKey(String)}.
 *
 * @param name        how messages, logs and health checks name the server; unset, {@code host:port}
 * @param url         the server's base URL (a path prefix behind a proxy is allowed)
 * @param weight      a server of weight 2 is given twice the work of a server of weight 1 (at least 1)
 * @param maxInFlight the prompts this client keeps on the server at most (queued or running); 0 for no cap. More
 *                    prompts wait in the client until a server has room
 * @param labels      free labels such as {@code gpu=a100}
 * @param apiKey      the server's api key, or {@code null} for the client's {@code apiKey}
 */
public record ServerSpec(String name, String url, int weight, int maxInFlight, Map<String, String> labels,
                         String apiKey) {

    public ServerSpec {
        Objects.requireNonNull(url, "url");
        url = url.trim();
        String problem = ClientOption.COMFYUI_URL.problem(url);
        if (problem != null) {
            throw new IllegalArgumentException("server " + problem);
        }
        if (name == null || name.isBlank()) {
            URI uri = URI.create(url);
            name = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        }
        if (weight < 1) {
            throw new IllegalArgumentException("server " + name + ": weight must be at least 1, got " + weight);
        }
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("server " + name + ": maxInFlight must not be negative, got "
                    + maxInFlight);
        }
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A server with the defaults: named {@code host:port}, weight 1, no cap, no labels, the client's api key. */
    public static ServerSpec of(String url) {
        return new ServerSpec(null, url, 1, 0, Map.of(), null);
    }

    public ServerSpec withName(String newName) {
        return new ServerSpec(newName, url, weight, maxInFlight, labels, apiKey);
    }

    public ServerSpec withWeight(int newWeight) {
        return new ServerSpec(name, url, newWeight, maxInFlight, labels, apiKey);
    }

    public ServerSpec withMaxInFlight(int cap) {
        return new ServerSpec(name, url, weight, cap, labels, apiKey);
    }

    public ServerSpec withLabel(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(labels);
        more.put(key, value);
        return new ServerSpec(name, url, weight, maxInFlight, more, apiKey);
    }

    public ServerSpec withApiKey(String key) {
        return new ServerSpec(name, url, weight, maxInFlight, labels, key);
    }

    /** Whether the server has no cap on prompts in flight. */
    public boolean unlimited() {
        return maxInFlight == 0;
    }

    /**
     * Reads the text form (see the class comment); blank text is an empty list.
     *
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    public static List<ServerSpec> parseList(String text) {
        List<ServerSpec> servers = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return servers;
        }
        for (String entry : text.split(",")) {
            if (!entry.isBlank()) {
                servers.add(parse(entry.trim()));
            }
        }
        long names = servers.stream().map(ServerSpec::name).distinct().count();
        if (names != servers.size()) {
            throw new IllegalArgumentException("names the same server twice (" + text.trim()
                    + "); give each entry its own name=url");
        }
        return servers;
    }

    /** Reads one entry: {@code [name=]url[;key=value]...}. */
    public static ServerSpec parse(String entry) {
        String[] parts = entry.split(";");
        String head = parts[0].trim();
        String name = null;
        int scheme = head.indexOf("://");
        int equals = head.indexOf('=');
        if (equals > 0 && (scheme < 0 || equals < scheme)) {
            name = head.substring(0, equals).trim();
            head = head.substring(equals + 1).trim();
        }
        int weight = 1;
        int maxInFlight = 0;
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim();
            int eq = attribute.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("server entry '" + entry + "': '" + attribute
                        + "' is not key=value");
            }
            String key = attribute.substring(0, eq).trim();
            String value = attribute.substring(eq + 1).trim();
            if (key.toLowerCase(Locale.ROOT).startsWith("label.") && key.length() > 6) {
                labels.put(key.substring(6), value);
            } else if (key.equals("weight")) {
                weight = number(entry, key, value);
            } else if (key.equals("maxInFlight")) {
                maxInFlight = number(entry, key, value);
            } else {
                throw new IllegalArgumentException("server entry '" + entry + "': unknown attribute '" + key
                        + "' (use weight, maxInFlight or label.<name>)");
            }
        }
        try {
            return new ServerSpec(name, head, weight, maxInFlight, labels, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("server entry '" + entry + "': " + e.getMessage(), e);
        }
    }

    private static int number(String entry, String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("server entry '" + entry + "': " + key + " '" + value
                    + "' is not a whole number");
        }
    }

    /** Masks the api key. */
    @Override
    public String toString() {
        return "ServerSpec[name=" + name + ", url=" + url + ", weight=" + weight + ", maxInFlight=" + maxInFlight
                + ", labels=" + labels + ", apiKey=" + (apiKey == null ? "none" : "****") + "]";
    }
}
