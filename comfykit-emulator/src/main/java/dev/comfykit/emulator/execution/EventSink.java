package dev.comfykit.emulator.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where execution events go: ComfyUI's {@code send_sync(event, data, sid)}. A null client id means every socket.
 * The WebSocket layer implements it; another front end (for example a RunningHub emulation) may record instead.
 */
@FunctionalInterface
public interface EventSink {

    void send(String type, ObjectNode data, String clientId);
}
