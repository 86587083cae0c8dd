package dev.comfykit.client.internal.execution;

import dev.comfykit.client.internal.comfyui.ComfyUiEvent;
import dev.comfykit.client.internal.http.ComfyUiTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The one WebSocket a client keeps to ComfyUI ({@code /ws?clientId=...}), shared by every execution in flight.
 * <p>
 * The socket counts as ready only once the server's first {@code status} frame (with {@code sid}) confirms the
 * registration of the client id; events for prompts submitted earlier could be dropped by the server. When the
 * socket drops it is reconnected with exponential back-off (while prompts are waiting; otherwise on next use),
 * always after the old socket is gone, because ComfyUI deregisters a client id when an older socket with that id
 * closes. Missed events are made up by the owner's reconciliation on {@code onReady}.
 */
final class ComfyUiEventStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ComfyUiEventStream.class);
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;
    /** A preview larger than this (a whole frame) is not assembled. */
    private static final int MAX_BINARY_BYTES = 32 * 1024 * 1024;
    private static final String FEATURE_FLAGS = "{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}";

    private enum State { IDLE, CONNECTING, READY, BACKOFF, CLOSED }

    private final ComfyUiTransport transport;
    private final String clientId;
    private final ScheduledExecutorService scheduler;
    private final Consumer<ComfyUiEvent> sink;
    private final Consumer<ByteBuffer> binarySink;
    private final Runnable onReady;
    private final Consumer<String> onDown;
    private final BooleanSupplier wanted;
    private final Duration connectTimeout;

    private State state = State.IDLE;
    private long generation;
    private WebSocket socket;
    private CompletableFuture<Void> readiness;
    private int failedAttempts;
    private volatile boolean ready;

    /**
     * @param sink    receives every JSON event, on the thread that delivered it; must not block
     * @param binarySink receives every binary frame (previews), whole, on the same thread; must not block
     * @param onReady runs after every (re)connection is confirmed
     * @param onDown  runs when the socket is lost or cannot be opened, with why
     * @param wanted  whether to keep reconnecting (prompts are waiting)
     */
    ComfyUiEventStream(ComfyUiTransport transport, String clientId, ScheduledExecutorService scheduler,
                       Consumer<ComfyUiEvent> sink, Consumer<ByteBuffer> binarySink, Runnable onReady, Consumer<String> onDown, BooleanSupplier wanted,
                       Duration connectTimeout) {
        this.transport = transport;
        this.clientId = clientId;
        this.scheduler = scheduler;
        this.sink = sink;
        this.binarySink = binarySink;
        this.onReady = onReady;
        this.onDown = onDown;
        this.wanted = wanted;
        this.connectTimeout = connectTimeout;
    }

    /** Whether the socket is open and registered. */
    boolean isReady() {
        return ready;
    }

    /**
     * Connects if needed. Completes when the socket is registered; fails when it cannot be opened now (callers
     * then rely on polling), without stopping later reconnection attempts.
     */
    synchronized CompletableFuture<Void> ready() {
        switch (state) {
            case READY:
                return CompletableFuture.completedFuture(null);
            case CONNECTING:
            case BACKOFF:
                return readiness;
            case CLOSED:
                return CompletableFuture.failedFuture(new IllegalStateException("client closed"));
            default:
                connect();
                return readiness;
        }
    }

    private synchronized void connect() {
        state = State.CONNECTING;
        if (readiness == null || readiness.isDone()) {
            readiness = new CompletableFuture<>();
        }
        long attempt = ++generation;
        String path = "/ws?clientId=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8);
        transport.openWebSocket(path, connectTimeout, new Listener(attempt)).whenComplete((ws, error) -> {
            if (error != null) {
                lost(attempt, "cannot open " + transport.webSocketUri(path) + ": " + Failures.describe(error));
                return;
            }
            synchronized (this) {
                if (attempt != generation || state == State.CLOSED) {
                    ws.abort();
                } else {
                    socket = ws;
                }
            }
        });
    }

    private void registered(long attempt) {
        CompletableFuture<Void> confirmed;
        synchronized (this) {
            if (attempt != generation || state != State.CONNECTING) {
                return;
            }
            state = State.READY;
            ready = true;
            failedAttempts = 0;
            confirmed = readiness;
        }
        LOG.debug("WebSocket registered as client {}", clientId);
        confirmed.complete(null);
        onReady.run();
    }

    private void lost(long attempt, String why) {
        CompletableFuture<Void> waiting;
        synchronized (this) {
            if (attempt != generation || state == State.CLOSED) {
                return;
            }
            if (socket != null) {
                socket.abort();
                socket = null;
            }
            ready = false;
            waiting = readiness;
            generation++;
            if (wanted.getAsBoolean()) {
                state = State.BACKOFF;
                long base = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(failedAttempts, 6));
                long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
                failedAttempts++;
                scheduler.schedule(this::reconnect, delay, TimeUnit.MILLISECONDS);
                LOG.debug("WebSocket down ({}); reconnecting in {} ms", why, delay);
            } else {
                state = State.IDLE;
                LOG.debug("WebSocket down ({}); will reconnect on next use", why);
            }
        }
        if (waiting != null) {
            waiting.completeExceptionally(new java.io.IOException("WebSocket unavailable: " + why));
        }
        onDown.accept(why);
    }

    private synchronized void reconnect() {
        if (state != State.BACKOFF) {
            return;
        }
        if (!wanted.getAsBoolean()) {
            state = State.IDLE;
            return;
        }
        connect();
    }

    @Override
    public void close() {
        WebSocket current;
        synchronized (this) {
            state = State.CLOSED;
            ready = false;
            current = socket;
            socket = null;
            generation++;
        }
        if (current != null) {
            current.sendClose(WebSocket.NORMAL_CLOSURE, "client closed")
                    .orTimeout(1, TimeUnit.SECONDS)
                    .whenComplete((ws, e) -> current.abort());
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final long attempt;
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
        private boolean binaryTooLarge;

        Listener(long attempt) {
            this.attempt = attempt;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            // the first text frame may negotiate previews with metadata (type 4: prompt and node named); servers
            // before v0.3.44 ignore it
            webSocket.sendText(FEATURE_FLAGS, true);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                text.append(data);
            } else {
                // a frame that came in one piece is not copied through the builder
                String frame = text.length() == 0 ? data.toString() : text.append(data).toString();
                text.setLength(0);
                ComfyUiEvent event = ComfyUiEvent.parse(frame);
                if (event != null) {
                    if (event.isRegistration()) {
                        registered(attempt);
                    }
                    try {
                        sink.accept(event);
                    } catch (RuntimeException e) {
                        LOG.warn("Handling WebSocket event {} failed", event.type(), e);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            // previews and progress text: not needed to complete executions, only by event subscribers
            if (last && binary.size() == 0 && !binaryTooLarge) {
                deliverBinary(data);
            } else if (!binaryTooLarge) {
                if (binary.size() + data.remaining() > MAX_BINARY_BYTES) {
                    binaryTooLarge = true;
                    binary.reset();
                } else {
                    byte[] part = new byte[data.remaining()];
                    data.get(part);
                    binary.writeBytes(part);
                }
                if (last) {
                    deliverBinary(ByteBuffer.wrap(binary.toByteArray()));
                }
            }
            if (last) {
                binary.reset();
                binaryTooLarge = false;
            }
            webSocket.request(1);
            return null;
        }

        private void deliverBinary(ByteBuffer frame) {
            try {
                binarySink.accept(frame);
            } catch (RuntimeException e) {
                LOG.warn("Handling a binary WebSocket frame failed", e);
            }
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            lost(attempt, "closed by the server (" + statusCode + (reason == null || reason.isEmpty() ? ""
                    : " " + reason) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lost(attempt, Failures.describe(error));
        }
    }
}
