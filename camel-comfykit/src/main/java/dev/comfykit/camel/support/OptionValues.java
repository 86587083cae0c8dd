package dev.comfykit.camel.support;

import dev.comfykit.camel.ComfyKitOperation;
import dev.comfykit.client.ExecutorType;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks the text of enum and duration options before Camel converts it. Camel's own conversion reports a wrong
 * enum as "No enum constant dev.comfykit.client.ExecutorType.WS" without the allowed values, and reads a duration it
 * cannot parse ({@code timeout=abc}) as 0; here both fail naming the option, the value and what is accepted.
 */
public final class OptionValues {

    /** The forms a duration option accepts, for error messages. */
    public static final String DURATION_FORMS = "30s, 10m, 1h30m, 500ms, a number of milliseconds (600000) or"
            + " ISO-8601 (PT10M)";

    private static final List<String> DURATIONS = List.of("timeout", "connectTimeout", "requestTimeout",
            "runninghubTimeout", "runninghubPollInterval");
    private static final Map<String, List<String>> ENUMS = Map.of(
            "executorType", names(ExecutorType.values()),
            "operation", names(ComfyKitOperation.values()),
            "runninghubInstanceType", List.of("default", "plus"),
            "runninghubApiVersion", List.of("v1", "v2"));

    /** Camel's TimeUtils forms: units in descending order, each a number and a unit. */
    private static final Pattern CAMEL_DURATION = Pattern.compile(
            "(\\d+\\s*(d|days?))?\\s*(\\d+\\s*(h|hours?))?\\s*(\\d+\\s*(m|min|minutes?))?\\s*"
                    + "(\\d+\\s*(s|sec|seconds?))?\\s*(\\d+\\s*(ms|millis))?", Pattern.CASE_INSENSITIVE);

    private OptionValues() {
    }

    /**
     * Checks the options of one endpoint (as given in its URI or YAML parameters).
     *
     * @throws IllegalArgumentException naming the option, the value and the accepted values
     */
    public static void check(Map<String, Object> parameters) {
        for (Map.Entry<String, Object> option : parameters.entrySet()) {
            if (!(option.getValue() instanceof String value)) {
                continue;
            }
            List<String> allowed = ENUMS.get(option.getKey());
            if (allowed != null && allowed.stream().noneMatch(a -> a.equalsIgnoreCase(value.trim()))) {
                throw new IllegalArgumentException("option " + option.getKey() + "=" + value + " is not one of "
                        + String.join(", ", allowed) + ".");
            }
            if (DURATIONS.contains(option.getKey()) && !isDuration(value)) {
                throw new IllegalArgumentException("option " + option.getKey() + "=" + value
                        + " is not a duration: write " + DURATION_FORMS + ".");
            }
        }
    }

    /** Whether Camel reads the text as the duration it means (its converter reads unknown text as 0). */
    static boolean isDuration(String text) {
        String value = text.trim();
        if (value.isEmpty()) {
            return false;
        }
        if (value.charAt(0) == 'P' || value.charAt(0) == 'p') {
            try {
                Duration.parse(value.toUpperCase(Locale.ROOT));
                return true;
            } catch (DateTimeParseException e) {
                return false;
            }
        }
        return value.chars().allMatch(Character::isDigit) || CAMEL_DURATION.matcher(value).matches();
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.toList());
    }
}
