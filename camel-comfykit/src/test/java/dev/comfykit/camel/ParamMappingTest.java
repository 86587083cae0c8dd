package dev.comfykit.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.json.Json;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * How a message becomes workflow params, with the documented precedence: endpoint param.* &lt; body &lt; headers
 * named like a declared param &lt; the CamelComfyKitParams header.
 */
class ParamMappingTest extends EmulatorCamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @TempDir
    static Path inbox;

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:t2i").to("comfykit:classpath:workflows/t2i.json?param.width=64&param.height=48");
                from("direct:text").to("comfykit:classpath:workflows/text.json");
                from("direct:text-to-suffix").to("comfykit:classpath:workflows/text.json?textParam=suffix"
                        + "&param.text=Bye");
                from("direct:edit").to("comfykit:classpath:workflows/image-invert.json");
                from("file:" + inbox + "?include=.*\\.txt").routeId("prompts")
                        .to("comfykit:classpath:workflows/t2i.json?param.width=32&param.height=32")
                        .to("mock:generated");
                from("file:" + inbox + "?include=.*\\.png").routeId("pictures")
                        .to("comfykit:classpath:workflows/image-invert.json").to("mock:edited");
            }
        };
    }

    private static JsonNode submitted() throws Exception {
        return Json.mapper().readTree(comfy.emulator().lastPromptBody()).get("prompt");
    }

    private ExecuteResult send(String uri, Object body, Map<String, Object> headers) {
        return template.requestBodyAndHeaders(uri, body, headers, ExecuteResult.class);
    }

    @Test
    void endpointParamsAreTheDefaults() throws Exception {
        send("direct:t2i", "a cat", Map.of());
        JsonNode prompt = submitted();
        assertThat(prompt.at("/5/inputs/width").asInt()).isEqualTo(64);
        assertThat(prompt.at("/5/inputs/height").asInt()).isEqualTo(48);
        assertThat(prompt.at("/6/inputs/text").asText()).isEqualTo("a cat");
    }

    @Test
    void aMapBodyOverridesEndpointParams() throws Exception {
        send("direct:t2i", Map.of("prompt", "a dog", "width", 80), Map.of());
        assertThat(submitted().at("/5/inputs/width").asInt()).isEqualTo(80);
        assertThat(submitted().at("/6/inputs/text").asText()).isEqualTo("a dog");
    }

    @Test
    void aJsonObjectBodyIsParams() throws Exception {
        send("direct:t2i", "{\"prompt\": \"an owl\", \"seed\": 7}", Map.of());
        assertThat(submitted().at("/6/inputs/text").asText()).isEqualTo("an owl");
        assertThat(submitted().at("/3/inputs/seed").asLong()).isEqualTo(7);
    }

    @Test
    void headersNamedLikeADeclaredParamOverrideTheBodyAndAreCoerced() throws Exception {
        send("direct:t2i", Map.of("prompt", "a dog", "width", 80), Map.of("width", "96", "seed", "123",
                "height", " 40 "));
        JsonNode prompt = submitted();
        assertThat(prompt.at("/5/inputs/width").asInt()).isEqualTo(96);
        assertThat(prompt.at("/5/inputs/height").asInt()).isEqualTo(40);
        assertThat(prompt.at("/3/inputs/seed").isIntegralNumber()).isTrue();
        assertThat(prompt.at("/3/inputs/seed").asLong()).isEqualTo(123);
    }

    @Test
    void headersThatNameNoParamAreIgnored() {
        ExecuteResult result = send("direct:t2i", "a cat", Map.of("User-Agent", "curl", "steps", 99,
                "CamelHttpMethod", "GET"));
        assertThat(result.isCompleted()).isTrue();
    }

    @Test
    void theParamsHeaderWinsOverEverything() throws Exception {
        send("direct:t2i", Map.of("prompt", "body"), Map.of("prompt", "header",
                ComfyKitConstants.PARAMS, Map.of("prompt", "params header", "width", 72)));
        assertThat(submitted().at("/6/inputs/text").asText()).isEqualTo("params header");
        assertThat(submitted().at("/5/inputs/width").asInt()).isEqualTo(72);
    }

    @Test
    void plainTextGoesToThePromptParam() throws Exception {
        send("direct:t2i", "{not json} just a prompt", Map.of());
        assertThat(submitted().at("/6/inputs/text").asText()).isEqualTo("{not json} just a prompt");
    }

    @Test
    void plainTextGoesToTheOnlyRequiredTextParamWhenThereIsNoPrompt() {
        ExecuteResult result = send("direct:text", "Hi", Map.of());
        assertThat(result.getTexts()).containsExactly("Hi, from ComfyKit");
    }

    @Test
    void textParamChoosesWhereTextGoes() {
        ExecuteResult result = send("direct:text-to-suffix", "see you", Map.of());
        assertThat(result.getTexts()).containsExactly("Bye, see you");
    }

    @Test
    void textForAWorkflowWithoutATextTargetIsAValidationErrorThatNamesTheOption() {
        assertThatThrownBy(() -> send("direct:edit", "just words", Map.of()))
                .isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(ComfyKitValidationException.class)
                .satisfies(e -> assertThat(e.getCause().getMessage()).contains("textParam", "no param named 'prompt'"));
    }

    @Test
    void bytesGoToTheMediaParamAndAreUploadedUnderTheMessageFileName() throws Exception {
        ExecuteResult result = send("direct:edit", png(0x00FF00), Map.of(Exchange.FILE_NAME, "green.png"));
        assertThat(result.isCompleted()).isTrue();
        assertThat(submitted().at("/1/inputs/image").asText()).isEqualTo("green.png");
        assertThat(Files.exists(comfy.emulator().inputDirectory().resolve("green.png"))).isTrue();
        BufferedImage output = ImageIO.read(new ByteArrayInputStream(result.getFiles().get(0).readAllBytes()));
        assertThat(output.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF00FF);
    }

    @Test
    void aMissingRequiredParamIsAValidationError() {
        assertThatThrownBy(() -> send("direct:t2i", null, Map.of()))
                .hasCauseInstanceOf(ComfyKitValidationException.class)
                .satisfies(e -> assertThat(e.getCause().getMessage()).contains("Missing required param 'prompt'"))
                .satisfies(e -> assertThat(((ComfyKitFailureException) e.getCause()).isRetryable()).isFalse());
    }

    @Test
    void aValueThatCannotBecomeTheParamTypeIsAValidationError() {
        assertThatThrownBy(() -> send("direct:t2i", "a cat", Map.of("seed", "abc")))
                .hasCauseInstanceOf(ComfyKitValidationException.class)
                .satisfies(e -> assertThat(e.getCause().getMessage()).contains("'seed'", "int", "\"abc\""));
    }

    @Test
    void textFileMessagesAreReadAsThePromptAndImageFilesAreUploaded() throws Exception {
        getMockEndpoint("mock:generated").expectedMessageCount(1);
        getMockEndpoint("mock:edited").expectedMessageCount(1);

        Files.writeString(inbox.resolve("fox.txt"), "a fox in the snow");
        Files.write(inbox.resolve("photo.png"), png(0x0000FF));

        getMockEndpoint("mock:generated").assertIsSatisfied(10_000);
        getMockEndpoint("mock:edited").assertIsSatisfied(10_000);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(comfy.emulator().receivedPromptBodies())
                .anySatisfy(b -> assertThat(b).contains("a fox in the snow"))
                .anySatisfy(b -> assertThat(b).contains("photo.png")));
    }

    static byte[] png(int rgb) throws Exception {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 4; y++) {
                image.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
