package dev.comfykit.client.internal.http;

import java.io.IOException;

/**
 * A ComfyUI server answered a request with more bytes than the client reads ({@code maxResponseBytes}). Reading it
 * again would only download the same excess again, so whoever needed the answer fails instead of retrying.
 */
public final class ResponseTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String request;
    private final long limit;

    public ResponseTooLargeException(String request, long limit, Throwable cause) {
        super(request + " answered more than " + limit + " bytes, the limit of the option maxResponseBytes; raise"
                + " maxResponseBytes if the server's answers are legitimately that large", cause);
        this.request = request;
        this.limit = limit;
    }

    /** The request, e.g. {@code GET /history/<id>}. */
    public String request() {
        return request;
    }

    /** The limit in bytes. */
    public long limit() {
        return limit;
    }
}
