package dev.comfykit.client.internal.execution;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP executor: no events; the reconcile loop always polls at its fast cadence. Only while someone subscribes
 * to the server's events ({@code ComfyKit.subscribe}) does it keep a WebSocket, which feeds the subscribers and
 * nothing else; it is opened by the first subscription.
 */
final class PollingTracker implements CompletionTracker {

    private final ComfyUiEventStream events;

    PollingTracker(TrackingContext context, Duration connectTimeout) {
        this.events = new ComfyUiEventStream(context.api().transport(), context.clientId(), context.scheduler(),
                context.events()::onText, context.events()::onBinary, context.events()::onReady,
                context.events()::onLost, context.events()::wanted, connectTimeout);
        context.events().attach(events::ready);
    }

    @Override
    public boolean deliversEvents() {
        return false;
    }

    @Override
    public CompletableFuture<Void> beforeSubmit() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean needsFastPolling() {
        return true;
    }

    @Override
    public void close() {
        // the reconcile loop belongs to the engine; the socket (if a subscriber opened one) to this tracker
        events.close();
    }
}
