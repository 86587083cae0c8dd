package dev.comfykit.client.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ExecutionError;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One thing a ComfyUI server reported, typed. Every event names the server it came from (the server's name in a
 * pool, else its URL), the prompt it belongs to where known, and when the client received it.
 * <p>
 * ComfyUI sends a prompt's events only to the client that submitted it, so a client sees the events of its own
 * prompts (those of other clients only as {@link QueueStatus}). Events are immutable and shared by every subscriber;
 * {@link NodeFinished#output()} and {@link Preview#image()} must not be modified.
 * <p>
 * Serialised by Jackson as its components plus {@code type}, with {@code receivedAt} in epoch milliseconds, so an
 * event can be pushed to a browser as it is.
 */
public sealed interface ComfyEvent {

    /** The kind of event. */
    @JsonProperty("type")
    EventType type();

    /** The server that sent it: its name in a pool ({@code servers=}), else its base URL. */
    String server();

    /** The prompt it belongs to, or {@code null} (queue status, missed events, a preview of an unknown prompt). */
    String promptId();

    /** The node it is about, or {@code null}. */
    default String node() {
        return null;
    }

    /** When the client received it (for events read from the history after a reconnect: when they were read). */
    @JsonIgnore
    Instant receivedAt();

    /** {@link #receivedAt()} in epoch milliseconds: how JSON carries it (no Java time module needed). */
    @JsonProperty("receivedAt")
    default long receivedAtMillis() {
        return receivedAt().toEpochMilli();
    }

    /**
     * A node's progress, from ComfyUI's {@code progress} events (a sampler's steps) and, on servers from v0.3.44,
     * {@code progress_state} (every node's start at 0 and finish at {@code max}); the same value of a node is
     * reported once even when both events carry it.
     *
     * @param value how far the node is, from 0 to {@code max}
     * @param max   the node's total (a sampler's steps; 1 for nodes without steps)
     */
    record Progress(String server, String promptId, String node, double value, double max,
                    @JsonIgnore Instant receivedAt)
            implements ComfyEvent {
        @Override
        public EventType type() {
            return EventType.PROGRESS;
        }

        /** {@code value / max}, between 0 and 1 (0 when {@code max} is 0). */
        @JsonIgnore
        public double fraction() {
            return max <= 0 ? 0 : Math.min(1, Math.max(0, value / max));
        }
    }

    /**
     * A node started running ({@code executing}).
     *
     * @param displayNode the workflow node to attribute it to (differs from {@code node} for nodes created at run
     *                    time), or {@code null}
     */
    record NodeStarted(String server, String promptId, String node, String displayNode, @JsonIgnore Instant receivedAt)
            implements ComfyEvent {
        @Override
        public EventType type() {
            return EventType.NODE_STARTED;
        }
    }

    /**
     * A node finished with UI output ({@code executed}): only output nodes send it (SaveImage, PreviewImage,
     * PreviewAny, ...), cached ones too.
     *
     * @param output the node's UI output as ComfyUI sends it, e.g.
     *               {@code {"images":[{"filename":"x_00001_.png","subfolder":"","type":"output"}]}}; read-only
     */
    record NodeFinished(String server, String promptId, String node, String displayNode, JsonNode output,
                        @JsonIgnore Instant receivedAt) implements ComfyEvent {
        @Override
        public EventType type() {
            return EventType.NODE_FINISHED;
        }
    }

    /**
     * A preview image (a sampler's intermediate picture, or {@code SaveImageWebsocket}'s images), from a binary
     * WebSocket frame. The client negotiates previews with metadata, which name their prompt and node; a server
     * older than v0.3.44 sends previews without them, which are attributed to the prompt that is running there.
     *
     * @param node     the node, or {@code null} when the server did not say
     * @param image    the encoded image; read-only
     * @param mimeType {@code image/png} or {@code image/jpeg}
     */
    record Preview(String server, String promptId, String node, byte[] image, String mimeType,
                   @JsonIgnore Instant receivedAt)
            implements ComfyEvent {
        public Preview {
            Objects.requireNonNull(image, "image");
        }

        @Override
        public EventType type() {
            return EventType.PREVIEW;
        }

        /** {@code png} or {@code jpeg}. */
        @JsonIgnore
        public String format() {
            return mimeType == null ? "png" : mimeType.substring(mimeType.indexOf('/') + 1);
        }

        @Override
        public String toString() {
            return "Preview[server=" + server + ", promptId=" + promptId + ", node=" + node + ", " + image.length
                    + " bytes " + mimeType + ", receivedAt=" + receivedAt + "]";
        }
    }

    /**
     * The server's queue changed ({@code status}): sent to every client on every change, and once on connecting.
     *
     * @param queueRemaining prompts running or waiting there, from every client
     */
    record QueueStatus(String server, int queueRemaining, @JsonIgnore Instant receivedAt) implements ComfyEvent {
        @Override
        public EventType type() {
            return EventType.QUEUE;
        }

        @Override
        public String promptId() {
            return null;
        }
    }

    /** A prompt started running ({@code execution_start}). */
    record ExecutionStarted(String server, String promptId, @JsonIgnore Instant receivedAt) implements ComfyEvent {
        @Override
        public EventType type() {
            return EventType.STARTED;
        }
    }

    /**
     * Nodes of a prompt are taken from the server's cache and will not run ({@code execution_cached}).
     *
     * @param nodes the cached nodes (empty when none is)
     */
    record ExecutionCached(String server, String promptId, List<String> nodes, @JsonIgnore Instant receivedAt)
            implements ComfyEvent {
        public ExecutionCached {
            nodes = List.copyOf(nodes);
        }

        @Override
        public EventType type() {
            return EventType.CACHED;
        }
    }

    /**
     * A prompt finished successfully ({@code execution_success}). Its outputs came before as {@link NodeFinished}
     * events; the result itself is what {@code execute} or {@code await} return.
     *
     * @param fromHistory whether it was read from the server's history after a reconnect instead of received as an
     *                    event (it finished while the socket was down)
     */
    record ExecutionSucceeded(String server, String promptId, boolean fromHistory, @JsonIgnore Instant receivedAt)
            implements ComfyEvent {
        @Override
        public EventType type() {
            return EventType.SUCCESS;
        }
    }

    /**
     * A prompt failed ({@code execution_error}, with the failing node and exception) or was interrupted
     * ({@code execution_interrupted}, kind {@code INTERRUPTED}).
     *
     * @param error       the structured error, as an execution's result carries it
     * @param fromHistory whether it was read from the server's history after a reconnect
     */
    record ExecutionFailed(String server, String promptId, ExecutionError error, boolean fromHistory,
                           @JsonIgnore Instant receivedAt) implements ComfyEvent {
        @Override
        public EventType type() {
            return EventType.ERROR;
        }

        @Override
        public String node() {
            return error.getNodeId();
        }
    }

    /**
     * Events may have been missed: the WebSocket to the server was down (sent once it is back, before the final
     * success or failure of the prompts that ended meanwhile, read from the history), or the subscriber's buffer
     * overflowed. Delivered to every subscription of the server whatever its type and prompt filter.
     *
     * @param reason what happened, readable
     */
    record EventsMissed(String server, String reason, @JsonIgnore Instant receivedAt) implements ComfyEvent {
        @Override
        public EventType type() {
            return EventType.MISSED;
        }

        @Override
        public String promptId() {
            return null;
        }
    }
}
