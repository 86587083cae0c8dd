package dev.comfykit.camel.support;

import dev.comfykit.camel.ComfyKitOperation;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the path of a {@code comfykit:} URI names: a workflow ({@code comfykit:workflows/t2i.json}), an operation
 * that needs none ({@code comfykit:await}, {@code comfykit:cancel}), the jobs consumer ({@code comfykit:jobs}) or the
 * events consumer ({@code comfykit:events}) or the webhook consumer ({@code comfykit:webhook}).
 * <p>
 * The rule: a path that is exactly (case included) one of the words {@code await} or {@code cancel} is that
 * operation; {@code jobs} is the jobs consumer ({@code from("comfykit:jobs")}, finished jobs of a job store);
 * {@code events} is the events consumer; {@code webhook} the webhook consumer (RunningHub task ends); none takes an {@code operation} option. Any other path is a workflow, as
 * before. A workflow file named like one of these words is written {@code ./await}. An {@code operation} option on
 * the same URI that names another operation conflicts with the path and is rejected.
 *
 * @param workflow  the workflow, or null when the path names an operation (or is empty)
 * @param operation the operation the path names, or null when it names a workflow
 * @param jobs      whether the path is {@code jobs}, the jobs consumer
 * @param events    whether the path is {@code events}: the events consumer ({@code from("comfykit:events")})
 * @param webhook   whether the path is {@code webhook}: the webhook consumer ({@code from("comfykit:webhook")})
 */
public record EndpointPath(String workflow, ComfyKitOperation operation, boolean jobs, boolean events,
                           boolean webhook) {

    /** The path of the jobs consumer. */
    public static final String JOBS = "jobs";

    /** The path of the events consumer. */
    public static final String EVENTS = "events";

    /** The path of the webhook consumer. */
    public static final String WEBHOOK = "webhook";

    public EndpointPath(String workflow, ComfyKitOperation operation) {
        this(workflow, operation, false, false, false);
    }

    public EndpointPath(String workflow, ComfyKitOperation operation, boolean jobs, boolean events) {
        this(workflow, operation, jobs, events, false);
    }

    /** The operations a path may name: those that work on a prompt id and need no workflow. */
    public static final Set<ComfyKitOperation> PATH_OPERATIONS = Collections.unmodifiableSet(
            EnumSet.of(ComfyKitOperation.await, ComfyKitOperation.cancel));

    /**
     * Reads a path.
     *
     * @param path            the URI's path (Camel's "remaining"), may be null or empty
     * @param operationOption the URI's {@code operation} option as written, or null when it has none
     * @throws IllegalArgumentException for a consumer word with an operation option, or an operation option that
     *                                  conflicts with the path
     */
    public static EndpointPath parse(String path, Object operationOption) {
        if (JOBS.equals(path)) {
            if (operationOption != null) {
                throw new IllegalArgumentException("comfykit:jobs is the jobs consumer (from(\"comfykit:jobs\")), which"
                        + " takes no operation option: remove operation=" + operationOption + ", or write"
                        + " comfykit:./jobs for a workflow file named jobs");
            }
            return new EndpointPath(null, null, true, false);
        }
        if (EVENTS.equals(path)) {
            if (operationOption != null) {
                throw new IllegalArgumentException("comfykit:events is the events consumer (from(\"comfykit:events\"))"
                        + " and takes no operation option (operation=" + operationOption + "): remove it, or write"
                        + " comfykit:./events for a workflow file named events");
            }
            return new EndpointPath(null, null, false, true);
        }
        if (WEBHOOK.equals(path)) {
            if (operationOption != null) {
                throw new IllegalArgumentException("comfykit:webhook is the webhook consumer"
                        + " (from(\"comfykit:webhook\")) and takes no operation option (operation=" + operationOption
                        + "): remove it, or write comfykit:./webhook for a workflow file named webhook");
            }
            return new EndpointPath(null, null, false, false, true);
        }
        ComfyKitOperation operation = PATH_OPERATIONS.stream().filter(o -> o.name().equals(path)).findFirst()
                .orElse(null);
        if (operation == null) {
            return new EndpointPath(path, null);
        }
        if (operationOption != null && !operation.name().equalsIgnoreCase(operationOption.toString().strip())) {
            throw new IllegalArgumentException("comfykit:" + path + " names the " + path + " operation, and the"
                    + " option operation=" + operationOption + " conflicts with it: remove the option, or write"
                    + " comfykit:./" + path + " for a workflow file named " + path);
        }
        return new EndpointPath(null, operation);
    }
}
