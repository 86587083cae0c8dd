package dev.comfykit.emulator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /view: files by type and subfolder, annotated names, and the 400/403/404 rules (protocol §9.3). */
class ViewTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private static byte[] png;
    private Client client;

    @BeforeAll
    static void image() throws Exception {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x800000FF);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        png = out.toByteArray();
    }

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
        client.upload("cap_in.png", png, Map.of("overwrite", "true"));
        client.upload("cap_sub.png", png, Map.of("overwrite", "true", "subfolder", "capsub"));
    }

    @Test
    void servesAnInputFileWithContentTypeAndDisposition() {
        Client.Response r = client.get("/view?filename=cap_in.png&type=input");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("image/png");
        assertThat(r.header("Content-Disposition")).isEqualTo("filename=\"cap_in.png\"");
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(png.length));
        assertThat(r.body()).isEqualTo(png);
    }

    @Test
    void typeDefaultsToOutput() {
        String id = client.submit(dev.comfykit.emulator.support.Workflows.emptyToSave(800, "view_out"), null);
        String name = client.awaitHistory(id).get("outputs").get("2").get("images").get(0).get("filename").asText();

        Client.Response r = client.get("/view?filename=" + name);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void annotatedFilenameOverridesType() {
        Client.Response r = client.get("/view?filename=cap_in.png%20%5Binput%5D&type=output");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Disposition")).isEqualTo("filename=\"cap_in.png\"");
    }

    @Test
    void subfolder() {
        assertThat(client.get("/view?filename=cap_sub.png&type=input&subfolder=capsub").status()).isEqualTo(200);
        assertThat(client.get("/view?filename=cap_in.png&type=input&subfolder=").status()).isEqualTo(200);
    }

    @Test
    void missingFileIs404() {
        Client.Response r = client.get("/view?filename=nope.png&type=output");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.contentType()).isEqualTo("application/octet-stream");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void missingFilenameIs404() {
        assertThat(client.get("/view").status()).isEqualTo(404);
    }

    @Test
    void dotDotOrAbsoluteFilenameIs400() {
        assertThat(client.get("/view?filename=../secret.png").status()).isEqualTo(400);
        assertThat(client.get("/view?filename=%2Fetc%2Fpasswd").status()).isEqualTo(400);
    }

    @Test
    void unknownTypeIs400() {
        Client.Response r = client.get("/view?filename=cap_in.png&type=bogus");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void subfolderEscapingTheBaseIs403() {
        Client.Response r = client.get("/view?filename=cap_in.png&type=input&subfolder=../../");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.contentType()).isEqualTo("application/octet-stream");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void channelRgbDropsAlphaAndChannelAKeepsOnlyAlpha() throws Exception {
        BufferedImage rgb = ImageIO.read(new ByteArrayInputStream(client.get("/view?filename=cap_in.png&type=input&channel=rgb").body()));
        BufferedImage a = ImageIO.read(new ByteArrayInputStream(client.get("/view?filename=cap_in.png&type=input&channel=a").body()));

        assertThat(rgb.getColorModel().hasAlpha()).isFalse();
        assertThat(rgb.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x0000FF);
        assertThat(a.getRGB(0, 0) >>> 24).isEqualTo(0x80);
        assertThat(a.getRGB(0, 0) & 0xFFFFFF).isZero();
    }

    @Test
    void jpegPreviewIsReencoded() {
        Client.Response r = client.get("/view?filename=cap_in.png&type=input&preview=jpeg;80");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("image/jpeg");
        assertThat(r.body()).startsWith(0xFF, 0xD8, 0xFF);
    }

    @Test
    void fileNamesWithSpacesAndParenthesesNeedUrlEncoding() {
        client.upload("cap_in.png", "different".getBytes(StandardCharsets.UTF_8), Map.of());

        assertThat(client.get("/view?filename=cap_in%20(1).png&type=input").status()).isEqualTo(200);
    }

    @Test
    void apiAlias() {
        assertThat(client.get("/api/view?filename=cap_in.png&type=input").body()).isEqualTo(png);
    }
}
