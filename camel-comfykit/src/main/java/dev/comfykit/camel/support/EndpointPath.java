package dev.comfykit.camel.support;

import dev.comfykit.camel.ComfyKitOperation;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the path of a {@code comfykit:} URI names: a workflow ({@code comfykit:workflows/t2i.json}), an operation
 * that needs none ({@code comfykit:await}, {@code comfykit:cancel}), or the events consumer ({@code comfykit:events}).
 * <p>
 * The rule: a path that is exactly (case included) one of the words {@code await} or {@code cancel} is that
 * operation; {@code events} is the events consumer (with no {@code operation} option); {@code jobs} is reserved for
 * a consumer to come and rejected for now; any other path is a workflow, as before. A workflow file named like one of these words is written {@code ./await}. An
 * {@code operation} option on the same URI that names another operation conflicts with the path and is rejected.
 *
 * @param workflow  the workflow, or null when the path names an operation (or is empty)
 * @param operation the operation the path names, or null when it names a workflow
 * @param events    whether the path is {@code events}: the events consumer ({@code from("comfykit:events")})
 */
public record EndpointPath(String workflow, ComfyKitOperation operation, boolean events) {

    /** The path of the events consumer. */
    public static final String EVENTS = "events";

    /** The operations a path may name: those that work on a prompt id and need no workflow. */
    public static final Set<ComfyKitOperation> PATH_OPERATIONS = Collections.unmodifiableSet(
            EnumSet.of(ComfyKitOperation.await, ComfyKitOperation.cancel));

    /** Path words kept for the consumers to come (issue 18), so that they never mean a workflow. */
    public static final Set<String> RESERVED = Set.of("jobs");

    /**
     * Reads a path.
     *
     * @param path            the URI's path (Camel's "remaining"), may be null or empty
     * @param operationOption the URI's {@code operation} option as written, or null when it has none
     * @throws IllegalArgumentException for a reserved word, or an operation option that conflicts with the path
     */
    public static EndpointPath parse(String path, Object operationOption) {
        if (EVENTS.equals(path)) {
            if (operationOption != null) {
                throw new IllegalArgumentException("comfykit:events is the events consumer (from(\"comfykit:events\"))"
                        + " and takes no operation option (operation=" + operationOption + "): remove it, or write"
                        + " comfykit:./events for a workflow file named events");
            }
            return new EndpointPath(null, null, true);
        }
        if (path != null && RESERVED.contains(path)) {
            throw new IllegalArgumentException("comfykit:" + path + " is reserved for the " + path
                    + " consumer, which is not available yet. Supported are comfykit:<workflow> (with the operation"
                    + " option execute, submit or describe) and " + pathOperations() + "; for a workflow file named "
                    + path + " write comfykit:./" + path);
        }
        ComfyKitOperation operation = PATH_OPERATIONS.stream().filter(o -> o.name().equals(path)).findFirst()
                .orElse(null);
        if (operation == null) {
            return new EndpointPath(path, null, false);
        }
        if (operationOption != null && !operation.name().equalsIgnoreCase(operationOption.toString().strip())) {
            throw new IllegalArgumentException("comfykit:" + path + " names the " + path + " operation, and the"
                    + " option operation=" + operationOption + " conflicts with it: remove the option, or write"
                    + " comfykit:./" + path + " for a workflow file named " + path);
        }
        return new EndpointPath(null, operation, false);
    }

    private static String pathOperations() {
        return Arrays.stream(ComfyKitOperation.values()).filter(PATH_OPERATIONS::contains)
                .map(o -> "comfykit:" + o.name()).collect(Collectors.joining(" and "));
    }
}
