package dev.comfykit.client.internal.execution;

import java.util.concurrent.CompletableFuture;

/** The HTTP executor: no events; the reconcile loop always polls at its fast cadence. */
final class PollingTracker implements CompletionTracker {

    static final PollingTracker INSTANCE = new PollingTracker();

    private PollingTracker() {
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
        // nothing to release: the reconcile loop belongs to the engine
    }
}
