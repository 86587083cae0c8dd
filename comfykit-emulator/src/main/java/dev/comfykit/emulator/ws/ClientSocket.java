package dev.comfykit.emulator.ws;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;

/** One connected WebSocket and what ComfyUI remembers about it. */
public final class ClientSocket {

    private final String sid;
    private final ServerWebSocket socket;
    private final HttpConnection connection;
    private volatile boolean firstMessageSeen;
    private volatile boolean previewMetadata;
    private volatile boolean closed;

    ClientSocket(String sid, ServerWebSocket socket, HttpConnection connection) {
        this.sid = sid;
        this.socket = socket;
        this.connection = connection;
    }

    /** The client id: the {@code clientId} query parameter, or an id the server made up. */
    public String sid() {
        return sid;
    }

    void send(String text) {
        if (!closed) {
            socket.writeTextMessage(text);
        }
    }

    void sendBinary(io.vertx.core.buffer.Buffer bytes) {
        if (!closed) {
            socket.writeBinaryMessage(bytes);
        }
    }

    /** Closes the TCP connection without a WebSocket close frame, like a network failure. */
    void drop() {
        closed = true;
        if (connection != null) {
            connection.close();
        } else {
            socket.close();
        }
    }

    void markClosed() {
        closed = true;
    }

    boolean firstMessageSeen() {
        return firstMessageSeen;
    }

    void firstMessageSeen(boolean value) {
        firstMessageSeen = value;
    }

    /** Whether the client negotiated {@code supports_preview_metadata}. */
    public boolean previewMetadata() {
        return previewMetadata;
    }

    void previewMetadata(boolean value) {
        previewMetadata = value;
    }
}
