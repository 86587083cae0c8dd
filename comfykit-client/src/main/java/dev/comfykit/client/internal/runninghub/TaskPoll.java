package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ExecutionError;

/**
 * What one poll of a task found, whatever the API version: it still waits (queued, running), it succeeded with its
 * output items (in v1's shape {@code {fileUrl, fileType, nodeId, ...}}, plus an inline {@code text} from v2), or it
 * ended without outputs for the reason in {@code failure}.
 */
record TaskPoll(JsonNode items, ExecutionError failure) {

    static final TaskPoll WAITING = new TaskPoll(null, null);

    static TaskPoll succeeded(JsonNode items) {
        return new TaskPoll(items, null);
    }

    static TaskPoll failed(ExecutionError failure) {
        return new TaskPoll(null, failure);
    }

    boolean waiting() {
        return items == null && failure == null;
    }
}
