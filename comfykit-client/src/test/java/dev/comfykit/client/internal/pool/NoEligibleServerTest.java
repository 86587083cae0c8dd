package dev.comfykit.client.internal.pool;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class NoEligibleServerTest {

    @Test
    void namesWhatIsMissingWhere() {
        String message = NoEligibleServer.message("t2i.json", LabelSelector.ANY, List.of(
                NoEligibleServer.Server.lacking("gpu1", "http://gpu1:8188", new ServerCapabilities.Missing(Set.of(),
                        Map.of("CheckpointLoaderSimple.ckpt_name", List.of("sd_xl_base_1.0.safetensors")))),
                NoEligibleServer.Server.lacking("gpu2", "http://gpu2:8188",
                        new ServerCapabilities.Missing(Set.of("IPAdapterApply"), Map.of()))));
        assertThat(message).isEqualTo("No server can run workflow t2i.json: gpu1 (http://gpu1:8188) lacks checkpoint "
                + "sd_xl_base_1.0.safetensors (CheckpointLoaderSimple.ckpt_name); gpu2 (http://gpu2:8188) lacks node "
                + "class IPAdapterApply. Install them, or route this workflow to servers that have them (labels).");
    }

    @Test
    void pluralsAndKindsAndLabels() {
        String message = NoEligibleServer.message("lora.json", LabelSelector.parse("gpu=a100"), List.of(
                NoEligibleServer.Server.lacking("http://a:8188", "http://a:8188", new ServerCapabilities.Missing(
                        Set.of("B", "A"), Map.of("LoraLoader.lora_name", List.of("x.safetensors", "y.safetensors")))),
                NoEligibleServer.Server.notSelected("b", "http://b:8188")));
        assertThat(message).isEqualTo("No server can run workflow lora.json: http://a:8188 lacks LoRAs x.safetensors, "
                + "y.safetensors (LoraLoader.lora_name), node classes A, B; b (http://b:8188) does not match labels "
                + "gpu=a100. Install them, or route this workflow to servers that have them (labels).");
    }

    @Test
    void onlyLabelsOrNoServers() {
        assertThat(NoEligibleServer.message("w.json", LabelSelector.parse("gpu=h100"),
                List.of(NoEligibleServer.Server.notSelected("a", "http://a:8188"))))
                .isEqualTo("No server can run workflow w.json: a (http://a:8188) does not match labels gpu=h100. "
                        + "Give servers the labels asked for (label.<key>=<value> in their servers entry), or ask for"
                        + " labels that a server carries.");
        assertThat(NoEligibleServer.message("w.json", LabelSelector.ANY, List.of()))
                .isEqualTo("No server can run workflow w.json: the pool has no servers.");
    }
}
