package dev.comfykit.client.internal.workflow;

import dev.comfykit.client.ParamSource;
import dev.comfykit.client.WorkflowSource;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.spi.PromptRequest;

import java.time.Duration;

/**
 * A loaded workflow: an API-format workflow with its parsed schema, or a reference to a RunningHub workflow or AI
 * app (from a RunningHub id or a {@code "_source": "runninghub"} file).
 */
public final class LoadedWorkflow {

    private final Workflow workflow;
    private final WorkflowSchema schema;
    private final WorkflowSource runningHub;

    private LoadedWorkflow(Workflow workflow, WorkflowSchema schema, WorkflowSource runningHub) {
        this.workflow = workflow;
        this.schema = schema;
        this.runningHub = runningHub;
    }

    static LoadedWorkflow local(Workflow workflow, WorkflowSchema schema) {
        return new LoadedWorkflow(workflow, schema, null);
    }

    static LoadedWorkflow runningHub(WorkflowSource target) {
        return new LoadedWorkflow(null, null, target);
    }

    /** Whether it runs on RunningHub; then {@link #runningHubTarget()} names the workflow or app. */
    public boolean isRunningHub() {
        return runningHub != null;
    }

    /** The RunningHub workflow id or AI app the source points at, or {@code null}. */
    public WorkflowSource runningHubTarget() {
        return runningHub;
    }

    /** The API-format workflow, or {@code null} for RunningHub. */
    public Workflow workflow() {
        return workflow;
    }

    /** The parsed title DSL, or {@code null} for RunningHub. */
    public WorkflowSchema schema() {
        return schema;
    }

    /**
     * The request to run it with these params.
     *
     * @param source where it was loaded from, {@code null} for an in-memory workflow
     */
    public PromptRequest toRequest(WorkflowSource source, ParamSource params, long startNanos, Duration timeout) {
        return isRunningHub() ? PromptRequest.ofRunningHub(runningHub, params, startNanos, timeout)
                : PromptRequest.ofGraph(source, workflow.origin(), workflow.graph(), schema, params, startNanos,
                timeout);
    }
}
