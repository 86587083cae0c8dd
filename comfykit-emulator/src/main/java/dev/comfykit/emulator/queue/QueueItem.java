package dev.comfykit.emulator.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import java.math.BigDecimal;
import java.util.List;

/**
 * One queued prompt: ComfyUI's 5-element queue item {@code [number, prompt_id, prompt, extra_data, outputs]}.
 * Its JSON is written once at submit time, so {@code GET /queue} with thousands of pending prompts only
 * concatenates bytes.
 */
public final class QueueItem {

    private final JsonNode number;
    private final BigDecimal priority;
    private final String promptId;
    private final ObjectNode prompt;
    private final ObjectNode extraData;
    private final List<String> outputs;
    private final long sequence;
    private final long epoch;
    private final byte[] json;

    public QueueItem(JsonNode number, String promptId, ObjectNode prompt, ObjectNode extraData, List<String> outputs,
                     long sequence, long epoch) {
        this.number = number;
        this.priority = number.isIntegralNumber() ? new BigDecimal(number.bigIntegerValue())
                : Double.isFinite(number.doubleValue()) ? new BigDecimal(number.doubleValue())
                : BigDecimal.valueOf(number.doubleValue() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE);
        this.promptId = promptId;
        this.prompt = prompt;
        this.extraData = extraData;
        this.outputs = outputs;
        this.sequence = sequence;
        this.epoch = epoch;
        this.json = Json.bytes(toJson(extraData));
    }

    /** The item as JSON, with the given {@code extra_data} (history strips secrets from it). */
    public ArrayNode toJson(JsonNode extra) {
        ArrayNode item = Json.array();
        item.add(number);
        item.add(promptId);
        item.add(prompt);
        item.add(extra);
        ArrayNode outs = item.addArray();
        outputs.forEach(outs::add);
        return item;
    }

    public JsonNode number() {
        return number;
    }

    BigDecimal priority() {
        return priority;
    }

    public String promptId() {
        return promptId;
    }

    public ObjectNode prompt() {
        return prompt;
    }

    public ObjectNode extraData() {
        return extraData;
    }

    public List<String> outputs() {
        return outputs;
    }

    long sequence() {
        return sequence;
    }

    public long epoch() {
        return epoch;
    }

    /** The JSON of the item as {@code /queue} shows it. */
    public byte[] json() {
        return json;
    }

    /** The client id that execution events go to, or null (ComfyUI reads it from {@code extra_data}). */
    public String clientId() {
        JsonNode id = extraData.get("client_id");
        if (id == null || id.isNull()) {
            return null;
        }
        return id.isTextual() ? id.textValue() : "\u0000" + id;
    }
}
