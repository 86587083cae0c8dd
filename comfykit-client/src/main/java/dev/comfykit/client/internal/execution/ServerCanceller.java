package dev.comfykit.client.internal.execution;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;

import java.util.concurrent.CompletableFuture;

/**
 * Cancels a prompt on the server: removes it from the queue when pending, interrupts it when running.
 * <p>
 * The queue is read first because servers older than v0.3.56 ignore the prompt id of {@code /interrupt} and would
 * interrupt someone else's prompt; and it is read again after a removal, in case the prompt started meanwhile.
 */
final class ServerCanceller {

    private static final int ROUNDS = 3;

    private final ComfyUiApi api;

    ServerCanceller(ComfyUiApi api) {
        this.api = api;
    }

    CompletableFuture<CancelOutcome> cancel(String promptId) {
        return round(promptId, ROUNDS, CancelOutcome.NOT_FOUND);
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
