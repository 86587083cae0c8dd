package dev.comfykit.client.internal.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Replaces every input named {@code seed} whose value is {@code 0} (or {@code "0"}) with a random 63-bit seed.
 * ComfyUI caches node outputs across prompts, so a workflow saved with seed 0 would otherwise return the same
 * cached result every time.
 */
public final class SeedRandomizer {

    private SeedRandomizer() {
    }

    /**
     * Randomises zero seeds in place.
     *
     * @param seeds supplies non-negative 63-bit seeds
     * @return how many seeds were replaced
     */
    public static int randomize(ObjectNode graph, LongSupplier seeds) {
        int replaced = 0;
        Iterator<Map.Entry<String, JsonNode>> nodes = graph.fields();
        while (nodes.hasNext()) {
            JsonNode inputs = nodes.next().getValue().path("inputs");
            if (!inputs.isObject()) {
                continue;
            }
            JsonNode seed = inputs.get("seed");
            if (isZero(seed)) {
                ((ObjectNode) inputs).put("seed", seeds.getAsLong());
                replaced++;
            }
        }
        return replaced;
    }

    private static boolean isZero(JsonNode seed) {
        if (seed == null) {
            return false;
        }
        if (seed.isNumber()) {
            return seed.decimalValue().signum() == 0;
        }
        return seed.isTextual() && seed.asText().trim().equals("0");
    }
}
