package dev.comfykit.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The structured reason of a failed execution: what kind of failure, a readable message, and, depending on the
 * kind, the failing node (id, class type, exception type and message, traceback) or the per-node validation errors
 * returned by {@code POST /prompt}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"kind", "retryable", "message", "node_id", "node_type", "exception_type", "exception_message",
        "error_type", "details", "code", "http_status", "node_errors", "traceback"})
public final class ExecutionError {

    private final ErrorKind kind;
    private final String message;
    private final String nodeId;
    private final String nodeType;
    private final String exceptionType;
    private final String exceptionMessage;
    private final List<String> traceback;
    private final String errorType;
    private final String details;
    private final String code;
    private final Integer httpStatus;
    private final Map<String, NodeValidationError> nodeErrors;

    private ExecutionError(Builder b) {
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.message = Objects.requireNonNull(b.message, "message");
        this.nodeId = b.nodeId;
        this.nodeType = b.nodeType;
        this.exceptionType = b.exceptionType;
        this.exceptionMessage = b.exceptionMessage;
        this.traceback = b.traceback == null ? List.of() : List.copyOf(b.traceback);
        this.errorType = b.errorType;
        this.details = b.details;
        this.code = b.code;
        this.httpStatus = b.httpStatus;
        this.nodeErrors = Collections.unmodifiableMap(new LinkedHashMap<>(b.nodeErrors));
    }

    /** Starts an error of the given kind with its readable message. */
    public static Builder builder(ErrorKind kind, String message) {
        return new Builder(kind, message);
    }

    /** A plain error of the given kind. */
    public static ExecutionError of(ErrorKind kind, String message) {
        return builder(kind, message).build();
    }

    @JsonProperty("kind")
    public ErrorKind getKind() {
        return kind;
    }

    /** Whether running the same execution again may succeed. */
    @JsonProperty("retryable")
    public boolean isRetryable() {
        return kind.isRetryable();
    }

    @JsonProperty("message")
    public String getMessage() {
        return message;
    }

    /** The id of the node that failed at run time. */
    @JsonProperty("node_id")
    public String getNodeId() {
        return nodeId;
    }

    /** The class type of the node that failed at run time. */
    @JsonProperty("node_type")
    public String getNodeType() {
        return nodeType;
    }

    /** The (Python) exception type raised by the failing node, e.g. {@code torch.OutOfMemoryError}. */
    @JsonProperty("exception_type")
    public String getExceptionType() {
        return exceptionType;
    }

    @JsonProperty("exception_message")
    public String getExceptionMessage() {
        return exceptionMessage;
    }

    @JsonProperty("traceback")
    public List<String> getTraceback() {
        return traceback;
    }

    /** The top-level error type of a rejected prompt, e.g. {@code prompt_outputs_failed_validation}. */
    @JsonProperty("error_type")
    public String getErrorType() {
        return errorType;
    }

    @JsonProperty("details")
    public String getDetails() {
        return details;
    }

    /** A remote error code when the service has one (e.g. RunningHub's {@code 805}). */
    @JsonProperty("code")
    public String getCode() {
        return code;
    }

    /** The HTTP status of the response that reported the failure, when there was one. */
    @JsonProperty("http_status")
    public Integer getHttpStatus() {
        return httpStatus;
    }

    /** The per-node validation errors of a rejected prompt, keyed by node id. */
    @JsonProperty("node_errors")
    public Map<String, NodeValidationError> getNodeErrors() {
        return nodeErrors;
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }

    /**
     * Builds an {@link ExecutionError}.
     */
    public static final class Builder {
        private final ErrorKind kind;
        private final String message;
        private String nodeId;
        private String nodeType;
        private String exceptionType;
        private String exceptionMessage;
        private List<String> traceback;
        private String errorType;
        private String details;
        private String code;
        private Integer httpStatus;
        private final Map<String, NodeValidationError> nodeErrors = new LinkedHashMap<>();

        private Builder(ErrorKind kind, String message) {
            this.kind = kind;
            this.message = message;
        }

        public Builder node(String id, String type) {
            this.nodeId = id;
            this.nodeType = type;
            return this;
        }

        public Builder exception(String type, String exceptionMessageText, List<String> tracebackLines) {
            this.exceptionType = type;
            this.exceptionMessage = exceptionMessageText;
            this.traceback = tracebackLines;
            return this;
        }

        public Builder errorType(String type, String detailsText) {
            this.errorType = type;
            this.details = detailsText;
            return this;
        }

        public Builder code(String remoteCode) {
            this.code = remoteCode;
            return this;
        }

        public Builder httpStatus(Integer status) {
            this.httpStatus = status;
            return this;
        }

        public Builder nodeErrors(Map<String, NodeValidationError> errors) {
            this.nodeErrors.putAll(errors);
            return this;
        }

        public ExecutionError build() {
            return new ExecutionError(this);
        }
    }
}
