package dev.comfykit.client.internal.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The server answered a request with a status or body the protocol does not allow for it.
 */
public final class UnexpectedResponseException extends IOException {

    private static final long serialVersionUID = 1L;
    private static final int EXCERPT = 300;

    private final int status;

    public UnexpectedResponseException(String request, int status, byte[] body) {
        super(request + " answered HTTP " + status + excerpt(body));
        this.status = status;
    }

    public UnexpectedResponseException(String request, String problem) {
        super(request + ": " + problem);
        this.status = 0;
    }

    /** The HTTP status, or 0 when the status was fine but the body was not. */
    public int status() {
        return status;
    }

    private static String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, EXCERPT), StandardCharsets.UTF_8).trim()
                .replaceAll("\\s+", " ");
        return ": " + text + (body.length > EXCERPT ? "..." : "");
    }
}
