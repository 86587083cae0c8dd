package dev.comfykit.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.execution.ExecutionEngine;
import dev.comfykit.emulator.json.Json;
import dev.comfykit.emulator.queue.HistoryEntry;
import dev.comfykit.emulator.queue.PromptQueue;
import dev.comfykit.emulator.queue.QueueItem;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The jobs API of ComfyUI v0.33.0 ({@code server.py} routes, {@code comfy_execution/jobs.py} shapes), present only
 * when the emulator speaks that version: {@code GET /api/jobs}, {@code GET /api/jobs/{id}},
 * {@code POST /api/jobs/{id}/cancel} and {@code POST /api/jobs/cancel}. A job is a queue item
 * ({@code pending}/{@code in_progress}) or a history entry ({@code completed}, {@code failed}, or {@code cancelled}
 * when interrupted); keys whose value would be null are left out, as the server's {@code prune_dict} does.
 */
final class JobsRoutes {

    private static final List<String> STATUSES = List.of("pending", "in_progress", "completed", "failed", "cancelled");
    private static final Set<String> PREVIEWABLE = Set.of("images", "video", "audio", "3d");
    private static final List<String> THREE_D = List.of(".obj", ".fbx", ".gltf", ".glb", ".usdz");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final PromptQueue queue;
    private final ExecutionEngine engine;

    JobsRoutes(PromptQueue queue, ExecutionEngine engine) {
        this.queue = queue;
        this.engine = engine;
    }

    /** Whether a text is a job id as ComfyUI v0.33.0 accepts it: a canonical lowercase hyphenated UUID. */
    static boolean isJobId(String text) {
        return text != null && UUID.matcher(text).matches();
    }

    void list(RoutingContext ctx) {
        Map<String, String> query = new java.util.HashMap<>();
        ctx.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
        List<String> filter = STATUSES;
        String statusParam = query.get("status");
        if (statusParam != null && !statusParam.isEmpty()) {
            filter = new ArrayList<>();
            List<String> invalid = new ArrayList<>();
            for (String part : statusParam.split(",")) {
                String s = part.strip().toLowerCase(Locale.ROOT);
                if (s.isEmpty()) {
                    continue;
                }
                filter.add(s);
                if (!STATUSES.contains(s)) {
                    invalid.add(s);
                }
            }
            if (!invalid.isEmpty()) {
                error(ctx, 400, "Invalid status value(s): " + String.join(", ", invalid) + ". Valid values: "
                        + String.join(", ", STATUSES));
                return;
            }
            if (filter.isEmpty()) {
                filter = STATUSES;
            }
        }
        String sortBy = query.getOrDefault("sort_by", "created_at").toLowerCase(Locale.ROOT);
        String sortOrder = query.getOrDefault("sort_order", "desc").toLowerCase(Locale.ROOT);
        if (!sortBy.equals("created_at") && !sortBy.equals("execution_duration")) {
            error(ctx, 400, "sort_by must be 'created_at' or 'execution_duration'");
            return;
        }
        if (!sortOrder.equals("asc") && !sortOrder.equals("desc")) {
            error(ctx, 400, "sort_order must be 'asc' or 'desc'");
            return;
        }
        Integer limit = null;
        if (query.containsKey("limit")) {
            try {
                limit = Integer.parseInt(query.get("limit").strip());
            } catch (NumberFormatException e) {
                error(ctx, 400, "limit must be an integer");
                return;
            }
            if (limit <= 0) {
                error(ctx, 400, "limit must be a positive integer");
                return;
            }
        }
        int offset = 0;
        if (query.containsKey("offset")) {
            try {
                offset = Math.max(0, Integer.parseInt(query.get("offset").strip()));
            } catch (NumberFormatException e) {
                error(ctx, 400, "offset must be an integer");
                return;
            }
        }
        String workflowId = query.get("workflow_id");

        List<ObjectNode> jobs = new ArrayList<>();
        if (filter.contains("in_progress")) {
            queue.runningItems().forEach(item -> jobs.add(queued(item, "in_progress")));
        }
        if (filter.contains("pending")) {
            queue.pendingItems().forEach(item -> jobs.add(queued(item, "pending")));
        }
        if (filter.contains("completed") || filter.contains("failed") || filter.contains("cancelled")) {
            for (HistoryEntry entry : queue.history().entries()) {
                ObjectNode job = finished(entry.promptId(), entry.toJson(), false);
                if (filter.contains(job.path("status").asText())) {
                    jobs.add(job);
                }
            }
        }
        List<ObjectNode> selected = new ArrayList<>(workflowId == null || workflowId.isEmpty() ? jobs
                : jobs.stream().filter(j -> workflowId.equals(j.path("workflow_id").asText(null))).toList());
        Comparator<ObjectNode> order = sortBy.equals("execution_duration")
                ? Comparator.comparingDouble(JobsRoutes::duration)
                : Comparator.comparingDouble(j -> j.path("create_time").asDouble(0));
        // Python's sorted(reverse=True) keeps equal keys in their original order, as a stable reversed comparator does
        selected.sort(sortOrder.equals("desc") ? order.reversed() : order);
        int total = selected.size();
        List<ObjectNode> page = selected.subList(Math.min(offset, total),
                limit == null ? total : Math.min(total, offset + limit));

        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("jobs");
        page.forEach(list::add);
        ObjectNode pagination = body.putObject("pagination");
        pagination.put("offset", offset);
        if (limit == null) {
            pagination.putNull("limit");
        } else {
            pagination.put("limit", limit);
        }
        pagination.put("total", total);
        pagination.put("has_more", offset + page.size() < total);
        Responses.json(ctx, 200, body);
    }

