package dev.comfykit.client.internal.dsl;

import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.client.dsl.ParamSpec;
import dev.comfykit.client.dsl.ParamTarget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.internal.comfyui.InputLimit;
import dev.comfykit.client.internal.comfyui.InputLimits;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Checks the values the caller's params put into a workflow against the limits the server declares for those node
 * inputs (range, step, combo options), so a value the server would reject fails before it costs a queue slot.
 * <p>
 * Only values that came through params are checked: the workflow file's own values are its author's. Media params
 * are left out (their value is an uploaded file name the server has only just learnt).
 */
public final class ParamLimitCheck {

    /** A long list of options (e.g. checkpoints) is cut in messages. */
    private static final int MAX_OPTIONS_SHOWN = 30;

    private ParamLimitCheck() {
    }

    /**
     * Checks the bound values of the given params.
     *
     * @param graph  the workflow with params applied
     * @param schema the workflow's params
     * @param given  the names of the params the caller gave a value
     * @param limits the limits of a node class (never failing; {@link InputLimits#none()} when unknown)
     * @return completes when every value is within the limits; fails with {@link InvalidParameterException} naming
     *         the first param, input, value and what the server allows
     */
    public static CompletableFuture<Void> check(ObjectNode graph, WorkflowSchema schema, Collection<String> given,
                                                Function<String, CompletableFuture<InputLimits>> limits) {
        List<Checked> checked = new ArrayList<>();
        Map<String, CompletableFuture<InputLimits>> byClass = new LinkedHashMap<>();
        for (ParamSpec spec : schema.getParams()) {
            if (!given.contains(spec.getName()) || spec.isUpload()) {
                continue;
            }
            for (ParamTarget target : spec.getTargets()) {
                JsonNode node = graph.get(target.getNodeId());
                String classType = target.getClassType() != null ? target.getClassType()
                        : node == null ? null : node.path("class_type").asText(null);
                JsonNode value = node == null ? null : node.path("inputs").get(target.getField());
                if (classType == null || value == null) {
                    continue;
                }
                checked.add(new Checked(spec.getName(), target, classType, value));
                byClass.computeIfAbsent(classType, limits);
            }
        }
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(byClass.values().toArray(new CompletableFuture[0])).thenRun(() -> {
            for (Checked c : checked) {
                InputLimit limit = byClass.get(c.classType()).join().of(c.target().getField());
                String problem = limit == null ? null : limit.problem(c.value());
                if (problem != null) {
                    throw new InvalidParameterException(c.param(), message(c, limit, problem));
                }
            }
        });
    }

    private record Checked(String param, ParamTarget target, String classType, JsonNode value) {
    }

    private static String message(Checked c, InputLimit limit, String problem) {
        StringBuilder text = new StringBuilder("Param '").append(c.param()).append("' = ").append(show(c.value()))
                .append(' ').append(problem).append(" for ").append(limit.describe())
                .append(" (node ").append(c.target().getNodeId()).append(')');
        if (limit.options() != null) {
            List<String> options = limit.options();
            text.append(": ").append(String.join(", ", options.subList(0, Math.min(options.size(),
                    MAX_OPTIONS_SHOWN))));
            if (options.size() > MAX_OPTIONS_SHOWN) {
                text.append(", ... (").append(options.size() - MAX_OPTIONS_SHOWN).append(" more)");
            }
            String suggestion = DidYouMean.closest(c.value().asText(), options);
            if (suggestion != null) {
                text.append(" (did you mean '").append(suggestion).append("'?)");
            }
            return text.append('.').toString();
        }
        text.append(": pass a value ").append(limit.allowed());
        List<BigDecimal> near = limit.problem(c.value()).startsWith("is not on")
                ? limit.nearestOnStep(c.value().decimalValue()) : null;
        if (near != null) {
            text.append(", such as ").append(InputLimit.show(near.get(0))).append(" or ")
                    .append(InputLimit.show(near.get(1)));
        }
        return text.append('.').toString();
    }

    private static String show(JsonNode value) {
        if (value.isTextual()) {
            String text = value.asText();
            // the value may come from an untrusted caller: keep the message short
            return "'" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "'";
        }
        return value.isNumber() ? InputLimit.show(value.decimalValue()) : value.toString();
    }
}
