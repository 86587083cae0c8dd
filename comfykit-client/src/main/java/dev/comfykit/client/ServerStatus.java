package dev.comfykit.client;

/**
 * What the client knows of one ComfyUI server right now, for health checks and dashboards: a read-only snapshot.
 *
 * @param url        the server's base URL
 * @param name       the server's name (its URL unless one was given)
 * @param state      its health
 * @param lastError  the last failure seen talking to it (e.g. {@code connection refused}), or {@code null}
 * @param queueDepth prompts running or queued there, as last read, or {@code null} when not known
 */
public record ServerStatus(String url, String name, State state, String lastError, Integer queueDepth) {

    /** A server's health as dispatch sees it. */
    public enum State {
        /** Answering; prompts go there. */
        UP,
        /**
         * A recent request failed; it is being probed. Its prompts go on; a pool sends new ones there only when no
         * server that is up has room.
         */
        DEGRADED,
        /**
         * Not answering: failures in a row (refused, connect timeouts, 5xx, a lost socket with failing probes). The
         * prompts waiting there have failed with {@link ErrorKind#CONNECTION}; it is probed until it answers.
         */
        DOWN
    }
}
