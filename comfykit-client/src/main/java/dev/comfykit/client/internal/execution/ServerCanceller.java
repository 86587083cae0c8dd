package dev.comfykit.client.internal.execution;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.comfyui.JobState;
import dev.comfykit.client.internal.http.UnexpectedResponseException;

import java.util.concurrent.CompletableFuture;

/**
 * Cancels one prompt on the server: removes it from the queue when pending, interrupts it when running, and never
 * touches another prompt (on a shared server the running one may be another client's).
 * <ul>
 *   <li>ComfyUI 0.33+ ({@code POST /api/jobs/{id}/cancel}): the server decides atomically; its state before
 *       ({@code GET /api/jobs/{id}}) tells an interrupt from a removal.</li>
 *   <li>ComfyUI 0.5.1+ without that endpoint: the job's state, then {@code POST /queue {"delete"}} or
 *       {@code POST /interrupt {"prompt_id"}} (targeted since 0.3.56, so the server itself checks that the prompt
 *       runs).</li>
 *   <li>Older servers: the queue is read first, and {@code /interrupt} is sent only when this prompt is the running
 *       one, because servers before v0.3.56 ignore the prompt id and interrupt whatever runs. A prompt removed from
 *       the queue is looked for again, in case it started meanwhile.</li>
 * </ul>
 * The one gap left is a server older than v0.3.56 whose running prompt ends between the queue read and the
 * interrupt: the next prompt would be interrupted. Servers since v0.3.56 (September 2025) close it.
 */
final class ServerCanceller {

    private static final int ROUNDS = 3;

    private final ComfyUiApi api;

    ServerCanceller(ComfyUiApi api) {
        this.api = api;
    }

    CompletableFuture<CancelOutcome> cancel(String promptId) {
        return api.protocol().jobsApi().thenCompose(jobs -> jobs ? viaJobs(promptId, ROUNDS, CancelOutcome.NOT_FOUND)
                : round(promptId, ROUNDS, CancelOutcome.NOT_FOUND));
    }

    private CompletableFuture<CancelOutcome> viaJobs(String promptId, int left, CancelOutcome sofar) {
        if (left == 0) {
            return CompletableFuture.completedFuture(sofar);
        }
        return api.job(promptId).thenCompose(job -> {
            if (job == null || !(job.pending() || job.running())) {
                return CompletableFuture.completedFuture(sofar);
            }
            if (api.protocol().mayHaveCancelEndpoint()) {
                return api.cancelJob(promptId).handle((cancelled, error) -> {
                    if (error == null) {
                        api.protocol().cancelEndpointAnswered();
                        return CompletableFuture.completedFuture(!cancelled ? sofar
                                : job.running() ? CancelOutcome.INTERRUPTED : CancelOutcome.REMOVED_FROM_QUEUE);
                    }
                    if (isMissingRoute(error)) {
                        api.protocol().cancelEndpointMissing();
                        return byQueueAndInterrupt(promptId, job, left, sofar);
                    }
                    return CompletableFuture.<CancelOutcome>failedFuture(error);
                }).thenCompose(outcome -> outcome);
            }
            return byQueueAndInterrupt(promptId, job, left, sofar);
        });
    }

    private CompletableFuture<CancelOutcome> byQueueAndInterrupt(String promptId, JobState job, int left,
                                                                 CancelOutcome sofar) {
        if (job.running()) {
            // a server with the jobs API has the targeted interrupt: it interrupts only if this prompt runs
            return api.interrupt(promptId).thenApply(v -> CancelOutcome.INTERRUPTED);
        }
        return api.deleteFromQueue(promptId)
                .thenCompose(v -> viaJobs(promptId, left - 1, CancelOutcome.REMOVED_FROM_QUEUE));
    }

    private static boolean isMissingRoute(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        return cause instanceof UnexpectedResponseException unexpected
                && (unexpected.status() == 404 || unexpected.status() == 405);
    }

    private CompletableFuture<CancelOutcome> round(String promptId, int left, CancelOutcome sofar) {
        if (left == 0) {
            return CompletableFuture.completedFuture(sofar);
        }
        return api.queue().thenCompose(queue -> {
            if (queue.running().contains(promptId)) {
                return api.interrupt(promptId).thenApply(v -> CancelOutcome.INTERRUPTED);
            }
            if (queue.pending().contains(promptId)) {
                return api.deleteFromQueue(promptId)
                        .thenCompose(v -> round(promptId, left - 1, CancelOutcome.REMOVED_FROM_QUEUE));
            }
            return CompletableFuture.completedFuture(sofar);
        });
    }
}
