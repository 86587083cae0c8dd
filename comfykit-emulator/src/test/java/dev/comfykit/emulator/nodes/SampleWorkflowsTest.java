package dev.comfykit.emulator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.SampleWorkflows;
import dev.comfykit.emulator.support.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped sample workflows run unchanged and carry the title-DSL markers clients rely on. */
class SampleWorkflowsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
    }

    @ParameterizedTest
    @CsvSource({"t2i, images", "image-invert, images", "text, text", "audio, audio", "video, gifs"})
    void runsUnchanged(String name, String outputKey) {
        String id = client.submit(SampleWorkflows.json(name), null);

        JsonNode entry = client.awaitHistory(id);
        assertThat(entry.get("status").get("status_str").asText()).as(entry.toString()).isEqualTo("success");
        JsonNode outputs = entry.get("outputs");
        assertThat(outputs).hasSize(1);
        assertThat(outputs.elements().next().has(outputKey)).isTrue();
    }

    @Test
    void titlesCarryTheDslMarkers() {
        assertThat(titles("t2i")).contains("$prompt.text!", "$seed", "$width.width, $height.height", "$output.image");
        assertThat(titles("image-invert")).contains("$image.~image!", "$output.image");
        assertThat(titles("text")).contains("$text.value!", "$output.text");
        assertThat(titles("audio")).contains("$output.audio");
        assertThat(titles("video")).contains("$output.video", "$seed");
    }

    @Test
    void seedsAreZeroSoClientsRandomiseThem() {
        assertThat(Client.json(SampleWorkflows.json("t2i")).get("3").get("inputs").get("seed").asInt()).isZero();
    }

    private static List<String> titles(String name) {
        List<String> titles = new ArrayList<>();
        Client.json(SampleWorkflows.json(name)).elements().forEachRemaining(n -> titles.add(n.path("_meta").path("title").asText()));
        return titles;
    }
}
