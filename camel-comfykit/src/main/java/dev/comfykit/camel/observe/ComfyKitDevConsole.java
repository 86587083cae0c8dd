package dev.comfykit.camel.observe;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.client.ClientOption;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitConfig;
import dev.comfykit.client.ServerSpec;
import dev.comfykit.client.ServerStatus;
import org.apache.camel.Component;
import org.apache.camel.spi.annotations.DevConsole;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.URISupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code comfykit} dev console: per {@code comfykit} component, the ComfyUI servers its endpoints use (state,
 * queue depth, what each may run: labels, cap, weight), the jobs in flight, the re-dispatches and the last errors.
 * Text and JSON; the option {@code errors} limits how many errors are shown (default all kept, at most
 * {@value ComfyKitActivity#RECENT_ERRORS}). Camel finds it by name ({@code META-INF/services/org/apache/camel/dev-console/comfykit},
 * generated from the annotation).
 */
@DevConsole(name = "comfykit", displayName = "ComfyKit", description = "ComfyUI servers, jobs in flight and recent"
        + " errors of the comfykit component")
public class ComfyKitDevConsole extends AbstractDevConsole {

    /** Option: at most this many recent errors (newest). */
    public static final String ERRORS = "errors";

    public ComfyKitDevConsole() {
        super("camel", "comfykit", "ComfyKit", "ComfyUI servers, jobs in flight and recent errors of the comfykit"
                + " component");
    }

    private Map<String, ComfyKitComponent> components() {
        Map<String, ComfyKitComponent> found = new TreeMap<>();
        for (String name : getCamelContext().getComponentNames()) {
            Component component = getCamelContext().hasComponent(name);
            if (component instanceof ComfyKitComponent comfyKit) {
                found.put(name, comfyKit);
            }
        }
        return found;
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        int maxErrors = optionInt(options, ERRORS, ComfyKitActivity.RECENT_ERRORS);
        StringBuilder text = new StringBuilder();
        Map<String, ComfyKitComponent> components = components();
        if (components.isEmpty()) {
            return "No comfykit component in use.\n";
        }
        components.forEach((name, component) -> {
            ComfyKitActivity activity = component.getActivity();
            List<ComfyKit> clients = activity.attachedClients();
            text.append("Component: ").append(name).append('\n');
            text.append("    Jobs in flight: ").append(activity.inFlight()).append('\n');
            text.append("    Re-dispatches: ").append(activity.resubmissions()).append('\n');
            text.append("    Clients: ").append(clients.size()).append('\n');
            for (Map<String, Object> client : clients(clients)) {
                text.append("    Client: executor ").append(client.get("executorType")).append(", timeout ")
                        .append(client.get("timeout"));
                if (client.containsKey("dispatch")) {
                    text.append(", dispatch ").append(client.get("dispatch")).append(", max attempts ")
                            .append(client.get("maxAttempts"));
                }
                text.append('\n');
                for (Object entry : (List<?>) client.get("servers")) {
                    Map<?, ?> server = (Map<?, ?>) entry;
                    text.append("        Server ").append(server.get("name"));
                    if (!server.get("name").equals(server.get("url"))) {
                        text.append(" (").append(server.get("url")).append(')');
                    }
                    text.append(": ").append(server.get("state")).append(", queue ")
                            .append(server.get("queueDepth") == null ? "unknown" : server.get("queueDepth"))
                            .append(", runs ").append(server.get("capabilities")).append('\n');
                    if (server.get("lastError") != null) {
                        text.append("            last error: ").append(server.get("lastError")).append('\n');
                    }
                }
            }
            List<ComfyKitActivity.RecentError> errors = last(activity.recentErrors(), maxErrors);
            text.append("    Recent errors: ").append(errors.isEmpty() ? "none" : errors.size()).append('\n');
            for (ComfyKitActivity.RecentError error : errors) {
                text.append("        ").append(error.at()).append(' ').append(error.operation());
                if (error.workflow() != null) {
                    text.append(' ').append(error.workflow());
                }
                text.append(" on ").append(error.server() == null ? Names.UNKNOWN : error.server());
                if (error.promptId() != null) {
                    text.append(" [").append(error.promptId()).append(']');
                }
                text.append(' ').append(error.kind()).append(": ").append(error.message()).append('\n');
            }
        });
        return text.toString();
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        int maxErrors = optionInt(options, ERRORS, ComfyKitActivity.RECENT_ERRORS);
        List<Map<String, Object>> list = new ArrayList<>();
        components().forEach((name, component) -> {
            ComfyKitActivity activity = component.getActivity();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", name);
            json.put("jobsInFlight", activity.inFlight());
            json.put("redispatches", activity.resubmissions());
            json.put("clients", clients(activity.attachedClients()));
            List<Map<String, Object>> errors = new ArrayList<>();
            for (ComfyKitActivity.RecentError error : last(activity.recentErrors(), maxErrors)) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("timestamp", error.at().toEpochMilli());
                e.put("operation", error.operation());
                putIfSet(e, "workflow", error.workflow());
                putIfSet(e, "server", error.server());
                putIfSet(e, "promptId", error.promptId());
                e.put("kind", error.kind());
                putIfSet(e, "message", error.message());
                errors.add(e);
            }
            json.put("recentErrors", errors);
            list.add(json);
        });
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("components", list);
        return root;
    }

    private static List<Map<String, Object>> clients(List<ComfyKit> clients) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ComfyKit client : clients) {
            ComfyKitConfig config = client.config();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("executorType", config.getExecutorType().toString());
            json.put("timeout", config.getTimeout().toString());
            if (!config.getServers().isEmpty()) {
                json.put("dispatch", String.valueOf(config.get(ClientOption.DISPATCH)));
                json.put("maxAttempts", config.getMaxAttempts());
            }
            List<Map<String, Object>> servers = new ArrayList<>();
            for (ServerStatus status : client.servers()) {
                Map<String, Object> server = new LinkedHashMap<>();
                server.put("name", status.name());
                server.put("url", URISupport.sanitizeUri(status.url()));
                server.put("state", status.state().name());
                server.put("queueDepth", status.queueDepth());
                putIfSet(server, "lastError", status.lastError());
                ServerSpec spec = config.getServers().stream().filter(s -> s.name().equals(status.name()))
                        .findFirst().orElse(null);
                server.put("capabilities", capabilities(spec));
                if (spec != null) {
                    server.put("labels", new TreeMap<>(spec.labels()));
                    server.put("maxInFlight", spec.unlimited() ? null : spec.maxInFlight());
                    server.put("weight", spec.weight());
                }
                servers.add(server);
            }
            json.put("servers", servers);
            list.add(json);
        }
        return list;
    }

    /** What a server may run, in one line: its labels, cap and weight (a single server runs everything). */
    private static String capabilities(ServerSpec spec) {
        if (spec == null) {
            return "any workflow (the only server)";
        }
        String labels = spec.labels().isEmpty() ? "no labels" : new TreeMap<>(spec.labels()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        return labels + ", max in flight " + (spec.unlimited() ? "unlimited" : spec.maxInFlight()) + ", weight "
                + spec.weight();
    }

    private static <T> List<T> last(List<T> list, int max) {
        return max <= 0 ? List.of() : list.subList(Math.max(0, list.size() - max), list.size());
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
