package dev.comfykit.camel;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What message data may and may not do. The route author's options are trusted; the body and headers are not: they
 * never change a locked param, only listed headers become params, and a text for a media param is the name of a file
 * on the server unless the route allows directories or URL prefixes.
 */
class MessageTrustTest extends EmulatorCamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @TempDir
    static Path allowed;

    @TempDir
    static Path outside;

    /** A plain HTTP server that counts every request it sees (the "internal URL" a caller must not reach). */
    private static HttpServer internal;
    private static final AtomicInteger INTERNAL_REQUESTS = new AtomicInteger();

    @BeforeAll
    static void startInternalServer() throws IOException {
        internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        internal.createContext("/", exchange -> {
            INTERNAL_REQUESTS.incrementAndGet();
            if (exchange.getRequestURI().getPath().equals("/inputs/moved.png")) {
                // an allowed URL that redirects outside the allowed prefix
                exchange.getResponseHeaders().add("Location", "/private/x.png");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            byte[] body = png(0x336699);
            exchange.getResponseHeaders().add("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        internal.start();
    }

    @AfterAll
    static void stopInternalServer() {
        internal.stop(0);
    }

    private static String internalUrl(String path) {
        return "http://127.0.0.1:" + internal.getAddress().getPort() + path;
    }

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:locked").to("comfykit:classpath:workflows/t2i.json?param.width=64&param.height=48"
                        + "&headerParams=prompt,seed");
                from("direct:prompt-only").to("comfykit:classpath:workflows/t2i.json?headerParams=prompt");
                from("direct:edit").to("comfykit:classpath:workflows/image-invert.json?headerParams=image");
                from("direct:edit-from-dir").to("comfykit:classpath:workflows/image-invert.json?headerParams=image"
                        + "&allowedMediaDirectories=" + allowed);
                // the test server runs on 127.0.0.1, so private URLs must be allowed as well
                from("direct:edit-from-url").to("comfykit:classpath:workflows/image-invert.json?headerParams=image"
                        + "&allowedMediaUrls=" + internalUrl("/inputs/") + "&allowPrivateUrls=true");
                from("direct:edit-from-url-public-only").to("comfykit:classpath:workflows/image-invert.json"
                        + "?headerParams=image&allowedMediaUrls=" + internalUrl("/inputs/"));
                from("direct:trusted-path").to("comfykit:classpath:workflows/image-invert.json?param.image="
                        + allowed.resolve("trusted.png"));
            }
        };
    }

    private Throwable failure(String uri, Object body, Map<String, Object> headers) {
        return catchThrowable(() -> template.requestBodyAndHeaders(uri, body, headers, ExecuteResult.class));
    }

    private String validationError(String uri, Object body, Map<String, Object> headers) {
        Throwable failure = failure(uri, body, headers);
        assertThat(failure).isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(ComfyKitValidationException.class);
        return failure.getCause().getMessage();
    }

    private static JsonNode lastPrompt() throws IOException {
        return new ObjectMapper().readTree(comfy.emulator().lastPromptBody()).get("prompt");
    }

    private static long uploads() throws IOException {
        try (Stream<Path> files = Files.list(comfy.emulator().inputDirectory())) {
            return files.count();
        }
    }

    static byte[] png(int rgb) {
        try {
            BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
            image.setRGB(0, 0, rgb);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- locked params and the header allow-list ---

    @Test
    void aLockedParamReachesTheServerUnchanged() throws Exception {
        template.requestBodyAndHeaders("direct:locked", null, Map.of("prompt", "a fox", "seed", "5"));
        assertThat(lastPrompt().at("/5/inputs/width").asInt()).isEqualTo(64);
        assertThat(lastPrompt().at("/5/inputs/height").asInt()).isEqualTo(48);
        assertThat(lastPrompt().at("/6/inputs/text").asText()).isEqualTo("a fox");
        assertThat(lastPrompt().at("/3/inputs/seed").asLong()).isEqualTo(5);
    }

    @Test
    void aHeaderCannotChangeALockedParam() {
        long before = comfy.emulator().promptsReceived();
        assertThat(validationError("direct:locked", null, Map.of("prompt", "a fox", "width", "99999")))
                .contains("Param 'width' is fixed by the route (param.width=64)", "cannot be set by the message");
        assertThat(comfy.emulator().promptsReceived()).isEqualTo(before);
    }

    @Test
    void neitherTheBodyNorTheParamsHeaderCanChangeALockedParam() {
        assertThat(validationError("direct:locked", Map.of("prompt", "a fox", "height", 4096), Map.of()))
                .contains("Param 'height' is fixed by the route");
        assertThat(validationError("direct:locked", "{\"prompt\": \"a fox\", \"width\": 4096}", Map.of()))
                .contains("Param 'width' is fixed by the route");
        assertThat(validationError("direct:locked", "a fox", Map.of(ComfyKitConstants.PARAMS, Map.of("width", 8))))
                .contains("Param 'width' is fixed by the route");
    }

    @Test
    void aHeaderNamedLikeAParamThatIsNotListedFailsNamingTheOption() {
        long before = comfy.emulator().promptsReceived();
        assertThat(validationError("direct:prompt-only", "a fox", Map.of("seed", "1")))
                .contains("header 'seed'", "headerParams (now: prompt)");
        assertThat(comfy.emulator().promptsReceived()).isEqualTo(before);
    }

    @Test
    void headersNamingNoParamAreStillIgnored() {
        ExecuteResult result = template.requestBodyAndHeaders("direct:locked", "a fox",
                Map.of("User-Agent", "curl", "CamelHttpMethod", "GET"), ExecuteResult.class);
        assertThat(result.isCompleted()).isTrue();
    }

    // --- media text from the message ---

    @ParameterizedTest
    @ValueSource(strings = {"/etc/hostname", "file:///etc/hostname", "../../etc/hostname", "~/secrets.png",
            "C:\\Windows\\win.ini", "\\\\server\\share\\x.png"})
    void aLocalPathFromAHeaderIsRefusedBeforeAnythingIsRead(String value) throws Exception {
        long before = uploads();
        String message = validationError("direct:edit", null, Map.of("image", value));
        assertThat(message).contains("Media param 'image'").containsAnyOf("allowedMediaDirectories",
                "allowedMediaUrls");
        assertThat(uploads()).isEqualTo(before);
    }

    @Test
    void aUrlFromAHeaderOrABodyIsRefusedAndNeverFetched() throws Exception {
        int before = INTERNAL_REQUESTS.get();
        long uploads = uploads();
        assertThat(validationError("direct:edit", null, Map.of("image", internalUrl("/x"))))
                .contains("Media param 'image'", "allowedMediaUrls");
        assertThat(validationError("direct:edit", Map.of("image", internalUrl("/x")), Map.of()))
                .contains("allowedMediaUrls");
        assertThat(validationError("direct:edit", "{\"image\": \"/etc/hostname\"}",
                Map.of(Exchange.CONTENT_TYPE, "application/json"))).contains("allowedMediaDirectories");
        assertThat(INTERNAL_REQUESTS.get()).isEqualTo(before);
        assertThat(uploads()).isEqualTo(uploads);
    }

    @Test
    void aPlainNameFromTheMessageIsAFileOnTheServerAndIsNeverReadLocally() throws Exception {
        Files.write(comfy.emulator().inputDirectory().resolve("on-server.png"), png(0x00ff00));
        long before = uploads();
        ExecuteResult result = template.requestBodyAndHeaders("direct:edit", null, Map.of("image", "on-server.png"),
                ExecuteResult.class);
        assertThat(result.isCompleted()).isTrue();
        assertThat(lastPrompt().at("/1/inputs/image").asText()).isEqualTo("on-server.png");
        assertThat(uploads()).isEqualTo(before);

        // pom.xml exists in the working directory: as a message value it is still only a name on the server
        assertThat(validationError("direct:edit", null, Map.of("image", "pom.xml")))
                .as("the server has no such input file").contains("pom.xml");
        assertThat(lastPrompt().at("/1/inputs/image").asText()).isEqualTo("pom.xml");
        assertThat(uploads()).isEqualTo(before);
    }

    @Test
    void aDataUriFromTheMessageIsUploadedWithinTheSizeLimit() throws Exception {
        String dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(png(0xff0000));
        ExecuteResult result = template.requestBodyAndHeaders("direct:edit", null, Map.of("image", dataUri),
                ExecuteResult.class);
        assertThat(result.isCompleted()).isTrue();
        assertThat(lastPrompt().at("/1/inputs/image").asText()).endsWith(".png");
    }

    @Test
    void aFileUnderAnAllowedDirectoryIsUploadedButEscapesAreRefused() throws Exception {
        Path inside = Files.write(allowed.resolve("inside.png"), png(0x0000ff));
        Path secret = Files.write(outside.resolve("secret.png"), png(0x111111));
        Path link = allowed.resolve("link.png");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, secret);

        ExecuteResult result = template.requestBodyAndHeaders("direct:edit-from-dir", null,
                Map.of("image", inside.toString()), ExecuteResult.class);
        assertThat(result.isCompleted()).isTrue();
        assertThat(lastPrompt().at("/1/inputs/image").asText()).isEqualTo("inside.png");

        long before = uploads();
        assertThat(validationError("direct:edit-from-dir", null, Map.of("image", allowed + "/../"
                + outside.getFileName() + "/secret.png"))).contains("outside the allowed directories");
        assertThat(validationError("direct:edit-from-dir", null, Map.of("image", link.toString())))
                .contains("outside the allowed directories");
        assertThat(validationError("direct:edit-from-dir", null, Map.of("image", "/etc/hostname")))
                .contains("outside the allowed directories");
        assertThat(uploads()).isEqualTo(before);
        // JUnit warns when a @TempDir holds a link to outside it; the link has served its purpose
        Files.delete(link);
    }

    @Test
    void aUrlUnderAnAllowedPrefixIsFetchedButOthersAreNot() throws Exception {
        int before = INTERNAL_REQUESTS.get();
        ExecuteResult result = template.requestBodyAndHeaders("direct:edit-from-url", null,
                Map.of("image", internalUrl("/inputs/cat.png")), ExecuteResult.class);
        assertThat(result.isCompleted()).isTrue();
        assertThat(INTERNAL_REQUESTS.get()).isEqualTo(before + 1);

        assertThat(validationError("direct:edit-from-url", null, Map.of("image", internalUrl("/private/x.png"))))
                .contains("not under an allowed URL prefix");
        assertThat(validationError("direct:edit-from-url", null, Map.of("image",
                internalUrl("/inputs/../private/x.png")))).contains("not under an allowed URL prefix");
        assertThat(validationError("direct:edit-from-url", null, Map.of("image",
                "http://user:pw@127.0.0.1:" + internal.getAddress().getPort() + "/inputs/x.png")))
                .contains("user info");
        assertThat(INTERNAL_REQUESTS.get()).isEqualTo(before + 1);
    }

    @Test
    void aRedirectFromAnAllowedUrlToOneOutsideThePrefixIsRefusedBeforeItIsFollowed() {
        int before = INTERNAL_REQUESTS.get();

        assertThat(validationError("direct:edit-from-url", null, Map.of("image", internalUrl("/inputs/moved.png"))))
                .contains("the redirect to " + internalUrl("/private/x.png"), "not under an allowed URL prefix");
        assertThat(INTERNAL_REQUESTS.get()).isEqualTo(before + 1);
    }

    @Test
    void anAllowedUrlPrefixOnALoopbackHostAlsoNeedsAllowPrivateUrls() {
        int before = INTERNAL_REQUESTS.get();

        assertThat(validationError("direct:edit-from-url-public-only", null,
                Map.of("image", internalUrl("/inputs/cat.png"))))
                .contains("resolves to a loopback address (127.0.0.1)", "Set allowPrivateUrls=true");
        assertThat(INTERNAL_REQUESTS.get()).isEqualTo(before);
    }

    @Test
    void theRouteAuthorsOwnPathIsTrusted() throws Exception {
        Files.write(allowed.resolve("trusted.png"), png(0x222222));
        ExecuteResult result = template.requestBody("direct:trusted-path", null, ExecuteResult.class);
        assertThat(result.isCompleted()).isTrue();
        assertThat(lastPrompt().at("/1/inputs/image").asText()).isEqualTo("trusted.png");
    }

    // --- bad bodies ---

    @Test
    void aJsonContentTypeWithInvalidJsonIsAValidationErrorNotAPrompt() {
        assertThat(validationError("direct:locked", "{\"prompt\": \"a fox\",", Map.of(Exchange.CONTENT_TYPE,
                "application/json"))).contains("JSON Content-Type but is not valid JSON");
        assertThat(validationError("direct:locked", "\"a fox\"".getBytes(), Map.of(Exchange.CONTENT_TYPE,
                "application/json; charset=utf-8"))).contains("is a JSON string, not an object");
    }

    // --- checked when the route starts ---

    @Test
    void aMisspeltLockedParamStopsTheRouteFromStartingWithTheClosestName() {
        assertThatThrownBy(() -> startWith("comfykit:classpath:workflows/t2i.json?param.widht=512"))
                .hasStackTraceContaining("option param.widht: Unknown param 'widht'")
                .hasStackTraceContaining("did you mean 'width'?");
    }

    @Test
    void aLockedParamOfTheWrongTypeStopsTheRouteFromStarting() {
        assertThatThrownBy(() -> startWith("comfykit:classpath:workflows/t2i.json?param.width=wide"))
                .hasStackTraceContaining("width");
    }

    @Test
    void aHeaderParamThatNamesNoParamStopsTheRouteFromStarting() {
        assertThatThrownBy(() -> startWith("comfykit:classpath:workflows/t2i.json?headerParams=prompt,sed"))
                .hasStackTraceContaining("option headerParams: Unknown param 'sed'")
                .hasStackTraceContaining("did you mean 'seed'?");
    }

    @Test
    void aParamBothLockedAndListedOrDefaultedStopsTheRouteFromStarting() {
        assertThatThrownBy(() -> startWith("comfykit:classpath:workflows/t2i.json?param.width=64&headerParams=width"))
                .hasStackTraceContaining("param.width locks it");
        assertThatThrownBy(() -> startWith("comfykit:classpath:workflows/t2i.json?param.width=64"
                + "&defaultParam.width=32")).hasStackTraceContaining("are both set");
    }

    @Test
    void anAllowedMediaDirectoryThatDoesNotExistStopsTheRouteFromStarting() {
        assertThatThrownBy(() -> startWith("comfykit:classpath:workflows/image-invert.json"
                + "?allowedMediaDirectories=/no/such/dir")).hasStackTraceContaining("allowedMediaDirectories")
                .hasStackTraceContaining("/no/such/dir does not exist");
    }

    @Test
    void lazyStartProducerDefersTheCheckToTheFirstMessage() throws Exception {
        startWith("comfykit:classpath:workflows/t2i.json?param.widht=512&lazyStartProducer=true");
    }

    private static void startWith(String uri) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:x").to(uri);
                }
            });
            context.start();
        }
    }
}
