package dev.comfykit.client.webhook;

import dev.comfykit.client.ExecuteResult;

import java.util.function.Consumer;

/**
 * Where an HTTP endpoint hands RunningHub's webhook calls ({@code POST webhookUrl?token=...}) to the client, from
 * {@link dev.comfykit.client.ComfyKit#webhooks()}. The receiver checks the token (in constant time), bounds the body,
 * reads the task id from either callback shape (v1 {@code event}+{@code eventData}, v2 {@code taskId}+{@code status}),
 * ignores task ids this client is not waiting for and repeated deliveries, and then makes the client confirm the end
 * by asking RunningHub: the callback only says "ask now", it never supplies results.
 * <p>
 * An execution waiting for the task completes from that confirmation. A task nobody in this client waits for (created
 * by {@code submit}) is confirmed too, and its result goes to the {@link #onTaskEnd listeners}.
 */
public interface WebhookReceiver {

    /** The largest webhook body read: RunningHub's callbacks are a few KiB. */
    int MAX_BODY_BYTES = 64 * 1024;

    /** The name of the query parameter that carries the token in the URL RunningHub calls. */
    String TOKEN_PARAMETER = "token";

    /** Whether the client has a {@code webhookUrl}, i.e. expects calls. */
    boolean enabled();

    /**
     * Judges one call. Quick and non-blocking: the confirmation with RunningHub runs afterwards.
     *
     * @param token the {@value #TOKEN_PARAMETER} query parameter of the call, or {@code null}
     * @param body  the request body, or {@code null}; callers should refuse bodies over {@link #MAX_BODY_BYTES}
     *              before reading them whole
     */
    WebhookVerdict accept(String token, byte[] body);

    /**
     * Adds a listener for confirmed ends of tasks that no execution of this client waits for (e.g. created by
     * {@code submit}); the result is the one RunningHub confirmed, successful or failed. Called on a client thread.
     *
     * @return closes the subscription
     */
    AutoCloseable onTaskEnd(Consumer<ExecuteResult> listener);
}
