package dev.comfykit.client.internal.execution;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.comfyui.QueueSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * Finds out how the server sees a set of waiting prompts. Many prompts: one {@code GET /queue} (or, on a server with
 * the jobs API, {@code GET /api/jobs?status=in_progress,pending}), then the history of each prompt that left the queue. A few (at most {@value #DIRECT}): the history of each directly, and the queue
 * only for those without an entry. A history entry completes the prompt; a prompt that stays absent from both the
 * queue and the history for the grace period is reported lost (the server restarted or the history was cleared).
 * <p>
 * The same mechanism serves the HTTP executor (as its polling) and the WebSocket executor (as its safety net for
 * missed events and its catch-up after a reconnect).
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    /** Up to this many waiting prompts, their history is read directly, without reading the queue first. */
    private static final int DIRECT = 8;
    /** In that mode, how often the queue is read to tell a queued or running prompt from a lost one. */
    private static final long QUEUE_CHECK_NANOS = 500_000_000L;

    private final ComfyUiApi api;
    private final long lostGraceNanos;
    private final LongSupplier clock;
    private final IntConsumer queueDepth;
    private volatile long lastQueueCheck;

    /** @param queueDepth told the server's queue depth each time a round reads the queue */
    Reconciler(ComfyUiApi api, Duration lostGrace, LongSupplier clock, IntConsumer queueDepth) {
        this.api = api;
        this.queueDepth = queueDepth;
        this.lostGraceNanos = lostGrace.toNanos();
        this.clock = clock;
    }

    /** What a history lookup found out. */
    enum Lookup {
        /** The entry exists; the prompt is complete (or failed for good). */
        FOUND,
        /** The server has no entry for the prompt; whether it is queued is not known yet. */
        ABSENT,
        /** No entry yet, and nothing more to check this round (the jobs API said queued, running or missing). */
        WAITING,
        /** Nothing was learned: the request failed, or another lookup of the prompt was under way. */
        UNKNOWN
    }

    /** Reads the history of one prompt and completes it when the entry exists; a failed request is UNKNOWN. */
    CompletableFuture<Lookup> fetchHistory(PendingPrompt prompt) {
        return lookUp(prompt).exceptionally(error -> {
            LOG.debug("[{}] reading the history failed, will retry: {}", prompt.promptId(), error.toString());
            return Lookup.UNKNOWN;
        });
    }

    /**
     * As {@link #fetchHistory}, but the future fails when the request fails. A server that has the jobs API is asked
     * {@code GET /api/jobs/{id}} (one answer says queued, running, finished with the result, or unknown); an older
     * one {@code GET /history/{id}}. An answer larger than the client reads fails the prompt at once: asking again
     * would download the same excess on every round.
     */
    private CompletableFuture<Lookup> lookUp(PendingPrompt prompt) {
        if (prompt.isDone() || !prompt.tryStartFetch()) {
            return CompletableFuture.completedFuture(Lookup.UNKNOWN);
        }
        CompletableFuture<Lookup> lookup;
        try {
            lookup = api.protocol().jobsApi().thenCompose(jobs -> jobs ? viaJob(prompt) : viaHistory(prompt));
        } catch (RuntimeException e) {
            lookup = CompletableFuture.failedFuture(e);
        }
        return lookup.handle((result, error) -> {
            prompt.endFetch();
            if (error != null) {
                if (Failures.tooLarge(error)) {
                    failTooLarge(prompt, error);
                    return Lookup.FOUND;
                }
                throw error instanceof CompletionException completion ? completion : new CompletionException(error);
            }
            return result;
        });
    }

    private CompletableFuture<Lookup> viaHistory(PendingPrompt prompt) {
        return api.history(prompt.promptId()).thenApply(entry -> {
            if (entry == null) {
                return Lookup.ABSENT;
            }
            prompt.outcome().complete(PromptOutcome.finished(entry));
            return Lookup.FOUND;
        });
    }

    private CompletableFuture<Lookup> viaJob(PendingPrompt prompt) {
        return api.job(prompt.promptId()).thenApply(job -> {
            if (job == null) {
                // neither queued, running nor in the history: the same answer as an absent entry plus a queue read
                if (!prompt.isDone()) {
                    checkLost(prompt);
                }
                return Lookup.WAITING;
            }
            if (job.finished()) {
                prompt.outcome().complete(PromptOutcome.finished(job.entry()));
                return Lookup.FOUND;
            }
            prompt.seen();
            if (job.running()) {
                prompt.started();
            }
            return Lookup.WAITING;
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
        if (prompts.size() <= DIRECT) {
            return direct(prompts);
        }
        lastQueueCheck = clock.getAsLong();
        return api.queueIds().handle((queue, error) -> {
            if (error != null && Failures.tooLarge(error)) {
                // the queue cannot be read within the limit, now or next round: the prompts cannot be tracked
                prompts.forEach(prompt -> failTooLarge(prompt, error));
                return CompletableFuture.completedFuture(true);
            }
            if (error != null) {
                return CompletableFuture.<Boolean>failedFuture(error);
            }
            queueDepth.accept(queue.running().size() + queue.pending().size());
            return checkAbsent(prompts, queue);
        }).thenCompose(round -> round);
    }

    /**
     * Few prompts: one {@code GET /history/{id}} (or {@code /api/jobs/{id}}) each says whether it finished, without
     * the {@code GET /queue} round trip before it (on a short job that round trip is a large share of the latency
     * the client adds). The queue is read (at most twice a second) only for prompts without a history entry, to tell
     * a prompt that is still queued or running from one the server lost; the jobs API answers that in the same
     * request. The round fails, as with the queue, when a lookup fails.
     */
    private CompletableFuture<Boolean> direct(List<PendingPrompt> prompts) {
        List<PendingPrompt> waiting = new ArrayList<>();
        List<CompletableFuture<Lookup>> lookups = new ArrayList<>();
        for (PendingPrompt prompt : prompts) {
            if (!prompt.isDone()) {
                waiting.add(prompt);
                lookups.add(lookUp(prompt));
            }
        }
        return CompletableFuture.allOf(lookups.toArray(new CompletableFuture[0])).thenCompose(v -> {
            boolean found = false;
            List<PendingPrompt> absent = new ArrayList<>();
            for (int i = 0; i < waiting.size(); i++) {
                Lookup lookup = lookups.get(i).join();
                found |= lookup == Lookup.FOUND;
                if (lookup == Lookup.ABSENT && !waiting.get(i).isDone()) {
                    absent.add(waiting.get(i));
                }
            }
            long now = clock.getAsLong();
            if (absent.isEmpty() || now - lastQueueCheck < QUEUE_CHECK_NANOS) {
                return CompletableFuture.completedFuture(found);
            }
            lastQueueCheck = now;
            boolean foundBefore = found;
            return api.queue().handle((queue, error) -> {
                if (error != null) {
                    if (Failures.tooLarge(error)) {
                        absent.forEach(prompt -> failTooLarge(prompt, error));
                        return true;
                    }
                    throw error instanceof CompletionException completion ? completion
                            : new CompletionException(error);
                }
                queueDepth.accept(queue.running().size() + queue.pending().size());
                // their history was just read: no need to read it again, as checkAbsent does
                for (PendingPrompt prompt : absent) {
                    if (queue.contains(prompt.promptId())) {
                        seen(prompt, queue);
                    } else if (!prompt.isDone()) {
                        checkLost(prompt);
                    }
                }
                return foundBefore;
            });
        });
    }

    private void failTooLarge(PendingPrompt prompt, Throwable error) {
        if (prompt.isDone()) {
            return;
        }
        LOG.warn("[{}] failed: {}", prompt.promptId(), Failures.message(error));
        prompt.outcome().complete(PromptOutcome.failed(Failures.toError(error, api.transport().baseUrl(),
                "waiting for prompt " + prompt.promptId())));
    }

    private CompletableFuture<Boolean> checkAbsent(List<PendingPrompt> prompts, QueueSnapshot queue) {
        List<CompletableFuture<Boolean>> fetches = new ArrayList<>();
        for (PendingPrompt prompt : prompts) {
            if (prompt.isDone()) {
                continue;
            }
            if (queue.contains(prompt.promptId())) {
                seen(prompt, queue);
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

    /** The queue holds the prompt: it is not lost, and it started when it is among the running ones. */
    private static void seen(PendingPrompt prompt, QueueSnapshot queue) {
        prompt.seen();
        if (queue.running().contains(prompt.promptId())) {
            prompt.started();
        }
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
