package dev.comfykit.client.internal.comfyui;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The input limits of one node class, read from the server's {@code GET /object_info/{class}} answer
 * ({@code {"KSampler": {"input": {"required": {"steps": ["INT", {"min": 1, "max": 10000}], ...}}}}}).
 * <p>
 * Understood declarations: {@code ["INT"|"FLOAT", {min, max, step, round}]}, a combo as a list of values
 * ({@code [["euler", "heun"], {...}]}) or as {@code ["COMBO", {"options": [...]}]} (newer servers). Inputs whose
 * options change at run time with uploads ({@code image_upload} and the like) are left out: their lists go stale
 * as soon as a file is uploaded.
 */
public final class InputLimits {

    private static final InputLimits NONE = new InputLimits(Map.of());

    private final Map<String, InputLimit> byInput;

    private InputLimits(Map<String, InputLimit> byInput) {
        this.byInput = Map.copyOf(byInput);
    }

    /** No limits (unknown class, or a server that does not tell). */
    public static InputLimits none() {
        return NONE;
    }

    /** The limit of an input, or {@code null} when the server declares none. */
    public InputLimit of(String input) {
        return byInput.get(input);
    }

    public boolean isEmpty() {
        return byInput.isEmpty();
    }

    /**
     * Parses an {@code /object_info/{class}} answer; anything not understood is left out (no limit), never an error.
     *
     * @param classType the class asked for
     * @param answer    the whole answer; an unknown class gives {@code {}}
     */
    public static InputLimits parse(String classType, JsonNode answer) {
        JsonNode input = answer == null ? null : answer.path(classType).path("input");
        if (input == null || !input.isObject()) {
            return NONE;
        }
        Map<String, InputLimit> limits = new HashMap<>();
        for (String section : List.of("required", "optional")) {
            input.path(section).fields().forEachRemaining(field -> {
                InputLimit limit = limit(classType, field.getKey(), field.getValue());
                if (limit != null) {
                    limits.put(field.getKey(), limit);
                }
            });
        }
        return limits.isEmpty() ? NONE : new InputLimits(limits);
    }

    private static InputLimit limit(String classType, String name, JsonNode declaration) {
        if (!declaration.isArray() || declaration.isEmpty()) {
            return null;
        }
        JsonNode type = declaration.get(0);
        JsonNode options = declaration.size() > 1 && declaration.get(1).isObject() ? declaration.get(1) : null;
        if (options != null && changesWithUploads(options)) {
            return null;
        }
        if (type.isArray()) {
            return combo(classType, name, type);
        }
        String typeName = type.asText();
        if (typeName.equals("COMBO")) {
            return options != null && options.path("options").isArray()
                    ? combo(classType, name, options.get("options")) : null;
        }
        if (options == null || !(typeName.equals("INT") || typeName.equals("FLOAT"))) {
            return null;
        }
        BigDecimal min = number(options.get("min"));
        BigDecimal max = number(options.get("max"));
        BigDecimal step = typeName.equals("INT") ? number(options.get("step")) : floatGrid(options);
        if (step != null && step.signum() <= 0) {
            step = null;
        }
        if (typeName.equals("INT") && step != null && step.compareTo(BigDecimal.ONE) == 0) {
            step = null; // every whole number is on a step of 1
        }
        return min == null && max == null && step == null ? null
                : new InputLimit(classType, name, min, max, step, null);
    }

    /**
     * The granularity of a FLOAT: ComfyUI rounds floats to {@code round} when declared (so {@code cfg} with step 0.1
     * and round 0.01 takes 7.25), to nothing when {@code round} is {@code false}, else to {@code step}.
     */
    private static BigDecimal floatGrid(JsonNode options) {
        JsonNode round = options.get("round");
        if (round != null && round.isBoolean()) {
            return null;
        }
        if (round != null && round.isNumber()) {
            return number(round);
        }
        return number(options.get("step"));
    }

    private static InputLimit combo(String classType, String name, JsonNode values) {
        List<String> options = new ArrayList<>();
        for (JsonNode value : values) {
            if (!value.isValueNode()) {
                return null; // not a plain list of values: leave it to the server
            }
            options.add(value.asText());
        }
        return new InputLimit(classType, name, null, null, null, options);
    }

    private static boolean changesWithUploads(JsonNode options) {
        return options.path("image_upload").asBoolean(false) || options.path("video_upload").asBoolean(false)
                || options.path("audio_upload").asBoolean(false) || options.path("upload").isTextual()
                || options.path("remote").isObject();
    }

    private static BigDecimal number(JsonNode node) {
        return node != null && node.isNumber() ? node.decimalValue() : null;
    }
}
