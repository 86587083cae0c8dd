package dev.comfykit.client.internal.comfyui;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The limits a ComfyUI server declares for one node input in {@code /object_info}: a range ({@code min},
 * {@code max}) and granularity ({@code step}) for {@code INT} and {@code FLOAT} inputs, or the list of allowed values
 * of a combo input. Absent parts are {@code null}.
 *
 * @param classType the node class, e.g. {@code KSampler}
 * @param input     the input name, e.g. {@code steps}
 * @param min       the smallest allowed number, or null
 * @param max       the largest allowed number, or null
 * @param step      the granularity numbers must follow counted from {@code min} (or 0), or null
 * @param options   the allowed values of a combo input, or null for a number input
 */
public record InputLimit(String classType, String input, BigDecimal min, BigDecimal max, BigDecimal step,
                         List<String> options) {

    /** A float step is checked with this relative tolerance, as the value may have gone through a double. */
    private static final BigDecimal STEP_TOLERANCE = new BigDecimal("1e-9");

    public InputLimit {
        options = options == null ? null : List.copyOf(options);
    }

    /** {@code KSampler.steps}: how messages name the input. */
    public String describe() {
        return classType + "." + input;
    }

    /**
     * What is wrong with a value, phrased to follow "= value" in a message (e.g. "is above the server's maximum
     * 10000"), or {@code null} when the value is within the limits or of a kind these limits do not cover (text for
     * a number input, a link to another node).
     */
    public String problem(JsonNode value) {
        if (value == null || value.isArray() || value.isObject()) {
            return null; // a link ([node, output]) or no value: the server checks it
        }
        if (options != null) {
            return value.isValueNode() && !options.contains(value.asText())
                    ? "is not one of the server's options" : null;
        }
        if (!value.isNumber()) {
            return null;
        }
        BigDecimal number = value.decimalValue();
        if (min != null && number.compareTo(min) < 0) {
            return "is below the server's minimum " + show(min);
        }
        if (max != null && number.compareTo(max) > 0) {
            return "is above the server's maximum " + show(max);
        }
        if (step != null && step.signum() > 0 && !onStep(number)) {
            return "is not on the server's step " + show(step) + " (counted from " + show(base()) + ")";
        }
        return null;
    }

    /** The allowed range in words, e.g. "from 1 to 10000 in steps of 8", or "" when nothing is declared. */
    public String allowed() {
        StringBuilder text = new StringBuilder();
        if (min != null && max != null) {
            text.append("from ").append(show(min)).append(" to ").append(show(max));
        } else if (min != null) {
            text.append("at least ").append(show(min));
        } else if (max != null) {
            text.append("at most ").append(show(max));
        }
        if (step != null && step.signum() > 0) {
            text.append(text.length() == 0 ? "" : " ").append("in steps of ").append(show(step));
        }
        return text.toString();
    }

    /** The on-step values nearest to a number (below, above), for a suggestion; null without a step. */
    public List<BigDecimal> nearestOnStep(BigDecimal number) {
        if (step == null || step.signum() <= 0) {
            return null;
        }
        BigDecimal k = number.subtract(base()).divide(step, 0, RoundingMode.FLOOR);
        BigDecimal below = base().add(k.multiply(step));
        return List.of(below.stripTrailingZeros(), below.add(step).stripTrailingZeros());
    }

    private boolean onStep(BigDecimal number) {
        BigDecimal remainder = number.subtract(base()).remainder(step).abs();
        BigDecimal tolerance = step.multiply(STEP_TOLERANCE);
        return remainder.compareTo(tolerance) <= 0 || step.subtract(remainder).compareTo(tolerance) <= 0;
    }

    private BigDecimal base() {
        return min == null ? BigDecimal.ZERO : min;
    }

    /** A number as people write it: {@code 10000}, {@code 0.1}, never {@code 1E+4}. */
    public static String show(BigDecimal number) {
        BigDecimal plain = number.stripTrailingZeros();
        return (plain.scale() < 0 ? plain.setScale(0) : plain).toPlainString();
    }
}
