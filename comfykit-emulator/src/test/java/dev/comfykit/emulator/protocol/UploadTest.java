package dev.comfykit.emulator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /upload/image: naming, dedup, overwrite, subfolders, types and path checks (protocol §9.1). */
class UploadTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void newFileKeepsItsName() throws Exception {
        Client.Response r = client.upload("up_new.png", bytes("one"), Map.of());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/json; charset=utf-8");
        assertThat(r.json()).isEqualTo(Client.json("{\"name\": \"up_new.png\", \"subfolder\": \"\", \"type\": \"input\"}"));
        assertThat(Files.readString(comfy.emulator().inputDirectory().resolve("up_new.png"))).isEqualTo("one");
    }

    @Test
    void sameBytesUnderTheSameNameAreReused() {
        client.upload("up_same.png", bytes("same"), Map.of());

        Client.Response r = client.upload("up_same.png", bytes("same"), Map.of());

        assertThat(r.json().get("name").asText()).isEqualTo("up_same.png");
    }

    @Test
    void differentBytesUnderTheSameNameAreRenamed() {
        client.upload("up_diff.png", bytes("first"), Map.of());

        assertThat(client.upload("up_diff.png", bytes("second"), Map.of()).json().get("name").asText()).isEqualTo("up_diff (1).png");
        assertThat(client.upload("up_diff.png", bytes("third"), Map.of()).json().get("name").asText()).isEqualTo("up_diff (2).png");
        assertThat(client.upload("up_diff.png", bytes("second"), Map.of()).json().get("name").asText()).isEqualTo("up_diff (1).png");
    }

    @Test
    void overwriteTrueOrOneReplacesTheFile() throws Exception {
        client.upload("up_over.png", bytes("old"), Map.of());

        assertThat(client.upload("up_over.png", bytes("new"), Map.of("overwrite", "true")).json().get("name").asText())
                .isEqualTo("up_over.png");
        assertThat(client.upload("up_over.png", bytes("newer"), Map.of("overwrite", "1")).json().get("name").asText())
                .isEqualTo("up_over.png");
        assertThat(Files.readString(comfy.emulator().inputDirectory().resolve("up_over.png"))).isEqualTo("newer");
    }

    @Test
    void subfolderAndTypeAreHonoured() {
        assertThat(client.upload("cap_sub.png", bytes("s"), Map.of("subfolder", "capsub", "type", "input", "overwrite", "1")).json())
                .isEqualTo(Client.json("{\"name\": \"cap_sub.png\", \"subfolder\": \"capsub\", \"type\": \"input\"}"));
        assertThat(client.upload("cap_tmp.png", bytes("t"), Map.of("type", "temp")).json())
                .isEqualTo(Client.json("{\"name\": \"cap_tmp.png\", \"subfolder\": \"\", \"type\": \"temp\"}"));
        assertThat(client.upload("cap_out.png", bytes("o"), Map.of("type", "output", "subfolder", "uploads")).json())
                .isEqualTo(Client.json("{\"name\": \"cap_out.png\", \"subfolder\": \"uploads\", \"type\": \"output\"}"));
        assertThat(comfy.emulator().inputDirectory().resolve("capsub/cap_sub.png")).exists();
        assertThat(comfy.emulator().tempDirectory().resolve("cap_tmp.png")).exists();
        assertThat(comfy.emulator().outputDirectory().resolve("uploads/cap_out.png")).exists();
    }

    @Test
    void subfolderEscapingTheBaseIs400() {
        Client.Response r = client.upload("evil.png", bytes("x"), Map.of("subfolder", "../../etc"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("application/octet-stream");
        assertThat(r.body()).isEmpty();
        assertThat(comfy.emulator().dataDirectory().getParent().resolve("etc/evil.png")).doesNotExist();
    }

    @Test
    void missingImagePartIs400() {
        Client.Response r = client.upload(null, null, Map.of("overwrite", "true"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void unknownTypeIs500() {
        assertThat(client.upload("x.png", bytes("x"), Map.of("type", "bogus")).status()).isEqualTo(500);
    }

    @Test
    void uploadedFileIsListedByLoadImageAndUsableBySubfolderPath() {
        client.upload("listed.png", bytes("x"), Map.of());

        assertThat(client.get("/object_info/LoadImage").json().get("LoadImage").get("input").get("required").get("image").get(0))
                .extracting(n -> n.asText()).contains("listed.png");
    }

    @Test
    void maskUploadPutsTheMaskAlphaOntoTheOriginal() throws Exception {
        client.upload("mask_base.png", png(0xFF00FF00, 4, 4), Map.of("overwrite", "true"));

        Client.Response r = client.upload("/upload/mask", "cap_mask.png", png(0x40000000, 4, 4), Map.of("type", "input",
                "subfolder", "clipspace", "original_ref", "{\"filename\": \"mask_base.png\", \"subfolder\": \"\", \"type\": \"input\"}"));

        assertThat(r.json()).isEqualTo(Client.json("{\"name\": \"cap_mask.png\", \"subfolder\": \"clipspace\", \"type\": \"input\"}"));
        java.awt.image.BufferedImage stored = javax.imageio.ImageIO.read(comfy.emulator().inputDirectory().resolve("clipspace/cap_mask.png").toFile());
        assertThat(stored.getRGB(1, 1)).isEqualTo(0x4000FF00);
    }

    @Test
    void maskUploadWithAMissingOriginalStillAnswers200ButWritesNothing() throws Exception {
        Client.Response r = client.upload("/upload/mask", "orphan_mask.png", png(0x40000000, 2, 2),
                Map.of("original_ref", "{\"filename\": \"nope.png\", \"type\": \"input\"}"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(comfy.emulator().inputDirectory().resolve("orphan_mask.png")).doesNotExist();
    }

    private static byte[] png(int argb, int w, int h) throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, argb);
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void apiAliasUploadsToo() {
        Client api = new Client(comfy.baseUrl() + "/api");

        assertThat(api.upload("via_api.png", bytes("a"), Map.of()).json().get("name").asText()).isEqualTo("via_api.png");
    }
}
