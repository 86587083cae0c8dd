package dev.comfykit.camel;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ExecuteResult;
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
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * How a message becomes workflow params, with the documented precedence: endpoint defaultParam.* &lt; body &lt;
 * headers listed in headerParams &lt; the CamelComfyKitParams header. (What a message may not do is in
 * {@link MessageTrustTest}.) Endpoints configured wrongly on purpose start lazily, so that the mistake shows at the
 * first message rather than stopping the whole context.
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
                from("direct:t2i").to("comfykit:classpath:workflows/t2i.json?defaultParam.width=64"
                        + "&defaultParam.height=48&headerParams=*");
                from("direct:text").to("comfykit:classpath:workflows/text.json");
                from("direct:text-to-suffix").to("comfykit:classpath:workflows/text.json?textParam=suffix"
                        + "&param.text=Bye");
                from("direct:text-to-caption").to("comfykit:classpath:workflows/text.json?textParam=caption"
                        + "&lazyStartProducer=true");
                from("direct:edit").to("comfykit:classpath:workflows/image-invert.json");
                from("direct:edit-picture").to("comfykit:classpath:workflows/image-invert.json?mediaParam=picture"
                        + "&lazyStartProducer=true");
                from("direct:two-images").to("comfykit:classpath:test-workflows/two-images.json");
                from("direct:two-images-overlay").to("comfykit:classpath:test-workflows/two-images.json"
                        + "?mediaParam=overlay");
                from("file:" + inbox + "?include=.*\\.txt").routeId("prompts")
                        .to("comfykit:classpath:workflows/t2i.json?param.width=32&param.height=32")
                        .to("mock:generated");
                from("file:" + inbox + "?include=.*\\.png").routeId("pictures")
                        .to("comfykit:classpath:workflows/image-invert.json").to("mock:edited");
            }
        };
    }

    private static JsonNode submitted() throws Exception {
        return new ObjectMapper().readTree(comfy.emulator().lastPromptBody()).get("prompt");
    }

    private ExecuteResult send(String uri, Object body, Map<String, Object> headers) {
        return template.requestBodyAndHeaders(uri, body, headers, ExecuteResult.class);
    }

    /** The message of the validation exception that sending fails with. */
    private String validationError(String uri, Object body, Map<String, Object> headers) {
        Throwable failure = catchThrowable(() -> send(uri, body, headers));
        assertThat(failure).isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(ComfyKitValidationException.class);
        return failure.getCause().getMessage();
    }

    /** The message of the start failure of a lazily started producer, which its first exchange fails with. */
    private String startFailure(String uri, Object body) {
        Throwable failure = catchThrowable(() -> send(uri, body, Map.of()));
        assertThat(failure).isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
        return failure.getCause().getMessage();
    }

    private static byte[] uploaded(String name) throws Exception {
        return Files.readAllBytes(comfy.emulator().inputDirectory().resolve(name));
    }

    @Test
    void aValueOutsideTheServersOwnLimitsFailsBeforeItCostsAQueueSlot() {
        long before = comfy.emulator().promptsReceived();

        Throwable failure = catchThrowable(() -> send("direct:t2i", "a cat", Map.of("width", "99999")));

        assertThat(failure.getCause()).isInstanceOf(ComfyKitValidationException.class);
        assertThat(((ComfyKitValidationException) failure.getCause()).getKind()).isEqualTo(
                dev.comfykit.client.ErrorKind.VALIDATION);
        assertThat(failure.getCause().getMessage()).startsWith("Param 'width' = 99999 is above the server's maximum"
                + " 16384 for EmptyLatentImage.width (node 5): pass a value from 16 to 16384 in steps of 8.");
        assertThat(comfy.emulator().promptsReceived()).isEqualTo(before);
    }

    @Test
    void endpointDefaultParamsAreTheDefaults() throws Exception {
        send("direct:t2i", "a cat", Map.of());
        JsonNode prompt = submitted();
        assertThat(prompt.at("/5/inputs/width").asInt()).isEqualTo(64);
        assertThat(prompt.at("/5/inputs/height").asInt()).isEqualTo(48);
        assertThat(prompt.at("/6/inputs/text").asText()).isEqualTo("a cat");
    }

    @Test
    void aMapBodyOverridesEndpointDefaultParams() throws Exception {
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
    void headersListedInHeaderParamsOverrideTheBodyAndAreCoerced() throws Exception {
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
    void aStreamBodyIsUploadedAsTheMediaParamUnderTheMessageFileName() throws Exception {
        byte[] picture = png(0xFF0000);
        ExecuteResult result = send("direct:edit", new ByteArrayInputStream(picture),
                Map.of(Exchange.FILE_NAME, "red-stream.png"));
        assertThat(result.isCompleted()).isTrue();
        assertThat(submitted().at("/1/inputs/image").asText()).isEqualTo("red-stream.png");
        assertThat(uploaded("red-stream.png")).isEqualTo(picture);
    }

    @Test
    void aFileBodyIsUploadedAsTheMediaParamUnderItsOwnName(@TempDir Path dir) throws Exception {
        byte[] picture = png(0x00FFFF);
        File file = Files.write(dir.resolve("cyan-file.png"), picture).toFile();
        ExecuteResult result = send("direct:edit", file, Map.of());
        assertThat(result.isCompleted()).isTrue();
        assertThat(submitted().at("/1/inputs/image").asText()).isEqualTo("cyan-file.png");
        assertThat(uploaded("cyan-file.png")).isEqualTo(picture);
    }

    @Test
    void aPathBodyIsUploadedAsTheMediaParamUnderItsOwnName(@TempDir Path dir) throws Exception {
        byte[] picture = png(0xFFFFFF);
        Path path = Files.write(dir.resolve("white-path.png"), picture);
        ExecuteResult result = send("direct:edit", path, Map.of());
        assertThat(result.isCompleted()).isTrue();
        assertThat(submitted().at("/1/inputs/image").asText()).isEqualTo("white-path.png");
        assertThat(uploaded("white-path.png")).isEqualTo(picture);
    }

    @Test
    void mediaParamChoosesWhichMediaParamTheBodyGoesTo() throws Exception {
        byte[] picture = png(0xFFFF00);
        ExecuteResult result = send("direct:two-images-overlay", picture,
                Map.of(Exchange.FILE_NAME, "yellow-overlay.png"));
        assertThat(result.isCompleted()).isTrue();
        assertThat(submitted().at("/2/inputs/image").asText()).isEqualTo("yellow-overlay.png");
        assertThat(submitted().at("/1/inputs/image").asText()).isEqualTo("example.png");
        assertThat(uploaded("yellow-overlay.png")).isEqualTo(picture);
    }

    @Test
    void aMediaParamThatNamesNoParamStopsTheProducerFromStartingNamingTheOption() throws Exception {
        assertThat(startFailure("direct:edit-picture", png(0x000000)))
                .contains("mediaParam=picture", "names no param", "Declared params", "image");
    }

    @Test
    void aFileForAWorkflowWithSeveralMediaParamsIsAValidationErrorThatNamesTheOption() throws Exception {
        assertThat(validationError("direct:two-images", png(0x000000), Map.of()))
                .contains("several media params [photo, overlay]", "mediaParam");
    }

    @Test
    void bytesForAWorkflowWithoutAMediaParamAreAValidationErrorThatSaysHowToSendText() {
        // bytes without a textual Content-Type are taken for a file: the error must point at the header that
        // makes them text
        assertThat(validationError("direct:text", "Hi".getBytes(StandardCharsets.UTF_8), Map.of()))
                .contains("no media param", "Content-Type");
    }

    @Test
    void bytesWithATextContentTypeAreReadAsText() {
        ExecuteResult result = send("direct:text-to-suffix", "see you".getBytes(StandardCharsets.UTF_8),
                Map.of(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8"));
        assertThat(result.getTexts()).containsExactly("Bye, see you");
    }

    @Test
    void bytesWithAJsonContentTypeAreParams() {
        byte[] json = "{\"text\": \"Hola\", \"suffix\": \"amigos\"}".getBytes(StandardCharsets.UTF_8);
        ExecuteResult result = send("direct:text", json, Map.of(Exchange.CONTENT_TYPE, "application/json"));
        assertThat(result.getTexts()).containsExactly("Hola, amigos");
    }

    @Test
    void anEmptyBodyAddsNothing() {
        // an HTTP GET: the params come from the endpoint and the query parameters
        assertThat(send("direct:text-to-suffix", new byte[0], Map.of()).getTexts())
                .containsExactly("Bye, from ComfyKit");
        assertThat(send("direct:text-to-suffix", "", Map.of()).getTexts()).containsExactly("Bye, from ComfyKit");
    }

    @Test
    void aFormBodyAddsNothing() {
        // the HTTP components already turned the form's fields into headers; read as text, the whole form would
        // become the suffix
        Map<String, Object> form = Map.of(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
        assertThat(send("direct:text-to-suffix", "suffix=ciao".getBytes(StandardCharsets.UTF_8), form).getTexts())
                .containsExactly("Bye, from ComfyKit");
        assertThat(send("direct:text-to-suffix", "suffix=ciao", form).getTexts())
                .containsExactly("Bye, from ComfyKit");
    }

    @Test
    void aJacksonObjectBodyIsParams() throws Exception {
        JsonNode body = new ObjectMapper().readTree("{\"prompt\": \"a heron\", \"width\": 56}");
        send("direct:t2i", body, Map.of());
        assertThat(submitted().at("/6/inputs/text").asText()).isEqualTo("a heron");
        assertThat(submitted().at("/5/inputs/width").asInt()).isEqualTo(56);
    }

    @Test
    void aBodyOfAnotherTypeIsAValidationErrorThatSaysWhatCanBeSent() {
        assertThat(validationError("direct:t2i", new Date(), Map.of()))
                .contains("java.util.Date", "cannot become workflow params", "Map or JSON object", "plain text");
    }

    @Test
    void aTextParamThatNamesNoParamStopsTheProducerFromStartingNamingTheOption() {
        assertThat(startFailure("direct:text-to-caption", "hello"))
                .contains("comfykit endpoint", "textParam=caption", "names no param", "Declared params");
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
