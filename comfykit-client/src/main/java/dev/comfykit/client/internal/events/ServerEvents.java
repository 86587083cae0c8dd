package dev.comfykit.client.internal.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.comfyui.ComfyUiEvent;
import dev.comfykit.client.internal.execution.Failures;
import dev.comfykit.client.internal.execution.HistoryResultMapper;
import dev.comfykit.client.internal.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The typed events of one server: translates what its WebSocket delivers (JSON and binary frames) into
 * {@link ComfyEvent}s for the client's {@link EventBus}, and after a reconnect tells the subscribers that events may
 * have been missed and publishes the final outcome of the prompts that ended meanwhile (read from {@code /queue}
 * and {@code /history}).
 * <p>
 * The WebSocket belongs to the server's completion tracker (the WebSocket executor's, or, with the HTTP executor, a
 * socket opened only while someone subscribes); it {@linkplain #attach attaches} its connector here, keeps the socket
 * while {@link #wanted()}, and reports frames, losses and reconnections. Nothing is translated while nobody
 * subscribes.
 */
public final class ServerEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ServerEvents.class);
    private static final int PREVIEW_IMAGE = 1;
    private static final int PREVIEW_IMAGE_WITH_METADATA = 4;
    /** Prompts whose end was published, so a reconnect's history read never publishes it twice. */
    private static final int ENDED_REMEMBERED = 4096;
    /** Prompts followed for a resynchronisation; the oldest are forgotten beyond this. */
    private static final int ACTIVE_REMEMBERED = 10_000;

    private final String name;
    private final EventBus bus;
    private final ComfyUiApi api;
    private volatile Supplier<CompletableFuture<Void>> connector;

    // guarded by this: the socket's frames come one at a time, the resynchronisation's answers on other threads
    private final Set<String> active = new LinkedHashSet<>();
    private final Set<String> ended = new LinkedHashSet<>();
    private final Map<String, Map<String, double[]>> progress = new HashMap<>();
    private String currentPrompt;
    private String currentNode;
    private boolean everConnected;
    private long lostAtMillis;
    private String lostWhy;

    ServerEvents(String name, EventBus bus, ComfyUiApi api) {
        this.name = name;
        this.bus = bus;
        this.api = api;
    }

    /** The server's name in events and filters. */
    public String name() {
        return name;
    }

    /** Whether a subscription listens to this server, so its socket must be kept (and reconnected). */
    public boolean wanted() {
        return bus.wanted(name);
    }

    /**
     * Gives the source the way to open the server's socket; called once by the completion tracker.
     *
     * @param connect connects if needed; completes when the socket is registered
     */
    public void attach(Supplier<CompletableFuture<Void>> connect) {
        this.connector = connect;
        if (wanted()) {
            demand();
        }
    }

    /** A subscription wants this server's events: connects its socket if it has none. */
    void demand() {
        Supplier<CompletableFuture<Void>> connect = connector;
        if (connect != null) {
            connect.get().exceptionally(e -> {
                // the socket keeps trying while wanted; the subscriber hears of it as missed events once it is up
                LOG.debug("Events of {}: the WebSocket is not up yet ({})", name, Failures.describe(e));
                return null;
            });
        }
    }

    /** A prompt of this client was accepted by the server: followed, so a reconnect can tell how it ended. */
    public synchronized void submitted(String promptId) {
        if (bus.hasSubscriptions()) {
            follow(promptId);
        }
    }

    /** One JSON frame, on the socket's thread. */
    public void onText(ComfyUiEvent event) {
        if (!bus.hasSubscriptions()) {
            return;
        }
        List<ComfyEvent> out = new ArrayList<>(2);
        synchronized (this) {
            translate(event, Instant.now(), out);
        }
        out.forEach(bus::publish);
    }

    private void translate(ComfyUiEvent event, Instant now, List<ComfyEvent> out) {
        JsonNode data = event.data();
        String promptId = event.promptId();
        switch (event.type()) {
            case "status" -> {
                JsonNode remaining = data.path("status").path("exec_info").path("queue_remaining");
                if (remaining.isNumber()) {
                    out.add(new ComfyEvent.QueueStatus(name, remaining.intValue(), now));
                }
            }
            case "execution_start" -> {
                if (promptId != null) {
                    follow(promptId);
                    currentPrompt = promptId;
                    currentNode = null;
                    out.add(new ComfyEvent.ExecutionStarted(name, promptId, now));
                }
            }
            case "execution_cached" -> {
                List<String> nodes = new ArrayList<>();
                data.path("nodes").forEach(node -> nodes.add(node.asText()));
                out.add(new ComfyEvent.ExecutionCached(name, promptId, nodes, now));
            }
            case "executing" -> {
                JsonNode node = data.get("node");
                // the reconnect-time frame names no prompt: it is the one running for this client
                String prompt = promptId != null ? promptId : currentPrompt;
                if (node == null || node.isNull()) {
                    if (prompt != null) {
                        forget(prompt);
                    }
                } else {
                    currentPrompt = prompt;
                    currentNode = node.asText();
                    out.add(new ComfyEvent.NodeStarted(name, prompt, currentNode, Json.text(data.get("display_node")),
                            now));
                }
            }
            case "executed" -> out.add(new ComfyEvent.NodeFinished(name, promptId, Json.text(data.get("node")),
                    Json.text(data.get("display_node")), data.path("output"), now));
            case "progress" -> progress(promptId, Json.text(data.get("node")), data.path("value"), data.path("max"),
                    now, out);
            case "progress_state" -> data.path("nodes").fields().forEachRemaining(entry -> progress(promptId,
                    entry.getKey(), entry.getValue().path("value"), entry.getValue().path("max"), now, out));
            case "execution_success" -> end(promptId, new ComfyEvent.ExecutionSucceeded(name, promptId, false, now),
                    out);
            case "execution_error" -> end(promptId, new ComfyEvent.ExecutionFailed(name, promptId,
                    HistoryResultMapper.executionError(data), false, now), out);
            case "execution_interrupted" -> end(promptId, new ComfyEvent.ExecutionFailed(name, promptId,
                    HistoryResultMapper.interrupted(promptId, data), false, now), out);
            default -> {
                // feature_flags, logs, a custom node's messages: not part of the event model
            }
        }
    }

    /** One progress value; the same value of a node (from {@code progress} and {@code progress_state}) once. */
    private void progress(String promptId, String node, JsonNode value, JsonNode max, Instant now,
                          List<ComfyEvent> out) {
        if (promptId == null || node == null || !value.isNumber() || !max.isNumber()) {
            return;
        }
        double[] seen = progress.computeIfAbsent(promptId, p -> new HashMap<>()).get(node);
        if (seen != null && seen[0] == value.doubleValue() && seen[1] == max.doubleValue()) {
            return;
        }
        progress.get(promptId).put(node, new double[] {value.doubleValue(), max.doubleValue()});
        out.add(new ComfyEvent.Progress(name, promptId, node, value.doubleValue(), max.doubleValue(), now));
    }

    private void end(String promptId, ComfyEvent event, List<ComfyEvent> out) {
        if (promptId == null || !ended.add(promptId)) {
            return;
        }
        if (ended.size() > ENDED_REMEMBERED) {
            ended.remove(ended.iterator().next());
        }
        forget(promptId);
        out.add(event);
    }

    private void follow(String promptId) {
        if (!ended.contains(promptId) && active.add(promptId) && active.size() > ACTIVE_REMEMBERED) {
            active.remove(active.iterator().next());
        }
    }

    private void forget(String promptId) {
        active.remove(promptId);
        progress.remove(promptId);
        if (promptId.equals(currentPrompt)) {
            currentPrompt = null;
            currentNode = null;
        }
    }

    /**
     * One binary frame, on the socket's thread: previews with metadata (type 4: length, JSON, image) or without
     * (type 1: format, image, attributed to the prompt and node running now); progress text (type 3) is ignored.
     */
    public void onBinary(ByteBuffer frame) {
        if (!bus.hasSubscriptions() || frame.remaining() < 8) {
            return;
        }
        ComfyEvent.Preview preview;
        Instant now = Instant.now();
        int type = frame.getInt();
        if (type == PREVIEW_IMAGE) {
            String mime = frame.getInt() == 1 ? "image/jpeg" : "image/png";
            byte[] image = new byte[frame.remaining()];
            frame.get(image);
            synchronized (this) {
                preview = new ComfyEvent.Preview(name, currentPrompt, currentNode, image, mime, now);
            }
        } else if (type == PREVIEW_IMAGE_WITH_METADATA) {
            int length = frame.getInt();
            if (length < 0 || length > frame.remaining()) {
                LOG.debug("Events of {}: a preview frame with a bad metadata length ({}) was ignored", name, length);
                return;
            }
            byte[] json = new byte[length];
            frame.get(json);
            JsonNode metadata;
            try {
                metadata = Json.mapper().readTree(new String(json, StandardCharsets.UTF_8));
            } catch (Exception e) {
                LOG.debug("Events of {}: a preview frame with unreadable metadata was ignored", name);
                return;
            }
            byte[] image = new byte[frame.remaining()];
            frame.get(image);
            String node = Json.text(metadata.get("display_node_id"));
            preview = new ComfyEvent.Preview(name, Json.text(metadata.get("prompt_id")),
                    node != null ? node : Json.text(metadata.get("node_id")), image,
                    metadata.path("image_type").asText("image/png"), now);
        } else {
            return;
        }
        bus.publish(preview);
    }

    /** The socket was lost (or could not be opened). */
    public synchronized void onLost(String why) {
        if (everConnected && lostWhy == null) {
            lostAtMillis = System.currentTimeMillis();
            lostWhy = why;
        }
    }

    /**
     * The socket is (again) registered. After a loss: publishes {@link ComfyEvent.EventsMissed}, then reads
     * {@code /queue} and, for every followed prompt that is no longer there, {@code /history}, publishing how it
     * ended.
     */
    public void onReady() {
        String why;
        long downMillis;
        List<String> followed;
        synchronized (this) {
            if (!everConnected || lostWhy == null) {
                everConnected = true;
                return;
            }
            why = lostWhy;
            downMillis = System.currentTimeMillis() - lostAtMillis;
            lostWhy = null;
            // values and the running node may have moved on meanwhile
            progress.clear();
            currentPrompt = null;
            currentNode = null;
            followed = List.copyOf(active);
        }
        if (!bus.hasSubscriptions()) {
            return;
        }
        bus.publish(new ComfyEvent.EventsMissed(name, "The WebSocket to " + name + " was down for about "
                + downMillis + " ms (" + why + "); events sent meanwhile were not received. The prompts that ended"
                + " meanwhile (" + followed.size() + " followed) are read from /queue and /history.", Instant.now()));
        if (followed.isEmpty()) {
            return;
        }
        api.queue().whenComplete((queue, error) -> {
            if (error != null) {
                LOG.warn("Events of {}: resynchronising after the reconnect failed reading /queue ({}); the final"
                        + " events of {} prompts may be missing", name, Failures.describe(error), followed.size());
                return;
            }
            followed.stream().filter(id -> !queue.contains(id)).forEach(this::resync);
        });
    }

    private void resync(String promptId) {
        api.history(promptId).whenComplete((entry, error) -> {
            if (error != null) {
                LOG.warn("Events of {}: reading /history/{} after the reconnect failed ({})", name, promptId,
                        Failures.describe(error));
                return;
            }
            Instant now = Instant.now();
            ComfyEvent event;
            if (entry == null) {
                event = new ComfyEvent.ExecutionFailed(name, promptId, ExecutionError.of(ErrorKind.LOST, "Prompt "
                        + promptId + " is neither queued nor in the history of " + name + " after the WebSocket came"
                        + " back: the server lost it (restarted?)."), true, now);
            } else {
                ExecutionError failure = HistoryResultMapper.error(promptId, entry.path("status"));
                event = failure == null ? new ComfyEvent.ExecutionSucceeded(name, promptId, true, now)
                        : new ComfyEvent.ExecutionFailed(name, promptId, failure, true, now);
            }
            List<ComfyEvent> out = new ArrayList<>(1);
            synchronized (this) {
                end(promptId, event, out);
            }
            out.forEach(bus::publish);
        });
    }

    @Override
    public String toString() {
        return "ServerEvents[" + name + "]";
    }
}
