package dev.comfykit.client.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.ParamSource;
import dev.comfykit.client.Priority;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.pool.LabelSelector;

import java.time.Duration;
import java.util.Objects;

/**
 * One prompt to run on a {@link Backend}: a loaded workflow and the caller's params, not yet bound.
 * <p>
 * Either a <em>graph</em> request (an API-format ComfyUI workflow with its parsed schema, run by a ComfyUI server) or
 * a <em>RunningHub</em> request (only a {@link #source()} of kind {@code RUNNINGHUB_WORKFLOW} or
 * {@code RUNNINGHUB_APP}; RunningHub holds the workflow). Params are bound by the backend that runs the prompt,
 * because binding media means uploading it to that backend's server; so a request can be handed to any member of a
 * pool, or stored and run later.
 *
 * @param source     where the workflow came from; {@code null} for an in-memory workflow. For a RunningHub request,
 *                   the RunningHub workflow or AI app (also when a {@code "_source": "runninghub"} file pointed at it)
 * @param origin     how the workflow is named in messages (a path, {@code classpath:} name, redacted URL or
 *                   {@code inline JSON})
 * @param graph      the API-format workflow, or {@code null} for RunningHub. Shared and read-only: a backend binds
 *                   params to a copy and never changes it
 * @param schema     the params and outputs the graph's titles declare, or {@code null} for RunningHub
 * @param params     chooses the param values once the declared params are known
 * @param startNanos when the execution started ({@link System#nanoTime()} of this JVM), before the workflow was
 *                   loaded: the time limit counts from here
 * @param timeout    the time limit of the whole execution; a backend with a limit of its own (RunningHub's
 *                   {@code runninghubTimeout}) applies that instead
 * @param jobId      the durable job the prompt belongs to (set by the client when a job store is configured, so
 *                   that the backend records the prompt before submitting it), or {@code null}
 * @param serverLabels which servers of a pool may run this prompt, as a label selector ({@code gpu=a100,vram=48},
 *                   or a bare key: the label present, any value), or {@code null} for any server. It narrows the
 *                   client's own {@code serverLabels}: a server must match both. A pool fails the prompt
 *                   ({@code VALIDATION}) when none of its servers matches; a backend of one ComfyUI server fails it
 *                   unless the selector is empty, as that server carries no labels. RunningHub ignores it. Stored in
 *                   its normal form ({@code gpu=a100,vram}), so equal selectors are equal text
 * @param priority   where the prompt goes in a ComfyUI server's queue, or {@code null} for the client's
 *                   {@code priority} option; RunningHub ignores it
 */
public record PromptRequest(WorkflowSource source, String origin, ObjectNode graph, WorkflowSchema schema,
                            ParamSource params, long startNanos, Duration timeout, String jobId,
                            String serverLabels, Priority priority) {

    /**
     * @throws IllegalArgumentException for a selector that cannot be read (an empty key, a key asked for twice with
     *                                  different values)
     */
    public PromptRequest {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(timeout, "timeout");
        if (graph == null ? source == null || !source.isRunningHub() : schema == null) {
            throw new IllegalArgumentException("A prompt request needs a graph and its schema, or a RunningHub source");
        }
        LabelSelector selector = LabelSelector.parse(serverLabels);
        serverLabels = selector.isAny() ? null : selector.toString();
    }

    /** A request that belongs to no durable job, for any server (no label selector of its own). */
    public PromptRequest(WorkflowSource source, String origin, ObjectNode graph, WorkflowSchema schema,
                         ParamSource params, long startNanos, Duration timeout) {
        this(source, origin, graph, schema, params, startNanos, timeout, null, null, null);
    }

    /** This request as part of a durable job. */
    public PromptRequest withJobId(String job) {
        return new PromptRequest(source, origin, graph, schema, params, startNanos, timeout, job, serverLabels,
                priority);
    }

    /** A request for an API-format workflow. */
    public static PromptRequest ofGraph(WorkflowSource source, String origin, ObjectNode graph, WorkflowSchema schema,
                                        ParamSource params, long startNanos, Duration timeout) {
        return new PromptRequest(source, origin, Objects.requireNonNull(graph, "graph"),
                Objects.requireNonNull(schema, "schema"), params, startNanos, timeout);
    }

    /** A request for a RunningHub workflow or AI app. */
    public static PromptRequest ofRunningHub(WorkflowSource target, ParamSource params, long startNanos,
                                             Duration timeout) {
        return new PromptRequest(target, target.describe(), null, null, params, startNanos, timeout);
    }

    /**
     * This request, to run only on servers that also match the given label selector ({@code null} or blank: any
     * server the client uses).
     *
     * @throws IllegalArgumentException for a selector that cannot be read
     */
    public PromptRequest withServerLabels(String selector) {
        return new PromptRequest(source, origin, graph, schema, params, startNanos, timeout, jobId, selector, priority);
    }

    /** This request with another queue priority ({@code null}: the client's {@code priority} option). */
    public PromptRequest withPriority(Priority newPriority) {
        return new PromptRequest(source, origin, graph, schema, params, startNanos, timeout, jobId, serverLabels,
                newPriority);
    }

    /** Whether RunningHub holds the workflow (then {@link #graph()} and {@link #schema()} are {@code null}). */
    public boolean isRunningHub() {
        return graph == null;
    }
}
