package dev.comfykit.client;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.comfykit.client.testing.ComfyUiStubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Media params: what is uploaded, under which name, and what the workflow then references.
 */
class MediaUploadTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static WireMockExtension otherHost = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private final ComfyUiStubs comfy = new ComfyUiStubs(server);
    private ComfyKit kit;

    @BeforeEach
    void setUp() {
        comfy.acceptPrompts().emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);
        server.stubFor(post("/upload/image").willReturn(okJson(
                "{\"name\": \"stored (1).png\", \"subfolder\": \"\", \"type\": \"input\"}")));
        kit = builder().build();
    }

    private static ComfyKitBuilder builder() {
        // the test server that serves media URLs runs on localhost
        return ComfyKit.builder().environment(name -> null).allowPrivateUrls(true).comfyuiUrl(server.baseUrl())
                .apiKey("test-api-key")
                .maxUploadBytes(1024).timeout(Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private String imageInputOfSubmittedPrompt() {
        return comfy.submittedPrompts().get(0).at("/prompt/10/inputs/image").asText();
    }

    private LoggedRequest upload() {
        return server.findAll(postRequestedFor(urlEqualTo("/upload/image"))).get(0);
    }

    @Test
    void bytesAreUploadedUnderAContentHashNameAndTheServersNameIsUsed() {
        kit.execute("classpath:workflows/invert.json", Map.of("image", PNG)).join().orThrow();

        LoggedRequest upload = upload();
        assertThat(upload.getHeader("Content-Type")).startsWith("multipart/form-data; boundary=");
        var image = upload.getPart("image");
        assertThat(image.getHeader("Content-Disposition").firstValue()).matches(
                "form-data; name=\"image\"; filename=\"comfykit-[0-9a-f]{16}\\.png\"");
        assertThat(image.getHeader("Content-Type").firstValue()).isEqualTo("image/png");
        assertThat(image.getBody().asBytes()).isEqualTo(PNG);
        assertThat(upload.getPart("type").getBody().asString()).isEqualTo("input");
        assertThat(upload.getPart("overwrite")).as("never overwrite another user's file").isNull();
        assertThat(upload.getHeader("Authorization")).isEqualTo("Bearer test-api-key");
        assertThat(imageInputOfSubmittedPrompt()).isEqualTo("stored (1).png");
    }

    @Test
    void filesKeepTheirNameAndSubfoldersAreReferenced(@TempDir Path dir) throws Exception {
        server.stubFor(post("/upload/image").willReturn(okJson(
                "{\"name\": \"cat.png\", \"subfolder\": \"capsub\", \"type\": \"input\"}")));
        Path cat = Files.write(dir.resolve("cat.png"), PNG);

        kit.execute("classpath:workflows/invert.json", Map.of("image", cat)).join().orThrow();

        assertThat(upload().getPart("image").getHeader("Content-Disposition").firstValue())
                .contains("filename=\"cat.png\"");
        assertThat(imageInputOfSubmittedPrompt()).isEqualTo("capsub/cat.png");
    }

    @Test
    void textNamingALocalFileIsUploadedAndOtherTextIsAnUploadedName(@TempDir Path dir) throws Exception {
        Path dog = Files.write(dir.resolve("dog.png"), PNG);
        kit.execute("classpath:workflows/invert.json", Map.of("image", dog.toString())).join().orThrow();
        assertThat(server.findAll(postRequestedFor(urlEqualTo("/upload/image")))).hasSize(1);

        server.resetRequests();
        kit.execute("classpath:workflows/invert.json", Map.of("image", "already/there.png")).join().orThrow();
        assertThat(server.findAll(postRequestedFor(urlEqualTo("/upload/image")))).isEmpty();
        assertThat(imageInputOfSubmittedPrompt()).isEqualTo("already/there.png");
    }

    @Test
    void mediaInputAndStreamsAreUploaded() {
        kit.execute("classpath:workflows/invert.json",
                Map.of("image", MediaInput.of(new ByteArrayInputStream(PNG), "photo.png"))).join().orThrow();
        assertThat(upload().getPart("image").getHeader("Content-Disposition").firstValue())
                .contains("filename=\"photo.png\"");
    }

    @Test
    void aBareInputStreamIsUploadedUnderAContentHashName() {
        kit.execute("classpath:workflows/invert.json", Map.of("image", new ByteArrayInputStream(PNG))).join()
                .orThrow();

        var image = upload().getPart("image");
        assertThat(image.getHeader("Content-Disposition").firstValue()).matches(
                "form-data; name=\"image\"; filename=\"comfykit-[0-9a-f]{16}\\.png\"");
        assertThat(image.getBody().asBytes()).isEqualTo(PNG);
        assertThat(imageInputOfSubmittedPrompt()).isEqualTo("stored (1).png");
    }

    @Test
    void urlsAreDownloadedWithoutTheServersCredentialsAndThenUploaded() {
        kit.close();
        kit = builder().cookies("session=server-only-cookie; theme=dark").build();
        otherHost.stubFor(get("/media/cat").willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(PNG)));

        kit.execute("classpath:workflows/invert.json",
                Map.of("image", URI.create(otherHost.baseUrl() + "/media/cat"))).join().orThrow();

        LoggedRequest download = otherHost.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .getRequestedFor(urlEqualTo("/media/cat"))).get(0);
        assertThat(download.containsHeader("Authorization")).isFalse();
        assertThat(download.containsHeader("Cookie")).isFalse();
        assertThat(upload().getHeader("Cookie")).as("the cookies are configured and reach the ComfyUI server")
                .isEqualTo("session=server-only-cookie; theme=dark");
        assertThat(upload().getHeader("Authorization")).isEqualTo("Bearer test-api-key");
        assertThat(upload().getPart("image").getBody().asBytes()).isEqualTo(PNG);
        assertThat(upload().getPart("image").getHeader("Content-Disposition").firstValue())
                .contains("filename=\"cat.png\"");
    }

    @Test
    void downloadsAreBoundedAndNothingIsSubmittedWhenTooLarge() {
        otherHost.stubFor(get("/big.png").willReturn(aResponse().withBody(new byte[4096])));

        assertThatThrownBy(() -> kit.execute("classpath:workflows/invert.json",
                Map.of("image", otherHost.baseUrl() + "/big.png")).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("larger than the limit of 1024 bytes");
        assertThat(comfy.submittedPrompts()).isEmpty();
    }

    @Test
    void aMissingFileOrUnreachableUrlIsAnInputError() {
        assertThatThrownBy(() -> kit.execute("classpath:workflows/invert.json",
                Map.of("image", Path.of("/no/such/file.png"))).join())
                .hasCauseInstanceOf(InvalidParameterException.class).hasMessageContaining("does not exist");
        otherHost.stubFor(get("/gone.png").willReturn(aResponse().withStatus(404)));
        assertThatThrownBy(() -> kit.execute("classpath:workflows/invert.json",
                Map.of("image", otherHost.baseUrl() + "/gone.png")).join())
                .hasCauseInstanceOf(InvalidParameterException.class).hasMessageContaining("HTTP 404");
        assertThat(comfy.submittedPrompts()).isEmpty();
    }

    @Test
    void byDefaultAMediaUrlOnALoopbackHostIsRefusedBeforeItIsFetched() {
        otherHost.stubFor(get("/cat.png").willReturn(aResponse().withBody(new byte[]{1, 2, 3})));
        try (ComfyKit strict = ComfyKit.builder().environment(name -> null).comfyuiUrl(server.baseUrl()).build()) {
            assertThatThrownBy(() -> strict.execute("classpath:workflows/invert.json",
                    Map.of("image", otherHost.baseUrl() + "/cat.png?api_key=k3y")).join())
                    .hasCauseInstanceOf(InvalidParameterException.class)
                    .hasMessageContaining("resolves to a loopback address")
                    .hasMessageContaining("Set allowPrivateUrls=true")
                    .hasMessageContaining("api_key=****").hasMessageNotContaining("k3y");
        }
        assertThat(otherHost.getAllServeEvents()).isEmpty();
        assertThat(comfy.submittedPrompts()).isEmpty();
    }
}
