package dev.comfykit.emulator.queue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;

/** A finished prompt in {@code /history}; serialized once when written. */
public final class HistoryEntry {

    private final String promptId;
    private final ObjectNode json;
    private final byte[] bytes;

    public HistoryEntry(String promptId, ObjectNode json) {
        this.promptId = promptId;
        this.json = json;
        this.bytes = Json.bytes(json);
    }

    public String promptId() {
        return promptId;
    }

    /** The entry: {@code prompt}, {@code outputs}, {@code status}, {@code meta}. */
    public ObjectNode json() {
        return json;
    }

    byte[] bytes() {
        return bytes;
    }
}
