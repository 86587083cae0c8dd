package dev.comfykit.client.internal.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What one ComfyUI server can run, read from its {@code GET /object_info} (one full request, made lazily on the
 * first {@link #missing} and cached): its node classes, and for every input with a choice list that names files
 * (checkpoints, LoRAs, VAEs, upscalers, ...) the files it offers.
 *
 * <p>Rules:
 * <ul>
 *   <li>Nothing is requested until someone asks {@link #missing} (only a pool does), so a single-server client makes
 *       no extra request.</li>
 *   <li>The answer is kept for {@code maxAge} (models installed later are seen then), or until {@link #refresh()}
 *       (a reconnect, or a validation error about a missing node or model).</li>
 *   <li>When the request fails the capabilities are <em>unknown</em>: the server counts as able to run everything
 *       (dispatch is never blocked by a failing {@code /object_info}; the server itself refuses what it cannot run),
 *       and the request is tried again after {@code retryAfterFailure}.</li>
 *   <li>An input is checked only when it has a choice list and either its name is a model input
 *       ({@code ckpt_name}, {@code lora_name}, {@code vae_name}, {@code model_name}, {@code unet_name},
 *       {@code clip_name*}, {@code control_net_name}, ...) or the graph's value ends like a model file
 *       ({@code .safetensors}, {@code .ckpt}, {@code .pt}, ...). Links ({@code ["4", 0]}) and non-text values are
 *       never checked; image inputs ({@code LoadImage.image}) are not, as media are uploaded before the prompt.</li>
 * </ul>
 */
public final class ObjectInfoCapabilities implements ServerCapabilities {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectInfoCapabilities.class);

    /** The time an answer is kept, so that models installed later are seen. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);
    /** After a failed {@code /object_info} the server counts as capable, and is asked again after this. */
    public static final Duration DEFAULT_RETRY_AFTER_FAILURE = Duration.ofMinutes(1);

    private static final Set<String> MODEL_INPUTS = Set.of("ckpt_name", "lora_name", "vae_name", "model_name",
            "unet_name", "control_net_name", "style_model_name", "gligen_name", "hypernetwork_name",
            "upscale_model", "upscale_model_name", "clip_vision_name", "config_name", "ipadapter_file", "lora",
            "photomaker_model_name", "audio_encoder_name");
    private static final Pattern CLIP_INPUT = Pattern.compile("clip_name\\d*");
    private static final Pattern MODEL_FILE = Pattern.compile(
            ".*\\.(safetensors|sft|ckpt|pt|pth|bin|gguf|onnx|pkl|yaml)$");

    private final Supplier<CompletableFuture<JsonNode>> fetch;
    private final long maxAgeNanos;
    private final long retryNanos;
    private volatile boolean tooLarge;
    private final LongSupplier nanoTime;

    private final List<Consumer<JsonNode>> answerListeners = new CopyOnWriteArrayList<>();

    private CompletableFuture<Snapshot> current;
    private long fetchedAt;

    /**
     * @param fetch             {@code GET /object_info} of the server (e.g. {@code api::objectInfo})
     * @param maxAge            how long an answer is kept
     * @param retryAfterFailure how long a failed request leaves the capabilities unknown before it is tried again
     * @param nanoTime          the clock ({@code System::nanoTime}; a fake one in tests)
     */
    public ObjectInfoCapabilities(Supplier<CompletableFuture<JsonNode>> fetch, Duration maxAge,
                                  Duration retryAfterFailure, LongSupplier nanoTime) {
        this.fetch = fetch;
        this.maxAgeNanos = maxAge.toNanos();
        this.retryNanos = retryAfterFailure.toNanos();
        this.nanoTime = nanoTime;
    }

    /** With the default ages and the system clock. */
    public ObjectInfoCapabilities(Supplier<CompletableFuture<JsonNode>> fetch) {
        this(fetch, DEFAULT_MAX_AGE, DEFAULT_RETRY_AFTER_FAILURE, System::nanoTime);
    }

    @Override
    public CompletableFuture<Missing> missing(ObjectNode graph) {
        return snapshot().thenApply(snapshot -> snapshot == null ? Missing.NOTHING : snapshot.missing(graph));
    }

    /**
     * Hands each full {@code /object_info} answer to the listener, before anyone sees the capabilities read from it,
     * so that other users of the declarations (the input limits check) need not ask the server again.
     */
    public void onAnswer(Consumer<JsonNode> listener) {
        answerListeners.add(listener);
    }

    @Override
    public synchronized void refresh() {
        current = null;
    }

    /** The cached answer, or a new request; completes with {@code null} when the capabilities are unknown. */
    private synchronized CompletableFuture<Snapshot> snapshot() {
        long now = nanoTime.getAsLong();
        if (current != null) {
            // an answer too large to read stays too large: asked again only as rarely as a good one
            boolean failed = current.isDone() && current.join() == null && !tooLarge;
            long age = now - fetchedAt;
            if (age < (failed ? retryNanos : maxAgeNanos)) {
                return current;
            }
        }
        fetchedAt = now;
        CompletableFuture<JsonNode> request;
        try {
            request = fetch.get();
            if (request == null) {
                request = CompletableFuture.completedFuture(null);
            }
        } catch (RuntimeException e) {
            request = CompletableFuture.failedFuture(e);
        }
        // a failure (refused, 5xx, odd JSON) is "unknown", never an exception: dispatch must not stall on it
        tooLarge = false;
        current = request.handle((info, error) -> {
            if (error != null && dev.comfykit.client.internal.execution.Failures.tooLarge(error)) {
                tooLarge = true;
                LOG.warn("Cannot read the node classes of the server: {}; it counts as able to run every workflow",
                        dev.comfykit.client.internal.execution.Failures.message(error));
                return null;
            }
            if (error != null || info == null || !info.isObject()) {
                return null;
            }
            Snapshot snapshot;
            try {
                snapshot = Snapshot.of(info);
            } catch (RuntimeException e) {
                return null;
            }
            for (Consumer<JsonNode> listener : answerListeners) {
                try {
                    listener.accept(info);
                } catch (RuntimeException e) {
                    LOG.debug("a user of the /object_info answer failed", e);
                }
            }
            return snapshot;
        });
        return current;
    }

    /** Whether an input of a graph is one whose file names are checked (see the class rules). */
    static boolean isModelInput(String input, String value) {
        return MODEL_INPUTS.contains(input) || CLIP_INPUT.matcher(input).matches()
                || MODEL_FILE.matcher(value.toLowerCase(Locale.ROOT)).matches();
    }

    /** One answer of {@code /object_info}: the classes, and per {@code Class.input} the choices. */
    record Snapshot(Set<String> classes, Map<String, Set<String>> choices) {

        static Snapshot of(JsonNode info) {
            Set<String> classes = new HashSet<>();
            Map<String, Set<String>> choices = new HashMap<>();
            Iterator<Map.Entry<String, JsonNode>> nodes = info.fields();
            while (nodes.hasNext()) {
                Map.Entry<String, JsonNode> node = nodes.next();
                classes.add(node.getKey());
                JsonNode input = node.getValue().path("input");
                for (String group : List.of("required", "optional")) {
                    input.path(group).fields().forEachRemaining(field -> {
                        Set<String> options = options(field.getValue());
                        if (options != null) {
                            choices.put(node.getKey() + "." + field.getKey(), options);
                        }
                    });
                }
            }
            return new Snapshot(Set.copyOf(classes), Map.copyOf(choices));
        }

        /**
         * The choices of one input declaration, or {@code null} when it has no choice list. Two shapes: the classic
         * {@code [["a", "b"], {...}]} and the newer {@code ["COMBO", {"options": ["a", "b"]}]}.
         */
        private static Set<String> options(JsonNode declaration) {
            if (!declaration.isArray() || declaration.isEmpty()) {
                return null;
            }
            JsonNode list = declaration.get(0);
            if (!list.isArray() && "COMBO".equals(list.asText()) && declaration.path(1).path("options").isArray()) {
                list = declaration.get(1).get("options");
            }
            if (!list.isArray()) {
                return null;
            }
            Set<String> values = new HashSet<>();
            list.forEach(v -> values.add(v.asText()));
            return values;
        }

        Missing missing(ObjectNode graph) {
            Set<String> lackingClasses = new TreeSet<>();
            Map<String, Set<String>> lackingFiles = new TreeMap<>();
            graph.fields().forEachRemaining(entry -> {
                JsonNode node = entry.getValue();
                String classType = node.path("class_type").asText(null);
                if (classType == null) {
                    return;
                }
                if (!classes.contains(classType)) {
                    lackingClasses.add(classType);
                    return;
                }
                node.path("inputs").fields().forEachRemaining(input -> {
                    if (!input.getValue().isTextual()) {
                        return; // links ["4", 0] and numbers are not files
                    }
                    String value = input.getValue().textValue();
                    String key = classType + "." + input.getKey();
                    Set<String> offered = choices.get(key);
                    if (offered != null && !offered.contains(value) && isModelInput(input.getKey(), value)) {
                        lackingFiles.computeIfAbsent(key, k -> new TreeSet<>()).add(value);
                    }
                });
            });
            Map<String, List<String>> models = new TreeMap<>();
            lackingFiles.forEach((key, values) -> models.put(key, List.copyOf(new ArrayList<>(values))));
            return lackingClasses.isEmpty() && models.isEmpty() ? Missing.NOTHING
                    : new Missing(Collections.unmodifiableSet(lackingClasses), Collections.unmodifiableMap(models));
        }
    }
}
