package dev.comfykit.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * One validation problem as ComfyUI reports it ({@code type}, {@code message}, {@code details}, {@code extra_info}),
 * e.g. {@code required_input_missing} or {@code value_not_in_list}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class ValidationIssue {

    private final String type;
    private final String message;
    private final String details;
    private final Map<String, Object> extraInfo;

    public ValidationIssue(String type, String message, String details, Map<String, Object> extraInfo) {
        this.type = type;
        this.message = message;
        this.details = details;
        this.extraInfo = extraInfo == null ? Map.of() : Map.copyOf(extraInfo);
    }

    @JsonProperty("type")
    public String getType() {
        return type;
    }

    @JsonProperty("message")
    public String getMessage() {
        return message;
    }

    @JsonProperty("details")
    public String getDetails() {
        return details;
    }

    @JsonProperty("extra_info")
    public Map<String, Object> getExtraInfo() {
        return extraInfo;
    }

    @Override
    public String toString() {
        return type + ": " + message + (details == null || details.isEmpty() ? "" : " (" + details + ")");
    }
}
