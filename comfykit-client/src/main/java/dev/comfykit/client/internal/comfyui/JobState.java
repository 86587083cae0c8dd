package dev.comfykit.client.internal.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.internal.json.Json;

/**
 * One job as {@code GET /api/jobs/{id}} describes it (ComfyUI 0.5.1+, {@code comfy_execution/jobs.py}):
 * {@code status} is {@code pending}, {@code in_progress}, {@code completed}, {@code failed} or (newer servers)
 * {@code cancelled}; a finished job also carries {@code outputs}, {@code execution_status} (the history entry's
 * {@code status}) and {@code workflow: {prompt, extra_data}}.
 *
 * @param status the job's status as the server wrote it
 * @param entry  for a finished job, the same data in the shape of a {@code /history/{id}} entry
 *               ({@code prompt}, {@code outputs}, {@code status}), so results are read one way; else {@code null}
 */
public record JobState(String status, JsonNode entry) {

    /** Queued, not started. */
    public boolean pending() {
        return "pending".equals(status);
    }

    /** Running now. */
    public boolean running() {
        return "in_progress".equals(status);
    }

    /** Finished in any way (the server has its history entry). */
    public boolean finished() {
        return entry != null;
    }

    /** Reads a job object; {@code id} is the prompt id asked for. */
    static JobState parse(String id, JsonNode job) {
        String status = Json.text(job.get("status"));
        if (status == null || status.equals("pending") || status.equals("in_progress")) {
            return new JobState(status, null);
        }
        ObjectNode entry = Json.object();
        ArrayNode prompt = entry.putArray("prompt");
        JsonNode workflow = job.path("workflow");
        prompt.add(job.path("priority").isNumber() ? job.get("priority") : Json.mapper().getNodeFactory().nullNode());
        prompt.add(id);
        prompt.add(workflow.path("prompt").isObject() ? workflow.get("prompt") : Json.object());
        prompt.add(workflow.path("extra_data").isObject() ? workflow.get("extra_data") : Json.object());
        prompt.addArray();
        entry.set("outputs", job.path("outputs").isObject() ? job.get("outputs") : Json.object());
        entry.set("status", job.path("execution_status").isObject() ? job.get("execution_status")
                : statusOf(status, job));
        return new JobState(status, entry);
    }

    // a job without execution_status (a server that dropped it): rebuild what the result mapper reads
    private static ObjectNode statusOf(String status, JsonNode job) {
        ObjectNode result = Json.object();
        boolean success = status.equals("completed");
        result.put("status_str", success ? "success" : "error");
        result.put("completed", success);
        ArrayNode messages = result.putArray("messages");
        if (job.path("execution_error").isObject()) {
            messages.addArray().add("execution_error").add(job.get("execution_error"));
        } else if (status.equals("cancelled")) {
            messages.addArray().add("execution_interrupted").add(Json.object());
        }
        return result;
    }
}
