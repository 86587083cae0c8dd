package dev.comfykit.client.internal.comfyui;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.comfykit.client.internal.json.Json;

import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * The prompt ids of {@code GET /queue}: the running one(s) and the pending ones.
 * <p>
 * Parsed by streaming and skipping the workflows inside each queue item, because a busy server's queue holds
 * thousands of full workflows and only the ids matter here.
 */
public final class QueueSnapshot {

    private final Set<String> running;
    private final Set<String> pending;

    QueueSnapshot(Set<String> running, Set<String> pending) {
        this.running = Collections.unmodifiableSet(running);
        this.pending = Collections.unmodifiableSet(pending);
    }

    public Set<String> running() {
        return running;
    }

    public Set<String> pending() {
        return pending;
    }

    /** Whether the prompt is running or pending. */
    public boolean contains(String promptId) {
        return running.contains(promptId) || pending.contains(promptId);
    }

    /**
     * Parses a {@code GET /queue} body: {@code {"queue_running": [[number, id, prompt, extra, outputs]], ...}}.
     *
     * @throws IOException for a body of another shape
     */
    public static QueueSnapshot parse(byte[] body) throws IOException {
        Set<String> running = new HashSet<>();
        Set<String> pending = new HashSet<>();
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("GET /queue did not answer a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_ARRAY && field.equals("queue_running")) {
                    readIds(p, running);
                } else if (value == JsonToken.START_ARRAY && field.equals("queue_pending")) {
                    readIds(p, pending);
                } else {
                    p.skipChildren();
                }
            }
        }
        return new QueueSnapshot(running, pending);
    }

    private static void readIds(JsonParser p, Set<String> ids) throws IOException {
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_ARRAY) {
                p.skipChildren();
                continue;
            }
            int index = 0;
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                if (index == 1 && token.isScalarValue()) {
                    ids.add(p.getValueAsString());
                }
                p.skipChildren();
                index++;
            }
        }
    }
}
