package dev.comfykit.client.internal.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.internal.comfyui.ComfyUiEvent;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The WebSocket executor: one socket shared by every prompt of the engine. A prompt finishes on its
 * {@code executing(node=null)} event, with the result assembled from its events when all of them arrived
 * ({@link EventHistory}) or read from the history otherwise. Events may be missed while no socket is connected, so
 * then the prompts' results come from the history and the reconcile loop polls fast.
 */
final class WebSocketTracker implements CompletionTracker {

    private final TrackingContext context;
    private final ComfyUiEventStream events;

    WebSocketTracker(TrackingContext context, Duration connectTimeout) {
        this.context = context;
        this.events = new ComfyUiEventStream(context.api().transport(), context.clientId(), context.scheduler(),
                this::onEvent, context.events()::onBinary, this::afterReconnect, this::afterSocketLoss,
                () -> !context.registry().isEmpty() || context.events().wanted(), connectTimeout);
        // event subscribers share this socket: subscribing connects it, and keeps it while they listen
        context.events().attach(events::ready);
    }

    @Override
    public boolean deliversEvents() {
        return true;
    }

    @Override
    public CompletableFuture<Void> beforeSubmit() {
        // without a socket the prompt is still awaited, by polling, so a failed connection does not fail it
        return events.ready().exceptionally(e -> null);
    }

    @Override
    public boolean needsFastPolling() {
        return !events.isReady() || context.registry().anyWithoutEvents();
    }

    private void onEvent(ComfyUiEvent event) {
        context.events().onText(event);
        if ("status".equals(event.type())) {
            // ComfyUI broadcasts its queue on every change: the live depth a pool's dispatch reads
            JsonNode remaining = event.data().path("status").path("exec_info").path("queue_remaining");
            if (remaining.isInt()) {
                context.health().recordQueueDepth(remaining.intValue());
            }
            return;
        }
        String promptId = event.promptId();
        PendingPrompt pending = promptId == null ? null : context.registry().get(promptId);
        if (pending == null || pending.isDone()) {
            return;
        }
        if (!event.isPromptFinished()) {
            pending.collect(event);
            // execution_start (or any event of the prompt before its end): the server runs it now
            pending.started();
            return;
        }
        JsonNode entry = pending.entryFromEvents();
        if (entry != null) {
            PromptOutcome outcome = PromptOutcome.finished(entry);
            context.completions().execute(() -> pending.outcome().complete(outcome));
            return;
        }
        context.reconciler().fetchHistory(pending).thenAccept(lookup -> {
            if (lookup != Reconciler.Lookup.FOUND && !pending.isDone()) {
                context.loop().wake();
            }
        });
    }

    private void afterReconnect() {
        context.health().recordSuccess();
        context.events().onReady();
        forgetEvents();
        context.loop().wake();
    }

    private void afterSocketLoss(String why) {
        // one lost socket is a suspicion, not a verdict: the health probes the server before calling it down
        context.health().recordFailure(new IOException("the WebSocket closed"));
        context.events().onLost(why);
        forgetEvents();
        if (!context.registry().isEmpty()) {
            context.loop().wake();
        }
    }

    /** Events may have been missed while no socket was connected: those prompts' results come from the history. */
    private void forgetEvents() {
        context.registry().all().forEach(PendingPrompt::forgetEvents);
    }

    @Override
    public void close() {
        events.close();
    }
}
