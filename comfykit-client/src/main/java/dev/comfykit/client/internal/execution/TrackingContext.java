package dev.comfykit.client.internal.execution;

import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.events.ServerEvents;
import dev.comfykit.client.internal.pool.ServerHealth;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a {@link CompletionTracker} works with: the engine's server, client id and shared state.
 *
 * @param completions where a result built from events is completed, off the socket's listener thread
 * @param health      where a lost or regained socket is reported
 * @param events      the server's typed events: fed with every frame, keeps the socket wanted while subscribed
 */
record TrackingContext(ComfyUiApi api, String clientId, ScheduledExecutorService scheduler, PromptRegistry registry,
                       Reconciler reconciler, ReconcileLoop loop, Executor completions,
                       ServerHealth health, ServerEvents events) {
}
