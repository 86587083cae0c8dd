package dev.comfykit.client;

import java.util.Locale;

/**
 * How {@link ComfyKit} learns that a prompt has finished on a local ComfyUI server.
 */
public enum ExecutorType {

    /**
     * Polls the server over HTTP: quickly at first, then backing off. A few waiting prompts are polled by their own
     * {@code /history/{id}}; many through one {@code /queue} read that serves all executions in flight.
     */
    HTTP,

    /**
     * Listens on ONE WebSocket per {@link ComfyKit}, shared by all executions in flight and demultiplexed by
     * prompt id, with a slow HTTP reconciliation as a safety net for missed events. A result is built from the
     * prompt's own events, or read from {@code /history/{id}} when the socket missed some of them.
     */
    WEBSOCKET;

    /**
     * Parses {@code http} or {@code websocket} (any case, {@code ws} accepted as a short form).
     *
     * @throws IllegalArgumentException naming the accepted values when the text is neither
     */
    public static ExecutorType parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "http":
                return HTTP;
            case "websocket":
            case "ws":
                return WEBSOCKET;
            default:
                throw new IllegalArgumentException("Unknown executor type '" + text
                        + "': use 'http' or 'websocket' (option executorType / COMFYUI_EXECUTOR_TYPE)");
        }
    }
}
