package dev.comfykit.client.execution;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.comfyui.ComfyUiApi;
import dev.comfykit.client.comfyui.QueueSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Finds out how the server sees a set of waiting prompts with one {@code GET /queue}, then reads the history of
 * each prompt that left the queue: a history entry completes the prompt; a prompt that stays absent from both the
 * queue and the history for the grace period is reported lost (the server restarted or the history was cleared).
 * <p>
 * The same mechanism serves the HTTP executor (as its polling) and the WebSocket executor (as its safety net for
 * missed events and its catch-up after a reconnect).
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ComfyUiApi api;
    private final long lostGraceNanos;
    private final LongSupplier clock;

    Reconciler(ComfyUiApi api, Duration lostGrace, LongSupplier clock) {
        this.api = api;
        this.lostGraceNanos = lostGrace.toNanos();
        this.clock = clock;
    }

    /** What a history lookup found out. */
    enum Lookup {
        /** The entry exists; the prompt is complete. */
        FOUND,
        /** The server has no entry for the prompt. */
        ABSENT,
        /** Nothing was learned: the request failed, or another lookup of the prompt was under way. */
        UNKNOWN
    }

    /** Reads the history of one prompt and completes it when the entry exists. */
    CompletableFuture<Lookup> fetchHistory(PendingPrompt prompt) {
        if (prompt.isDone() || !prompt.tryStartFetch()) {
            return CompletableFuture.completedFuture(Lookup.UNKNOWN);
        }
        return api.history(prompt.promptId()).handle((entry, error) -> {
            prompt.endFetch();
            if (error != null) {
                LOG.debug("[{}] reading the history failed, will retry: {}", prompt.promptId(), error.toString());
                return Lookup.UNKNOWN;
            }
            if (entry == null) {
                return Lookup.ABSENT;
            }
            prompt.outcome().complete(PromptOutcome.finished(entry));
            return Lookup.FOUND;
        });
    }

    /**
     * One round over the given prompts.
     *
     * @return whether any prompt finished; fails when the queue cannot be read
     */
    CompletableFuture<Boolean> reconcile(List<PendingPrompt> prompts) {
        if (prompts.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return api.queue().thenCompose(queue -> checkAbsent(prompts, queue));
    }

    private CompletableFuture<Boolean> checkAbsent(List<PendingPrompt> prompts, QueueSnapshot queue) {
        List<CompletableFuture<Boolean>> fetches = new ArrayList<>();
        for (PendingPrompt prompt : prompts) {
            if (prompt.isDone()) {
                continue;
            }
            if (queue.contains(prompt.promptId())) {
                prompt.seen();
                continue;
            }
            fetches.add(fetchHistory(prompt).thenApply(lookup -> {
                if (lookup == Lookup.ABSENT && !prompt.isDone()) {
                    checkLost(prompt);
                }
                return lookup == Lookup.FOUND;
            }));
        }
        if (fetches.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return CompletableFuture.allOf(fetches.toArray(new CompletableFuture[0]))
                .thenApply(v -> fetches.stream().anyMatch(CompletableFuture::join));
    }

    private void checkLost(PendingPrompt prompt) {
        long now = clock.getAsLong();
        long since = prompt.missing(now);
        if (now - since >= lostGraceNanos) {
            LOG.warn("[{}] lost: neither queued nor in the history of the server", prompt.promptId());
            prompt.outcome().complete(PromptOutcome.failed(ExecutionError.of(ErrorKind.LOST,
                    "ComfyUI no longer knows prompt " + prompt.promptId() + ": it is neither queued nor in the"
                            + " history (was the server restarted or its history cleared?). Submit it again.")));
        }
    }
}
