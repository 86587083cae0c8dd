package dev.comfykit.client.internal.execution;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How an {@link ExecutionEngine} learns that its prompts finished: a strategy chosen once, where the client is built
 * ({@link #polling(Duration)} for the HTTP executor, {@link #webSocket(Duration)} for the WebSocket executor). Either way the
 * engine's reconcile loop reads the queue and history; the tracker only tells it how fast it must go and may finish
 * prompts sooner from events. The execution code never asks which one it has.
 */
public interface CompletionTracker extends AutoCloseable {

    /** Creates a tracker for one engine, over the engine's shared state. */
    @FunctionalInterface
    interface Factory {
        CompletionTracker start(TrackingContext context);
    }

    /**
     * Polls over HTTP: every finish is found by the reconcile loop, at its fast cadence. A WebSocket is opened only
     * for event subscribers.
     */
    static Factory polling(Duration connectTimeout) {
        return context -> new PollingTracker(context, connectTimeout);
    }

    /**
     * Listens on one WebSocket shared by all prompts, finishing them from their events; the reconcile loop runs as
     * a slow safety net while the socket is healthy and polls fast while it is not.
     */
    static Factory webSocket(Duration connectTimeout) {
        return context -> new WebSocketTracker(context, connectTimeout);
    }

    /** Whether the prompts' events are expected to arrive (so a result may be assembled from them). */
    boolean deliversEvents();

    /** Completes when a prompt may be submitted without missing its events; never fails. */
    CompletableFuture<Void> beforeSubmit();

    /** Whether the reconcile loop must poll at its fast cadence now (otherwise it is only the safety net). */
    boolean needsFastPolling();

    @Override
    void close();
}
