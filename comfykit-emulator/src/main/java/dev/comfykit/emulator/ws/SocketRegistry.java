package dev.comfykit.emulator.ws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.execution.EventSink;
import dev.comfykit.emulator.faults.SocketControl;
import dev.comfykit.emulator.queue.QueueListener;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sockets by client id, and event fan-out with ComfyUI's routing: an event for a client goes to the socket
 * registered under its id (dropped if none), a broadcast goes to every registered socket.
 * <p>
 * ComfyUI's same-id quirk is kept: a new socket with an id replaces the older one (which stays open but gets
 * nothing), and when any socket with that id closes, the id is deregistered, so the newer socket then gets nothing
 * either.
 */
public final class SocketRegistry implements EventSink, QueueListener, SocketControl {

    private final Map<String, ClientSocket> byId = new ConcurrentHashMap<>();
    private final Set<ClientSocket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger dropCountdown = new AtomicInteger();

    void register(ClientSocket socket) {
        open.add(socket);
        byId.put(socket.sid(), socket);
    }

    void closed(ClientSocket socket) {
        socket.markClosed();
        open.remove(socket);
        byId.remove(socket.sid());
    }

    /** Sends to one socket directly (the greeting {@code status} and replies). */
    void sendTo(ClientSocket socket, String type, ObjectNode data) {
        deliver(socket, Messages.frame(type, data));
    }

    @Override
    public void send(String type, ObjectNode data, String clientId) {
        if (clientId == null) {
            if (byId.isEmpty()) {
                return;
            }
            String text = Messages.frame(type, data);
            for (ClientSocket s : byId.values()) {
                deliver(s, text);
            }
            return;
        }
        ClientSocket s = byId.get(clientId);
        if (s != null) {
            deliver(s, Messages.frame(type, data));
        }
    }

    @Override
    public void sendPreview(String clientId, byte[] png, ObjectNode metadata, boolean withMetadata) {
        if (withMetadata) {
            ClientSocket s = clientId == null ? null : byId.get(clientId);
            if (s != null && s.previewMetadata()) {
                deliver(s, BinaryFrames.previewWithMetadata(metadata, png));
            }
            return;
        }
        if (clientId == null) {
            Buffer frame = BinaryFrames.preview(png);
            byId.values().forEach(s -> deliver(s, frame));
            return;
        }
        ClientSocket s = byId.get(clientId);
        if (s != null && !s.previewMetadata()) {
            deliver(s, BinaryFrames.preview(png));
        }
    }

    @Override
    public void sendProgressText(String nodeId, String text) {
        Buffer frame = BinaryFrames.text(nodeId, text);
        byId.values().forEach(s -> deliver(s, frame));
    }

    private void deliver(ClientSocket socket, Buffer frame) {
        socket.sendBinary(frame);
        countDown();
    }

    @Override
    public void queueUpdated(int queueRemaining) {
        send("status", Messages.status(queueRemaining), null);
    }

    private void deliver(ClientSocket socket, String text) {
        socket.send(text);
        countDown();
    }

    private void countDown() {
        if (dropCountdown.get() > 0 && dropCountdown.getAndUpdate(n -> n > 0 ? n - 1 : 0) == 1) {
            dropAll();
        }
    }

    @Override
    public void dropAll() {
        for (ClientSocket s : open) {
            s.drop();
        }
    }

    @Override
    public void dropAfterEvents(int events) {
        dropCountdown.set(Math.max(0, events));
    }

    /** How many sockets are registered under a client id (for tests and diagnostics). */
    public int registeredCount() {
        return byId.size();
    }

    public int openCount() {
        return open.size();
    }

    /** Drops every socket and forgets them (restart). */
    public void reset() {
        dropAll();
        byId.clear();
        dropCountdown.set(0);
    }
}
