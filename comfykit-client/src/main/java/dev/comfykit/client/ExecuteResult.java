package dev.comfykit.client;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.comfykit.client.internal.json.Json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The outcome of one workflow execution, with the fields of the Python SDK's {@code ExecuteResult}.
 * <p>
 * {@code status} is {@code "completed"} or {@code "failed"}. The media lists hold {@code /view} URLs (or the cloud
 * URLs of RunningHub), each also grouped by output variable; {@link #getFiles()} gives the same files as objects
 * whose content can be read. A failed result keeps everything the server produced before the failure and explains
 * the failure in {@link #getError()}. {@link #getServer()} names the ComfyUI server that ran the prompt.
 * <p>
 * Immutable and thread-safe. {@link #toJson()} writes the Python SDK's snake_case field names.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"status", "prompt_id", "duration", "images", "videos", "audios", "texts", "images_by_var",
        "videos_by_var", "audios_by_var", "texts_by_var", "outputs", "msg", "error", "files", "server"})
public final class ExecuteResult {

    /** The {@code status} of a successful execution. */
    public static final String COMPLETED = "completed";
    /** The {@code status} of a failed execution. */
    public static final String FAILED = "failed";

    private final String promptId;
    private final Double duration;
    private final List<OutputFile> files;
    private final Map<String, List<String>> textsByVar;
    private final Map<String, Object> outputs;
    private final ExecutionError error;
    private final String server;

    private ExecuteResult(String promptId, Double duration, List<OutputFile> files,
                          Map<String, List<String>> textsByVar, Map<String, Object> outputs, ExecutionError error,
                          String server) {
        this.promptId = promptId;
        this.duration = duration;
        this.files = List.copyOf(files);
        Map<String, List<String>> texts = new LinkedHashMap<>();
        textsByVar.forEach((k, v) -> texts.put(k, List.copyOf(v)));
        this.textsByVar = Collections.unmodifiableMap(texts);
        this.outputs = outputs; // already frozen: by the builder, or the source result of withFiles
        this.error = error;
        this.server = server;
    }

    /**
     * A deeply unmodifiable copy of raw output data: nested maps and lists are copied too, so that no caller can
     * change a result another thread reads. Other values (text, numbers, booleans, {@code null}) are immutable.
     */
    private static Object frozen(Object value) {
        if (value instanceof Map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> copy.put(k, frozen(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List) {
            List<Object> copy = new ArrayList<>(((List<?>) value).size());
            for (Object item : (List<?>) value) {
                copy.add(frozen(item));
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }

    /** Starts a result for the given prompt (or RunningHub task) id, which may be {@code null}. */
    public static Builder builder(String promptId) {
        return new Builder(promptId);
    }

    /** A failed result that carries nothing but its error. */
    public static ExecuteResult failure(String promptId, Double duration, ExecutionError error) {
        return builder(promptId).duration(duration).error(error).build();
    }

    /** {@code "completed"} or {@code "failed"}. */
    @JsonProperty("status")
    public String getStatus() {
        return error == null ? COMPLETED : FAILED;
    }

    /** Whether the execution completed successfully. */
    @JsonIgnore
    public boolean isCompleted() {
        return error == null;
    }

    /** Whether the execution failed; see {@link #getError()}. */
    @JsonIgnore
    public boolean isFailed() {
        return error != null;
    }

    /** The ComfyUI prompt id (or the RunningHub task id); {@code null} when nothing was submitted. */
    @JsonProperty("prompt_id")
    public String getPromptId() {
        return promptId;
    }

    /** Seconds from submission to the result, or {@code null} when nothing was submitted. */
    @JsonProperty("duration")
    public Double getDuration() {
        return duration;
    }

    /** All image URLs, in output order. */
    @JsonProperty("images")
    public List<String> getImages() {
        return urls(MediaKind.IMAGE);
    }

    /** All video URLs (animated GIFs of video nodes included). */
    @JsonProperty("videos")
    public List<String> getVideos() {
        return urls(MediaKind.VIDEO);
    }

    /** All audio URLs. */
    @JsonProperty("audios")
    public List<String> getAudios() {
        return urls(MediaKind.AUDIO);
    }

    /** All text outputs. */
    @JsonProperty("texts")
    public List<String> getTexts() {
        List<String> all = new ArrayList<>();
        textsByVar.values().forEach(all::addAll);
        return Collections.unmodifiableList(all);
    }

    /** Image URLs grouped by output variable (or node id). */
    @JsonProperty("images_by_var")
    public Map<String, List<String>> getImagesByVar() {
        return urlsByVar(MediaKind.IMAGE);
    }

    @JsonProperty("videos_by_var")
    public Map<String, List<String>> getVideosByVar() {
        return urlsByVar(MediaKind.VIDEO);
    }

    @JsonProperty("audios_by_var")
    public Map<String, List<String>> getAudiosByVar() {
        return urlsByVar(MediaKind.AUDIO);
    }

    @JsonProperty("texts_by_var")
    public Map<String, List<String>> getTextsByVar() {
        return textsByVar;
    }

    /**
     * The raw outputs as the server reported them (node id to its output dictionary), or {@code null}; unmodifiable
     * at every level.
     */
    @JsonProperty("outputs")
    public Map<String, Object> getOutputs() {
        return outputs;
    }

    /** The error message of a failed execution, {@code null} when it completed. */
    @JsonProperty("msg")
    public String getMsg() {
        return error == null ? null : error.getMessage();
    }

    /** The structured error of a failed execution, {@code null} when it completed. */
    @JsonProperty("error")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public ExecutionError getError() {
        return error;
    }

    /**
     * The name of the ComfyUI server the prompt ran on (or, for a failure, the server of the last attempt), as
     * {@link ComfyKit#servers()} names it: a pool member's name ({@code gpu1}, or {@code host:port} when the
     * {@code servers} entry gives none), or, for a client of one server, its URL with any credentials masked.
     * {@code null} for RunningHub and when no server was tried (e.g. no server of the pool could run the workflow).
     * Not a field of the Python SDK's result.
     */
    @JsonProperty("server")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String getServer() {
        return server;
    }

    /** A copy naming the server that ran the prompt (see {@link #getServer()}). */
    public ExecuteResult withServer(String serverName) {
        return Objects.equals(serverName, server) ? this
                : new ExecuteResult(promptId, duration, files, textsByVar, outputs, error, serverName);
    }

    /** Every output file, in output order; each can be read or saved. */
    @JsonProperty("files")
    public List<OutputFile> getFiles() {
        return files;
    }

    /** The output files of one variable (or node id). */
    public List<OutputFile> filesOf(String variable) {
        List<OutputFile> selected = new ArrayList<>();
        for (OutputFile file : files) {
            if (file.getVariable().equals(variable)) {
                selected.add(file);
            }
        }
        return Collections.unmodifiableList(selected);
    }

    /**
     * Returns this result when it completed.
     *
     * @throws ExecutionFailedException carrying this result when it failed
     */
    public ExecuteResult orThrow() {
        if (error != null) {
            throw new ExecutionFailedException(this);
        }
        return this;
    }

    /** A copy whose files were transformed, e.g. given the local paths they were downloaded to. */
    public ExecuteResult withFiles(UnaryOperator<OutputFile> transform) {
        List<OutputFile> changed = new ArrayList<>(files.size());
        for (OutputFile file : files) {
            changed.add(Objects.requireNonNull(transform.apply(file), "transformed file"));
        }
        return new ExecuteResult(promptId, duration, changed, textsByVar, outputs, error, server);
    }

    /** This result as JSON with the Python SDK's field names. */
    public String toJson() {
        return Json.write(this);
    }

    /** This result as plain maps and lists with the Python SDK's field names. */
    public Map<String, Object> toMap() {
        return Json.toMap(Json.toTree(this));
    }

    private List<String> urls(MediaKind kind) {
        List<String> urls = new ArrayList<>();
        for (OutputFile file : files) {
            if (file.getKind() == kind) {
                urls.add(file.getUrl());
            }
        }
        return Collections.unmodifiableList(urls);
    }

    private Map<String, List<String>> urlsByVar(MediaKind kind) {
        Map<String, List<String>> byVar = new LinkedHashMap<>();
        for (OutputFile file : files) {
            if (file.getKind() == kind) {
                byVar.computeIfAbsent(file.getVariable(), v -> new ArrayList<>()).add(file.getUrl());
            }
        }
        byVar.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(byVar);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ExecuteResult[").append(getStatus());
        if (promptId != null) {
            sb.append(", prompt_id=").append(promptId);
        }
        if (duration != null) {
            sb.append(String.format(java.util.Locale.ROOT, ", duration=%.3fs", duration));
        }
        if (!files.isEmpty()) {
            sb.append(", files=").append(files.size());
        }
        if (!textsByVar.isEmpty()) {
            sb.append(", texts=").append(getTexts().size());
        }
        if (server != null) {
            sb.append(", server=").append(server);
        }
        if (error != null) {
            sb.append(", error=").append(error);
        }
        return sb.append(']').toString();
    }

    /**
     * Builds an {@link ExecuteResult}.
     */
    public static final class Builder {
        private final String promptId;
        private Double duration;
        private final List<OutputFile> files = new ArrayList<>();
        private final Map<String, List<String>> textsByVar = new LinkedHashMap<>();
        private Map<String, Object> outputs;
        private ExecutionError error;
        private String server;

        private Builder(String promptId) {
            this.promptId = promptId;
        }

        public Builder duration(Double seconds) {
            this.duration = seconds;
            return this;
        }

        public Builder file(OutputFile file) {
            files.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        public Builder text(String variable, String text) {
            textsByVar.computeIfAbsent(variable, v -> new ArrayList<>()).add(text);
            return this;
        }

        public Builder outputs(Map<String, Object> rawOutputs) {
            this.outputs = rawOutputs;
            return this;
        }

        public Builder error(ExecutionError executionError) {
            this.error = executionError;
            return this;
        }

        /** The name of the server that ran the prompt (see {@link ExecuteResult#getServer()}). */
        public Builder server(String serverName) {
            this.server = serverName;
            return this;
        }

        public ExecuteResult build() {
            @SuppressWarnings("unchecked")
            Map<String, Object> frozenOutputs = outputs == null ? null : (Map<String, Object>) frozen(outputs);
            return new ExecuteResult(promptId, duration, files, textsByVar, frozenOutputs, error, server);
        }
    }
}
