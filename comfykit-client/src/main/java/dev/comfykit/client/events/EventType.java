package dev.comfykit.client.events;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The kinds of {@link ComfyEvent}, each with the name used in filters and in the Camel consumer's {@code types}
 * option ({@code types=progress,preview}).
 */
public enum EventType {
    /** A node's progress: {@link ComfyEvent.Progress}. */
    PROGRESS("progress"),
    /** A node started running: {@link ComfyEvent.NodeStarted}. */
    NODE_STARTED("executing"),
    /** A node finished with UI output (saved files, text): {@link ComfyEvent.NodeFinished}. */
    NODE_FINISHED("executed"),
    /** A preview image while sampling: {@link ComfyEvent.Preview}. */
    PREVIEW("preview"),
    /** The server's queue changed: {@link ComfyEvent.QueueStatus}. */
    QUEUE("queue"),
    /** A prompt started running: {@link ComfyEvent.ExecutionStarted}. */
    STARTED("started"),
    /** Nodes of a prompt were taken from the server's cache: {@link ComfyEvent.ExecutionCached}. */
    CACHED("cached"),
    /** A prompt finished successfully: {@link ComfyEvent.ExecutionSucceeded}. */
    SUCCESS("success"),
    /** A prompt failed or was interrupted: {@link ComfyEvent.ExecutionFailed}. */
    ERROR("error"),
    /** Events may have been missed (a reconnect, a full buffer): {@link ComfyEvent.EventsMissed}. */
    MISSED("missed");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in filters, URIs and JSON ({@code progress}, {@code executing}, ...). */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /**
     * The type of a name: the {@link #wireName()} or the constant's name, in any case.
     *
     * @throws IllegalArgumentException naming the valid names
     */
    public static EventType parse(String name) {
        String given = name == null ? "" : name.strip();
        for (EventType type : values()) {
            if (type.wireName.equalsIgnoreCase(given) || type.name().equalsIgnoreCase(given.replace('-', '_'))) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown event type '" + name + "': use one of " + Arrays.stream(values())
                .map(EventType::wireName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