    void one(RoutingContext ctx) {
        String id = ctx.pathParam("job_id");
        ObjectNode job = find(id);
        if (job == null) {
            error(ctx, 404, "Job not found");
            return;
        }
        Responses.json(ctx, 200, job);
    }

    void cancel(RoutingContext ctx) {
        ObjectNode body = Json.object();
        body.put("cancelled", cancel(ctx.pathParam("job_id")));
        Responses.json(ctx, 200, body);
    }

    void cancelBatch(RoutingContext ctx) {
        JsonNode json;
        try {
            json = Json.parse(Responses.raw(ctx));
        } catch (Exception e) {
            error(ctx, 400, "Request body must be valid JSON");
            return;
        }
        JsonNode ids = json != null && json.isObject() ? json.get("job_ids") : null;
        if (ids == null || !ids.isArray()) {
            error(ctx, 400, "job_ids must be a list");
            return;
        }
        ArrayNode invalid = Json.array();
        for (JsonNode id : ids) {
            if (!id.isTextual() || !isJobId(id.textValue())) {
                invalid.add(id.isTextual() ? id.textValue() : id.toString());
            }
        }
        if (!invalid.isEmpty()) {
            ObjectNode body = Json.object();
            body.put("error", "job_ids contains invalid id(s)");
            body.set("invalid_ids", invalid);
            Responses.json(ctx, 400, body);
            return;
        }
        boolean cancelled = false;
        for (JsonNode id : ids) {
            cancelled |= cancel(id.textValue());
        }
        ObjectNode body = Json.object();
        body.put("cancelled", cancelled);
        Responses.json(ctx, 200, body);
    }

    /** A finished or unknown job is a no-op; a running one is interrupted only while it still runs (atomically). */
    private boolean cancel(String id) {
        return queue.atomically(() -> {
            if (queue.history().get(id) != null) {
                return false;
            }
            if (queue.isRunning(id)) {
                engine.interrupt(id);
                return true;
            }
            return queue.delete(id);
        });
    }

    private ObjectNode find(String id) {
        HistoryEntry entry = queue.history().get(id);
        if (entry != null) {
            return finished(id, entry.toJson(), true);
        }
        for (QueueItem item : queue.runningItems()) {
            if (item.promptId().equals(id)) {
                return queued(item, "in_progress");
            }
        }
        for (QueueItem item : queue.pendingItems()) {
            if (item.promptId().equals(id)) {
                return queued(item, "pending");
            }
        }
        return null;
    }

    /** {@code normalize_queue_item}. */
    private static ObjectNode queued(QueueItem item, String status) {
        ObjectNode job = Json.object();
        job.put("id", item.promptId());
        job.put("status", status);
        job.set("priority", item.number());
        putIfPresent(job, "create_time", item.extraData().get("create_time"));
        job.put("outputs_count", 0);
        putIfPresent(job, "workflow_id", workflowId(item.extraData()));
        return job;
    }

