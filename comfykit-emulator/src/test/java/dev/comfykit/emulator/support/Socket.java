package dev.comfykit.emulator.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Records every text frame of one WebSocket, in arrival order, and lets tests wait for frames. */
public final class Socket implements WebSocket.Listener, AutoCloseable {

    private final List<JsonNode> frames = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean closed;
    private volatile Throwable error;
    private WebSocket ws;
    private int cursor;

    static Socket connect(HttpClient http, String url) {
        Socket s = new Socket();
        try {
            s.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(URI.create(url), s)
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + url, e);
        }
        s.await(f -> f.path("type").asText().equals("status"), Duration.ofSeconds(5));
        return s;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            JsonNode frame = Client.json(partial.toString());
            partial.setLength(0);
            synchronized (frames) {
                frames.add(frame);
                frames.notifyAll();
            }
        }
        webSocket.request(1);
        return null;
    }

    private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

    /** Binary frames are recorded as {@code {"type": "BINARY", "event_type", "binary_len", ...}} like the capture. */
    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (last) {
            byte[] frame = binary.toByteArray();
            binary.reset();
            synchronized (frames) {
                frames.add(describe(frame));
                frames.notifyAll();
            }
        }
        webSocket.request(1);
        return null;
    }

    static JsonNode describe(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        com.fasterxml.jackson.databind.node.ObjectNode d = Client.MAPPER.createObjectNode();
        d.put("type", "BINARY");
        int type = b.getInt();
        d.put("event_type", type);
        d.put("binary_len", frame.length);
        if (type == 1) {
            d.put("image_format_code", b.getInt());
            d.put("image_magic_hex", hex(frame, 8, 8));
        } else if (type == 3) {
            int len = b.getInt();
            d.put("node_id", new String(frame, 8, len, java.nio.charset.StandardCharsets.UTF_8));
            d.put("text", new String(frame, 8 + len, frame.length - 8 - len, java.nio.charset.StandardCharsets.UTF_8));
        } else if (type == 4) {
            int len = b.getInt();
            d.put("metadata_len", len);
            d.set("metadata", Client.json(new String(frame, 8, len, java.nio.charset.StandardCharsets.UTF_8)));
            d.put("image_magic_hex", hex(frame, 8 + len, 8));
        }
        return d;
    }

    private static String hex(byte[] bytes, int from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < Math.min(bytes.length, from + n); i++) {
            sb.append(String.format("%02x", bytes[i]));
        }
        return sb.toString();
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        markClosed();
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        this.error = error;
        markClosed();
    }

    private void markClosed() {
        closed = true;
        synchronized (frames) {
            frames.notifyAll();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    public WebSocket webSocket() {
        return ws;
    }

    public void sendText(String text) {
        ws.sendText(text, true).join();
    }

    /** Every frame so far. */
    public List<JsonNode> all() {
        synchronized (frames) {
            return new ArrayList<>(frames);
        }
    }

    /** Waits for the next frame (after the cursor) that matches; moves the cursor past it. */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout) {
        List<JsonNode> seen = until(match, timeout);
        return seen.get(seen.size() - 1);
    }

    /** The frames after the cursor up to and including the first match; moves the cursor past it. */
    public List<JsonNode> until(Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            int i = cursor;
            while (true) {
                while (i < frames.size()) {
                    JsonNode f = frames.get(i++);
                    if (match.test(f)) {
                        List<JsonNode> out = new ArrayList<>(frames.subList(cursor, i));
                        cursor = i;
                        return out;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (closed && i >= frames.size())) {
                    throw new AssertionError("no matching frame within " + timeout + (closed ? " (socket closed)" : "")
                            + "; frames after cursor: " + frames.subList(cursor, frames.size()));
                }
                try {
                    frames.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted");
                }
            }
        }
    }

    /** All frames of one prompt's run, up to its final {@code executing} with {@code node: null}. */
    public List<JsonNode> run(String promptId) {
        return until(f -> f.path("type").asText().equals("executing") && f.path("data").path("node").isNull()
                && promptId.equals(f.path("data").path("prompt_id").asText()), Duration.ofSeconds(20));
    }

    /** Frames that arrived after the cursor (without waiting); moves the cursor to the end. */
    public List<JsonNode> drain() {
        synchronized (frames) {
            List<JsonNode> out = new ArrayList<>(frames.subList(cursor, frames.size()));
            cursor = frames.size();
            return out;
        }
    }

    /** Waits until the socket is closed; false on timeout. */
    public boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    frames.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (!closed && ws != null) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                ws.abort();
            }
        }
    }

    public Throwable error() {
        return error;
    }
}
