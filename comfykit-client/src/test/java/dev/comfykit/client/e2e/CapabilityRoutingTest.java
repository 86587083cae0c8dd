package dev.comfykit.client.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.http.ComfyUiTransport;
import dev.comfykit.client.internal.http.HttpSender;
import dev.comfykit.client.internal.http.IoLanes;
import dev.comfykit.client.internal.http.ServerCredentials;
import dev.comfykit.client.internal.json.Json;
import dev.comfykit.client.internal.pool.NoEligibleServer;
import dev.comfykit.client.internal.pool.LabelSelector;
import dev.comfykit.client.internal.pool.ObjectInfoCapabilities;
import dev.comfykit.client.internal.pool.ServerCapabilities;
import dev.comfykit.client.internal.pool.StaleCapabilities;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Capabilities read from emulators that differ in checkpoints and node classes (as servers of a pool do), the
 * message when none can run a workflow, and the refresh after a refusal about a missing model.
 */
class CapabilityRoutingTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension sd15 = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO)
            .checkpoints(List.of("v1-5-pruned-emaonly.safetensors")));

    @RegisterExtension
    static ComfyUiEmulatorExtension sdxl = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO)
            .checkpoints(List.of("sd_xl_base_1.0.safetensors")).loras(List.of("detail.safetensors"))
            .vaes(List.of("sdxl_vae.safetensors")).withoutNodes("ImageBlur"));

    @RegisterExtension
    static WireMockExtension odd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String T2I = """
            {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
             "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
             "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["4", 1]}},
             "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["4", 1]}},
             "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 1, "cfg": 7.0, "sampler_name": "euler",
                   "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0],
                   "negative": ["7", 0], "latent_image": ["5", 0]}},
             "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
             "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x", "images": ["8", 0]}}}
            """;

    private static final String BLUR = """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "2": {"class_type": "ImageBlur", "inputs": {"image": ["1", 0], "blur_radius": 1, "sigma": 1.0}},
             "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "x"}}}
            """;

    private static ComfyUiApi api(String baseUrl) {
        return new ComfyUiApi(new ComfyUiTransport(new HttpSender(HttpClient.newHttpClient(), new IoLanes(Runnable::run)),
                URI.create(baseUrl), Duration.ofSeconds(5), new ServerCredentials(null, null, null), 64 << 20));
    }

    private static ObjectNode graph(String text) throws Exception {
        return (ObjectNode) Json.mapper().readTree(text);
    }

    @Test
    void eachServerIsEligibleOnlyForWhatItHas() throws Exception {
        ServerCapabilities small = new ObjectInfoCapabilities(api(sd15.baseUrl())::objectInfo);
        ServerCapabilities big = new ObjectInfoCapabilities(api(sdxl.baseUrl())::objectInfo);
        ObjectNode sdxlJob = graph(T2I.formatted("sd_xl_base_1.0.safetensors"));
        ObjectNode blurJob = graph(BLUR);

        assertThat(small.missing(sdxlJob).join().models())
                .isEqualTo(Map.of("CheckpointLoaderSimple.ckpt_name", List.of("sd_xl_base_1.0.safetensors")));
        assertThat(big.missing(sdxlJob).join().isEmpty()).isTrue();
        assertThat(small.missing(blurJob).join().isEmpty()).isTrue();
        assertThat(big.missing(blurJob).join().nodeClasses()).isEqualTo(Set.of("ImageBlur"));
        assertThat(sd15.emulator().requestsReceived("GET", "/object_info")).as("one request, cached").isEqualTo(1);

        String message = NoEligibleServer.message("mixed.json", LabelSelector.ANY, List.of(
                NoEligibleServer.Server.lacking("sd15", sd15.baseUrl(), small.missing(graph(
                        T2I.formatted("sd_xl_base_1.0.safetensors"))).join()),
                NoEligibleServer.Server.lacking("sdxl", sdxl.baseUrl(), big.missing(blurJob).join())));
        assertThat(message).isEqualTo("No server can run workflow mixed.json: sd15 (" + sd15.baseUrl() + ") lacks "
                + "checkpoint sd_xl_base_1.0.safetensors (CheckpointLoaderSimple.ckpt_name); sdxl (" + sdxl.baseUrl()
                + ") lacks node class ImageBlur. Install them, or route this workflow to servers that have them (labels).");
    }

    @Test
    void loraAndVaeFilesAreCheckedPerServer() throws Exception {
        ObjectNode job = graph("""
                {"10": {"class_type": "LoraLoader", "inputs": {"model": ["4", 0], "clip": ["4", 1],
                        "lora_name": "detail.safetensors", "strength_model": 1.0, "strength_clip": 1.0}},
                 "11": {"class_type": "VAELoader", "inputs": {"vae_name": "sdxl_vae.safetensors"}}}
                """);
        assertThat(new ObjectInfoCapabilities(api(sdxl.baseUrl())::objectInfo).missing(job).join().isEmpty()).isTrue();
        assertThat(new ObjectInfoCapabilities(api(sd15.baseUrl())::objectInfo).missing(job).join().models())
                .isEqualTo(Map.of("LoraLoader.lora_name", List.of("detail.safetensors"),
                        "VAELoader.vae_name", List.of("sdxl_vae.safetensors")));
    }

    @Test
    void aSingleServerClientAsksNoObjectInfoAndARefusalForAMissingModelShowsStaleCapabilities() {
        sd15.emulator().resetObservations();
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(sd15.baseUrl())
                .executorType(ExecutorType.HTTP).timeout(Duration.ofSeconds(20)).build()) {
            ExecuteResult ok = kit.executeJson(T2I.formatted("v1-5-pruned-emaonly.safetensors"), Map.of()).join();
            assertThat(ok.isCompleted()).isTrue();
            ExecuteResult refused = kit.executeJson(T2I.formatted("sd_xl_base_1.0.safetensors"), Map.of()).join();
            assertThat(refused.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(StaleCapabilities.shownBy(refused)).isTrue();
            assertThat(StaleCapabilities.shownBy(ok)).isFalse();
        }
        assertThat(sd15.emulator().requestsReceived("GET", "/object_info"))
                .as("nobody but a pool asks for all capabilities").isZero();
    }

    @Test
    void aRefusalForAMissingNodeShowsStaleCapabilities() {
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(sdxl.baseUrl())
                .executorType(ExecutorType.HTTP).timeout(Duration.ofSeconds(20)).build()) {
            ExecuteResult refused = kit.executeJson(BLUR, Map.of()).join();
            assertThat(refused.getError().getKind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(StaleCapabilities.shownBy(refused)).isTrue();
        }
    }

    @Test
    void aFailingOrOddObjectInfoLeavesTheServerEligible() throws Exception {
        odd.stubFor(get("/object_info").willReturn(aResponse().withStatus(500).withBody("boom")));
        ServerCapabilities capabilities = new ObjectInfoCapabilities(api(odd.baseUrl())::objectInfo);
        ObjectNode job = graph(BLUR);
        assertThat(capabilities.missing(job).join().isEmpty()).isTrue();

        odd.stubFor(get("/object_info").willReturn(aResponse().withHeader("Content-Type", "text/html")
                .withBody("<html>proxy login</html>")));
        capabilities.refresh();
        assertThat(capabilities.missing(job).join().isEmpty()).isTrue();

        odd.stubFor(get("/object_info").willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("""
                        {"CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": ["COMBO",
                           {"options": ["only.safetensors"], "multiselect": false}]}}},
                         "EmptyImage": {"input": "not an object"}, "SaveImage": {}}
                        """)));
        capabilities.refresh();
        ServerCapabilities.Missing missing = capabilities.missing(graph(T2I.formatted("v1.safetensors"))).join();
        assertThat(missing.models()).isEqualTo(Map.of("CheckpointLoaderSimple.ckpt_name", List.of("v1.safetensors")));
        assertThat(missing.nodeClasses()).containsExactlyInAnyOrder("EmptyLatentImage", "CLIPTextEncode", "KSampler",
                "VAEDecode");
        odd.verify(3, getRequestedFor(urlEqualTo("/object_info")));
    }
}
