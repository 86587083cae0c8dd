package dev.comfykit.client;

import dev.comfykit.client.InvalidWorkflowException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a workflow comes from, detected from the text a caller passes to {@code execute}.
 * <p>
 * Detection order: {@code classpath:} resource; {@code http(s)://} URL; the explicit RunningHub forms
 * {@code runninghub:<workflowId>} and {@code runninghub:app:<webappId>}; {@code file:} path; an existing file
 * (which may itself point at RunningHub with {@code "_source": "runninghub"}); an all-digits text is a RunningHub
 * workflow id; anything else is a file path. Existing files are checked before digits, so a file named
 * {@code 2024} is never mistaken for a workflow id.
 */
public final class WorkflowSource {

    /** The kinds of source. */
    public enum Kind {
        FILE, CLASSPATH, URL, RUNNINGHUB_WORKFLOW, RUNNINGHUB_APP
    }

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,20}");
    private static final String RUNNINGHUB_PREFIX = "runninghub:";
    private static final String RUNNINGHUB_APP_PREFIX = "runninghub:app:";

    private final Kind kind;
    private final String location;

    private WorkflowSource(Kind kind, String location) {
        this.kind = kind;
        this.location = location;
    }

    /** A local file. */
    public static WorkflowSource file(Path path) {
        return new WorkflowSource(Kind.FILE, path.toString());
    }

    /**
     * Detects the source a text names.
     *
     * @throws InvalidWorkflowException for an empty text or a malformed RunningHub form
     */
    public static WorkflowSource detect(String text) {
        Objects.requireNonNull(text, "workflow");
        String value = text.trim();
        if (value.isEmpty()) {
            throw new InvalidWorkflowException("The workflow is empty: pass a file path, classpath:resource,"
                    + " an http(s) URL or a RunningHub workflow id.");
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("classpath:")) {
            String resource = value.substring("classpath:".length());
            while (resource.startsWith("/")) {
                resource = resource.substring(1);
            }
            return new WorkflowSource(Kind.CLASSPATH, resource);
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return new WorkflowSource(Kind.URL, value);
        }
        if (lower.startsWith(RUNNINGHUB_APP_PREFIX)) {
            return new WorkflowSource(Kind.RUNNINGHUB_APP, runningHubId(value, RUNNINGHUB_APP_PREFIX.length(),
                    "runninghub:app:<webappId>"));
        }
        if (lower.startsWith(RUNNINGHUB_PREFIX)) {
            return new WorkflowSource(Kind.RUNNINGHUB_WORKFLOW, runningHubId(value, RUNNINGHUB_PREFIX.length(),
                    "runninghub:<workflowId>"));
        }
        if (lower.startsWith("file:")) {
            String path = value.substring("file:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
            return new WorkflowSource(Kind.FILE, path);
        }
        // only a name of digits could be either; anything else is a file, checked when it is read
        if (DIGITS.matcher(value).matches() && !isExistingFile(value)) {
            return new WorkflowSource(Kind.RUNNINGHUB_WORKFLOW, value);
        }
        return new WorkflowSource(Kind.FILE, value);
    }

    private static String runningHubId(String value, int from, String form) {
        String id = value.substring(from).trim();
        if (!DIGITS.matcher(id).matches()) {
            throw new InvalidWorkflowException("'" + value + "' is not a RunningHub source: expected " + form
                    + " with a numeric id, e.g. runninghub:1987654321098765432.");
        }
        return id;
    }

    private static boolean isExistingFile(String value) {
        try {
            return Files.isRegularFile(Path.of(value));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The path, resource name, URL or id. */
    public String location() {
        return location;
    }

    /** Whether the workflow is read from the class path or the local disk (no network involved to load it). */
    public boolean isLocal() {
        return kind == Kind.FILE || kind == Kind.CLASSPATH;
    }

    /** Whether the workflow runs on RunningHub. */
    public boolean isRunningHub() {
        return kind == Kind.RUNNINGHUB_WORKFLOW || kind == Kind.RUNNINGHUB_APP;
    }

    /** How the source is named in messages. */
    public String describe() {
        switch (kind) {
            case CLASSPATH:
                return "classpath:" + location;
            case RUNNINGHUB_WORKFLOW:
                return "RunningHub workflow " + location;
            case RUNNINGHUB_APP:
                return "RunningHub AI app " + location;
            case URL:
                // descriptions go into messages and logs: never with the URL's credentials
                return dev.comfykit.client.internal.http.UrlRedactor.redact(location);
            default:
                return location;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkflowSource && ((WorkflowSource) o).kind == kind
                && ((WorkflowSource) o).location.equals(location);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, location);
    }

    @Override
    public String toString() {
        return kind + ":" + (kind == Kind.URL ? dev.comfykit.client.internal.http.UrlRedactor.redact(location) : location);
    }
}
