package dev.comfykit.emulator.queue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A finished prompt in {@code /history}; serialized once when written. */
public final class HistoryEntry {

    private final String promptId;
    private final byte[] bytes;

    /** Keeps only the serialized form: up to 10,000 entries stay in memory. */
    public HistoryEntry(String promptId, ObjectNode json) {
        this.promptId = promptId;
        this.bytes = Json.bytes(json);
    }

    public String promptId() {
        return promptId;
    }

    byte[] bytes() {
        return bytes;
    }

    /** The entry as JSON, parsed again from its serialized form ({@code prompt}, {@code outputs}, {@code status}, {@code meta}). */
    public ObjectNode toJson() {
        try {
            return (ObjectNode) Json.parse(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
