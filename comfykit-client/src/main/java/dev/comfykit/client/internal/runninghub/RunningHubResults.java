package dev.comfykit.client.internal.runninghub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import dev.comfykit.client.MediaKind;
import dev.comfykit.client.OutputFile;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.internal.http.UrlFetcher;
import dev.comfykit.client.internal.json.Json;
import dev.comfykit.client.internal.workflow.Workflow;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Turns RunningHub outputs ({@code [{fileUrl, fileType, nodeId}]}, v2's results in the same shape) into an
 * {@link ExecuteResult}: files grouped by node and output variable, text files downloaded and inlined (or taken from
 * v2's inline {@code text}). Nothing is dropped: unknown types stay in the files
 * as {@link MediaKind#OTHER}. Files are fetched with plain requests, never with the RunningHub key.
 */
final class RunningHubResults {

    private static final Set<String> TEXT_TYPES = Set.of("txt", "text", "json", "xml", "md");
    private static final long MAX_TEXT_BYTES = 16L * 1024 * 1024;

    private final UrlFetcher fetcher;
    private final OutputFile.Reader reader;

    RunningHubResults(UrlFetcher fetcher) {
        this.fetcher = fetcher;
        this.reader = file -> fetcher.open(URI.create(file.getUrl()));
    }

    CompletableFuture<ExecuteResult> map(String taskId, JsonNode items, Workflow workflow, WorkflowSchema schema,
                                         double duration) {
        ExecuteResult.Builder result = ExecuteResult.builder(taskId).duration(duration);
        Map<String, List<Object>> raw = new LinkedHashMap<>();
        List<CompletableFuture<Map.Entry<String, String>>> texts = new ArrayList<>();
        for (JsonNode item : items) {
            String nodeId = item.path("nodeId").asText("");
            String url = item.path("fileUrl").asText(item.path("url").asText(""));
            String fileType = item.path("fileType").asText(extension(url)).toLowerCase(Locale.ROOT);
            String variable = schema == null ? nodeId : schema.variableOf(nodeId);
            raw.computeIfAbsent(nodeId, k -> new ArrayList<>()).add(Json.toMap(item));
            JsonNode inline = item.get("text");
            if (inline != null && inline.isTextual() && TEXT_TYPES.contains(fileType.isEmpty() ? "txt" : fileType)) {
                // v2 gives a text output inline: nothing to download
                String content = inline.asText();
                texts.add(CompletableFuture.completedFuture(Map.entry(variable, content)));
                continue;
            }
            if (url.isEmpty()) {
                continue;
            }
            if (TEXT_TYPES.contains(fileType)) {
                texts.add(fetcher.fetch(URI.create(url), MAX_TEXT_BYTES)
                        .thenApply(f -> Map.entry(variable, new String(f.body(), StandardCharsets.UTF_8))));
                continue;
            }
            MediaKind kind = MediaKind.classify(outputKey(workflow, nodeId), "file." + fileType);
            result.file(new OutputFile(variable, nodeId, kind, fileName(url, fileType), "", "output", url, null,
                    reader));
        }
        result.outputs(new LinkedHashMap<>(raw));
        return CompletableFuture.allOf(texts.toArray(new CompletableFuture[0])).handle((v, error) -> {
            if (error != null) {
                return ExecuteResult.failure(taskId, duration, ExecutionError.of(ErrorKind.CONNECTION,
                        "RunningHub task " + taskId + " finished, but a text output could not be downloaded: "
                                + dev.comfykit.client.internal.execution.Failures.describe(error)));
            }
            texts.forEach(text -> result.text(text.join().getKey(), text.join().getValue()));
            return result.build();
        });
    }

    /** Video and audio nodes mark their files as such even when the extension alone would say image (GIF). */
    private static String outputKey(Workflow workflow, String nodeId) {
        String classType = workflow == null ? null : workflow.classType(nodeId);
        if (classType == null) {
            return null;
        }
        if (classType.contains("Video")) {
            return "gifs";
        }
        return classType.contains("Audio") ? "audio" : null;
    }

    private static String fileName(String url, String fileType) {
        String path = URI.create(url).getRawPath();
        String name = path == null ? "" : URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1),
                StandardCharsets.UTF_8);
        return name.isEmpty() ? "output." + fileType : name;
    }

    private static String extension(String url) {
        int dot = url.lastIndexOf('.');
        int query = url.indexOf('?', Math.max(dot, 0));
        return dot < 0 ? "" : url.substring(dot + 1, query < 0 ? url.length() : query);
    }
}
