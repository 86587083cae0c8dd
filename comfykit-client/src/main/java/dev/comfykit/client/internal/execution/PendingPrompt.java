package dev.comfykit.client.internal.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.internal.comfyui.ComfyUiEvent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A prompt the client waits for. Completion can be signalled by a WebSocket event or found by a reconciliation
 * poll; whichever comes first completes {@link #outcome()}, the other is a no-op.
 */
final class PendingPrompt {

    private final String promptId;
    private final long registeredNanos;
    private final boolean eventsExpected;
    private final CompletableFuture<PromptOutcome> outcome = new CompletableFuture<>();
    private final AtomicBoolean fetching = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Runnable onStart;
    private volatile boolean acknowledged;
    private volatile long missingSinceNanos = -1;
    private volatile EventHistory events;
    private volatile boolean submittedHere;

    /**
     * @param eventsExpected whether the prompt was submitted with this client's WebSocket client id, so that its
     *                       events arrive on the shared socket
     */
    PendingPrompt(String promptId, long registeredNanos, boolean eventsExpected) {
        this.promptId = promptId;
        this.registeredNanos = registeredNanos;
        this.eventsExpected = eventsExpected;
    }

    String promptId() {
        return promptId;
    }

    long registeredNanos() {
        return registeredNanos;
    }

    boolean eventsExpected() {
        return eventsExpected;
    }

    CompletableFuture<PromptOutcome> outcome() {
        return outcome;
    }

    boolean isDone() {
        return outcome.isDone();
    }

    /** The server accepted the prompt, so it is in the queue or history from now on. */
    void acknowledge() {
        acknowledged = true;
    }

    boolean acknowledged() {
        return acknowledged;
    }

    /** Marks the prompt as one this client submitted (not one it only awaits), so closing may cancel it. */
    void submittedHere() {
        submittedHere = true;
    }

    boolean isSubmittedHere() {
        return submittedHere;
    }

    /**
     * The server started executing the prompt (an event of it arrived, or a poll found it running): tells the
     * {@link #onStart} hook once, on the calling thread, which must not block it.
     */
    void started() {
        if (started.compareAndSet(false, true)) {
            Runnable hook = onStart;
            if (hook != null) {
                hook.run();
            }
        }
    }

    /** Sets what to tell once the prompt starts (at once, if it started already). */
    void onStart(Runnable hook) {
        onStart = hook;
        if (started.get()) {
            hook.run();
        }
    }

    Runnable onStartHook() {
        return onStart;
    }

    /** Claims the right to fetch the history entry; one fetch at a time. */
    boolean tryStartFetch() {
        return fetching.compareAndSet(false, true);
    }

    void endFetch() {
        fetching.set(false);
    }

    /** Records that the server knew the prompt (queued or running). */
    void seen() {
        missingSinceNanos = -1;
    }

    /** Records that the server did not know the prompt; returns since when it has been missing. */
    long missing(long nowNanos) {
        if (missingSinceNanos < 0) {
            missingSinceNanos = nowNanos;
        }
        return missingSinceNanos;
    }

    /**
     * Collects one of the prompt's WebSocket events (called by the one socket's listener, in order); only for a
     * prompt submitted with this client's id, whose events all come to its socket.
     */
    void collect(ComfyUiEvent event) {
        if (eventsExpected) {
            events = EventHistory.collect(events, event);
        }
    }

    /** The history entry built from the prompt's events, or {@code null} when they were not all seen. */
    JsonNode entryFromEvents() {
        EventHistory collected = events;
        return collected == null ? null : collected.entry();
    }

    /** The socket was lost: events may have been missed, so the history will be read instead. */
    void forgetEvents() {
        events = null;
    }

    @Override
    public String toString() {
        return "PendingPrompt[" + promptId + (acknowledged ? ", acknowledged" : "") + (isDone() ? ", done" : "") + "]";
    }
}
