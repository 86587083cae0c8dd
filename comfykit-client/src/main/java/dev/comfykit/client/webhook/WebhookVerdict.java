package dev.comfykit.client.webhook;

/**
 * What a {@link WebhookReceiver} made of one webhook call, with the HTTP status an integration answers with. Only
 * {@link #ACCEPTED} changes anything, and even then only by making the client ask RunningHub about the task: the
 * payload itself is never trusted for results.
 */
public enum WebhookVerdict {

    /** A task this client waits for ended, says the call: the client now confirms it with RunningHub. */
    ACCEPTED(202),
    /** Another call for the same task end was accepted already (RunningHub repeats deliveries); ignored. */
    DUPLICATE(200),
    /** A task id this client did not create, or one that ended long ago (a replay); ignored. */
    UNKNOWN_TASK(200),
    /** The call carried no token, or the wrong one: not from RunningHub. Nothing happens. */
    FORGED(403),
    /** The body is larger than {@link WebhookReceiver#MAX_BODY_BYTES}; it was not parsed. */
    TOO_LARGE(413),
    /** The body is not a RunningHub callback (JSON with a {@code taskId}). */
    MALFORMED(400),
    /** The client has no {@code webhookUrl}: it expects no webhook calls. */
    DISABLED(404);

    private final int httpStatus;

    WebhookVerdict(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /**
     * The HTTP status to answer with: 2xx for calls from RunningHub (so it stops repeating them), 4xx for calls that
     * are not.
     */
    public int httpStatus() {
        return httpStatus;
    }
}
