package dev.comfykit.emulator.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where execution events go: ComfyUI's {@code send_sync(event, data, sid)}. A null client id means every socket.
 * The WebSocket layer implements it; another front end (for example a RunningHub emulation) may record instead.
 */
public interface EventSink {

    void send(String type, ObjectNode data, String clientId);

    /**
     * A preview image as a binary frame. ComfyUI sends it twice over: with {@code withMetadata} (type 4, before the
     * {@code progress} event) to a client that negotiated {@code supports_preview_metadata}, and without (type 1,
     * after the {@code progress} event) to a client that did not, or to every socket for a prompt without client.
     */
    default void sendPreview(String clientId, byte[] png, ObjectNode metadata, boolean withMetadata) {
    }

    /** A binary TEXT frame (type 3), which ComfyUI always sends to every socket. */
    default void sendProgressText(String nodeId, String text) {
    }
}
