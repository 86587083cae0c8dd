package dev.comfykit.camel.observe;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.InvalidWorkflowException;
import dev.comfykit.client.ServerStatus;

import java.util.List;

/** The names that tag meters, console lines and spans: short, bounded and free of credentials. */
public final class Names {

    /** The server tag of executions on RunningHub. */
    public static final String RUNNINGHUB = "runninghub";
    /** The tag value when a value is not known (e.g. which member of a pool ran a prompt). */
    public static final String UNKNOWN = "unknown";

    private Names() {
    }

    /**
     * The short name of a workflow for a tag: the last path segment of a file, classpath resource or URL without its
     * {@code .json} extension, query or fragment (so a URL's token never becomes a tag); a RunningHub id as it is.
     * Workflows chosen per message by header add one tag value each: keep their number bounded.
     */
    public static String workflow(String workflow) {
        if (workflow == null || workflow.isBlank()) {
            return null;
        }
        String name = workflow.strip();
        int cut = indexOfAny(name, '?', '#');
        if (cut >= 0) {
            name = name.substring(0, cut);
        }
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        if (slash >= 0) {
            name = name.substring(slash + 1);
        }
        int colon = name.lastIndexOf(':');
        if (colon >= 0 && !name.startsWith("runninghub:")) {
            name = name.substring(colon + 1);
        }
        if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
            name = name.substring(0, name.length() - ".json".length());
        }
        return name.isEmpty() ? UNKNOWN : name;
    }

    private static int indexOfAny(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    /**
     * The name of the server that ran an execution, or {@code null} when it cannot be known: RunningHub's
     * executions are {@value #RUNNINGHUB}; a client of one ComfyUI server names that server. A pool does not tell
     * which member ran a prompt yet; when {@link ExecuteResult} names its server, read it here (the one place
     * meters, headers and spans take it from).
     */
    public static String server(ComfyKit client, boolean runningHub, ExecuteResult result) {
        if (runningHub) {
            return RUNNINGHUB;
        }
        if (result != null && result.getServer() != null) {
            return result.getServer();
        }
        List<ServerStatus> servers = client.servers();
        return servers.size() == 1 ? servers.get(0).name() : null;
    }

    /** Whether an exception means that the workflow or params do not fit (nothing was submitted). */
    public static boolean isInvalidInput(Throwable exception) {
        return exception instanceof InvalidWorkflowException || exception instanceof InvalidParameterException;
    }
}
