package dev.comfykit.client.internal.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.CompletableFuture;

/**
 * What an {@link ExecutionEngine} tells a durable job store about the prompt of a job: implemented by the durable
 * jobs layer ({@code internal.jobs}); without a store the engine is given {@link #NONE} and executions carry no job
 * id, so nothing is called.
 */
public interface PromptJournal {

    /** Records nothing. */
    PromptJournal NONE = new PromptJournal() {
        @Override
        public CompletableFuture<Void> submitting(String jobId, String promptId, ObjectNode graph, String server) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void accepted(String jobId, String promptId) {
        }

        @Override
        public void running(String promptId) {
        }
    };

    /**
     * The prompt is about to be submitted: the returned future completes once the record (prompt id, the bound graph,
     * the server) is stored; the engine submits only then, and fails the execution when it fails.
     */
    CompletableFuture<Void> submitting(String jobId, String promptId, ObjectNode graph, String server);

    /** The server accepted the prompt (it is queued there). */
    void accepted(String jobId, String promptId);

    /**
     * The server started executing a prompt (a WebSocket {@code execution_start}, or the jobs API or {@code /queue}
     * listing it as running). Called for the prompts of jobs and for those awaited by id (a job claimed from another
     * instance), on the socket's or a poll's thread: it must return at once and never block.
     */
    void running(String promptId);

    /**
     * A RunningHub task is about to be created for a job on the site: the returned future completes once the job is
     * recorded (without a task id: RunningHub chooses it); the task is created only then. The default records
     * nothing.
     */
    default CompletableFuture<Void> creatingTask(String jobId, String site) {
        return CompletableFuture.completedFuture(null);
    }

    /** RunningHub created the job's task: its id is recorded (durably, on another thread). */
    default void taskCreated(String jobId, String taskId) {
    }
}