    /** {@code normalize_history_item}. */
    private static ObjectNode finished(String id, ObjectNode entry, boolean includeOutputs) {
        JsonNode prompt = entry.path("prompt");
        JsonNode extra = prompt.path(3);
        JsonNode status = entry.path("status");
        String statusStr = status.path("status_str").asText(null);
        JsonNode start = null;
        JsonNode end = null;
        JsonNode error = null;
        boolean interrupted = false;
        for (JsonNode message : status.path("messages")) {
            String event = message.path(0).asText();
            JsonNode data = message.path(1);
            if (!data.isObject()) {
                continue;
            }
            switch (event) {
                case "execution_start" -> start = data.get("timestamp");
                case "execution_success" -> end = data.get("timestamp");
                case "execution_error" -> {
                    end = data.get("timestamp");
                    error = data;
                }
                case "execution_interrupted" -> {
                    end = data.get("timestamp");
                    interrupted = true;
                }
                default -> {
                }
            }
        }
        String jobStatus = "error".equals(statusStr) ? (interrupted ? "cancelled" : "failed") : "completed";
        JsonNode outputs = entry.path("outputs");
        ObjectNode job = Json.object();
        job.put("id", id);
        job.put("status", jobStatus);
        putIfPresent(job, "priority", prompt.path(0));
        putIfPresent(job, "create_time", extra.get("create_time"));
        putIfPresent(job, "execution_start_time", start);
        putIfPresent(job, "execution_end_time", end);
        putIfPresent(job, "execution_error", error);
        int count = 0;
        ObjectNode preview = null;
        ObjectNode fallback = null;
        for (Iterator<Map.Entry<String, JsonNode>> nodes = outputs.fields(); nodes.hasNext(); ) {
            Map.Entry<String, JsonNode> node = nodes.next();
            if (!node.getValue().isObject()) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> kinds = node.getValue().fields(); kinds.hasNext(); ) {
                Map.Entry<String, JsonNode> kind = kinds.next();
                if (kind.getKey().equals("animated") || !kind.getValue().isArray()) {
                    continue;
                }
                for (JsonNode item : kind.getValue()) {
                    JsonNode normalized = normalizeItem(item);
                    if (normalized == null) {
                        continue;
                    }
                    count++;
                    if (preview != null || !normalized.isObject() || !previewable(kind.getKey(), normalized)) {
                        continue;
                    }
                    ObjectNode enriched = ((ObjectNode) normalized).deepCopy();
                    enriched.put("nodeId", node.getKey());
                    if (!enriched.has("mediaType")) {
                        enriched.put("mediaType", kind.getKey());
                    }
                    if ("output".equals(normalized.path("type").asText())) {
                        preview = enriched;
                    } else if (fallback == null) {
                        fallback = enriched;
                    }
                }
            }
        }
        job.put("outputs_count", count);
        putIfPresent(job, "preview_output", preview != null ? preview : fallback);
        putIfPresent(job, "workflow_id", workflowId(extra));
        if (includeOutputs) {
            job.set("outputs", normalizeOutputs(outputs));
            job.set("execution_status", status.isMissingNode() ? Json.object() : status);
            ObjectNode workflow = job.putObject("workflow");
            workflow.set("prompt", prompt.path(2));
            workflow.set("extra_data", extra.isMissingNode() ? Json.object() : extra);
        }
        return job;
    }

    private static JsonNode normalizeOutputs(JsonNode outputs) {
        ObjectNode normalized = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> nodes = outputs.fields(); nodes.hasNext(); ) {
            Map.Entry<String, JsonNode> node = nodes.next();
            if (!node.getValue().isObject()) {
                normalized.set(node.getKey(), node.getValue());
                continue;
            }
            ObjectNode out = normalized.putObject(node.getKey());
            for (Iterator<Map.Entry<String, JsonNode>> kinds = node.getValue().fields(); kinds.hasNext(); ) {
                Map.Entry<String, JsonNode> kind = kinds.next();
                if (kind.getKey().equals("animated") || !kind.getValue().isArray()) {
                    out.set(kind.getKey(), kind.getValue());
                    continue;
                }
                ArrayNode items = out.putArray(kind.getKey());
                for (JsonNode item : kind.getValue()) {
                    if (item.isNull()) {
                        continue;
                    }
                    JsonNode norm = normalizeItem(item);
                    items.add(norm != null ? norm : item);
                }
            }
        }
        return normalized;
    }

    /** {@code normalize_output_item}: dicts stay, 3D file names become file dicts, anything else is left out. */
    private static JsonNode normalizeItem(JsonNode item) {
        if (item == null || item.isNull()) {
            return null;
        }
        if (item.isTextual()) {
            if (hasThreeDExtension(item.textValue())) {
                ObjectNode file = Json.object();
                file.put("filename", item.textValue());
                file.put("type", "output");
                file.put("subfolder", "");
                file.put("mediaType", "3d");
                return file;
            }
            return null;
        }
        return item.isObject() ? item : null;
    }

    private static boolean previewable(String mediaType, JsonNode item) {
        if (PREVIEWABLE.contains(mediaType)) {
            return true;
        }
        String format = item.path("format").asText("");
        if (format.startsWith("video/") || format.startsWith("audio/")) {
            return true;
        }
        return hasThreeDExtension(item.path("filename").asText(""));
    }

    private static boolean hasThreeDExtension(String filename) {
        String lower = filename.toLowerCase(Locale.ROOT);
        return THREE_D.stream().anyMatch(lower::endsWith);
    }

    private static JsonNode workflowId(JsonNode extraData) {
        JsonNode id = extraData == null ? null : extraData.path("extra_pnginfo").path("workflow").get("id");
        return id == null || id.isNull() ? null : id;
    }

    private static double duration(ObjectNode job) {
        double start = job.path("execution_start_time").asDouble(0);
        double end = job.path("execution_end_time").asDouble(0);
        return start != 0 && end != 0 ? end - start : 0;
    }

    private static void putIfPresent(ObjectNode job, String key, JsonNode value) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            job.set(key, value);
        }
    }

    private static void error(RoutingContext ctx, int status, String message) {
        ObjectNode body = Json.object();
        body.put("error", message);
        Responses.json(ctx, status, body);
    }
}
