package dev.comfykit.client.internal.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.client.internal.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Capabilities from {@code /object_info} shapes, with a fake server and a fake clock. */
class ObjectInfoCapabilitiesTest {

    /** Classic lists, the newer {@code COMBO} shape, a non-file combo and LoadImage's list. */
    private static final String OBJECT_INFO = """
            {"CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["v1-5.safetensors"], {}]}}},
             "LoraLoader": {"input": {"required": {"model": ["MODEL"], "lora_name": ["COMBO", {"options": ["a.safetensors"]}],
                                                    "strength_model": ["FLOAT", {"default": 1.0}]}}},
             "KSampler": {"input": {"required": {"sampler_name": [["euler", "heun"]], "seed": ["INT", {}]}}},
             "LoadImage": {"input": {"required": {"image": [["cat.png"], {"image_upload": true}]}}},
             "CustomThing": {"input": {"optional": {"weights": [["w1.pth"]]}}},
             "SaveImage": {"input": {"required": {"images": ["IMAGE"]}}}}
            """;

    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicLong now = new AtomicLong();
    private volatile CompletableFuture<JsonNode> answer;

    private ObjectInfoCapabilities capabilities() {
        answer = CompletableFuture.completedFuture(json(OBJECT_INFO));
        return new ObjectInfoCapabilities(() -> {
            fetches.incrementAndGet();
            return answer;
        }, Duration.ofMinutes(10), Duration.ofMinutes(1), now::get);
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode graph(String text) {
        return (ObjectNode) json(text);
    }

    @Test
    void aGraphOfKnownNodesAndOfferedFilesLacksNothing() {
        ServerCapabilities.Missing missing = capabilities().missing(graph("""
                {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5.safetensors"}},
                 "5": {"class_type": "LoraLoader", "inputs": {"lora_name": "a.safetensors", "model": ["4", 0]}},
                 "9": {"class_type": "SaveImage", "inputs": {"images": ["5", 0]}}}
                """)).join();
        assertThat(missing.isEmpty()).isTrue();
    }

    @Test
    void namesMissingNodeClassesAndFilesPerInput() {
        ServerCapabilities.Missing missing = capabilities().missing(graph("""
                {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
                 "5": {"class_type": "LoraLoader", "inputs": {"lora_name": "b.safetensors", "model": ["4", 0]}},
                 "6": {"class_type": "LoraLoader", "inputs": {"lora_name": "c.safetensors", "model": ["5", 0]}},
                 "7": {"class_type": "IPAdapterApply", "inputs": {"ipadapter_file": "x.bin"}},
                 "8": {"class_type": "CustomThing", "inputs": {"weights": "w2.pth"}},
                 "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0]}}}
                """)).join();
        assertThat(missing.nodeClasses()).containsExactly("IPAdapterApply");
        assertThat(missing.models()).isEqualTo(Map.of(
                "CheckpointLoaderSimple.ckpt_name", List.of("sd_xl_base_1.0.safetensors"),
                "LoraLoader.lora_name", List.of("b.safetensors", "c.safetensors"),
                "CustomThing.weights", List.of("w2.pth")));
    }

    @Test
    void linksNonFileChoicesAndImagesAreNotChecked() {
        ServerCapabilities.Missing missing = capabilities().missing(graph("""
                {"1": {"class_type": "LoadImage", "inputs": {"image": "uploaded-later.png"}},
                 "2": {"class_type": "KSampler", "inputs": {"sampler_name": "dpmpp_9m", "seed": 5}},
                 "3": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": ["7", 0]}},
                 "4": {"inputs": {}}}
                """)).join();
        assertThat(missing.isEmpty()).isTrue();
    }

    @Test
    void nothingIsRequestedUntilAskedThenOnceUntilRefreshOrMaxAge() {
        ObjectInfoCapabilities capabilities = capabilities();
        assertThat(fetches).hasValue(0);
        ObjectNode graph = graph("{\"1\": {\"class_type\": \"SaveImage\", \"inputs\": {}}}");

        capabilities.missing(graph).join();
        capabilities.missing(graph).join();
        assertThat(fetches).hasValue(1);

        capabilities.refresh();
        capabilities.missing(graph).join();
        assertThat(fetches).hasValue(2);

        now.addAndGet(Duration.ofMinutes(10).toNanos());
        capabilities.missing(graph).join();
        assertThat(fetches).hasValue(3);
    }

    @Test
    void aFailedRequestLeavesTheServerEligibleAndIsRetriedAfterAMinute() {
        ObjectInfoCapabilities capabilities = capabilities();
        answer = CompletableFuture.failedFuture(new IllegalStateException("503"));
        ObjectNode graph = graph("{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}");

        assertThat(capabilities.missing(graph).join().isEmpty()).as("unknown counts as eligible").isTrue();
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        capabilities.missing(graph).join();
        assertThat(fetches).as("not retried within the minute").hasValue(1);

        answer = CompletableFuture.completedFuture(json(OBJECT_INFO));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(capabilities.missing(graph).join().nodeClasses()).isEqualTo(Set.of("NoSuchNode"));
        assertThat(fetches).hasValue(2);
    }

    @Test
    void oddAnswersAreUnknownNotErrors() {
        ObjectInfoCapabilities capabilities = capabilities();
        ObjectNode graph = graph("{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}");
        for (JsonNode odd : List.of(json("[]"), json("\"text\""), json("{\"X\": {\"input\": 5}}"))) {
            answer = CompletableFuture.completedFuture(odd);
            capabilities.refresh();
            // an array or text is unknown; an object with odd declarations still yields the classes it names
            assertThat(capabilities.missing(graph).join().nodeClasses()).isSubsetOf(Set.of("NoSuchNode"));
        }
        answer = null;
        capabilities.refresh();
        assertThat(capabilities.missing(graph).join().isEmpty()).isTrue();
    }

    @Test
    void anAnswerTooLargeToReadIsNotAskedForAgainEveryMinute() {
        ObjectInfoCapabilities capabilities = capabilities();
        answer = CompletableFuture.failedFuture(new dev.comfykit.client.internal.http.ResponseTooLargeException(
                "GET /object_info", 1024, null));
        ObjectNode graph = graph("{\"1\": {\"class_type\": \"Unknown\", \"inputs\": {}}}");

        assertThat(capabilities.missing(graph).join().isEmpty()).isTrue();
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        assertThat(capabilities.missing(graph).join().isEmpty()).isTrue();
        assertThat(fetches).hasValue(1);

        capabilities.refresh();
        capabilities.missing(graph).join();
        assertThat(fetches).hasValue(2);
    }
}
