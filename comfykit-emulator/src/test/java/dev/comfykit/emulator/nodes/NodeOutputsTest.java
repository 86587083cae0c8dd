package dev.comfykit.emulator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.Workflows;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The nodes really run: real pixels, sizes, files. */
class NodeOutputsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private Client client;

    @BeforeEach
    void setUp() {
        client = new Client(comfy.baseUrl());
    }

    private JsonNode run(String prompt) {
        String id = client.submit(prompt, null);
        JsonNode entry = client.awaitHistory(id);
        assertThat(entry.get("status").get("status_str").asText()).as(entry.toString()).isEqualTo("success");
        return entry.get("outputs");
    }

    private byte[] view(JsonNode file) {
        Client.Response r = client.get("/view?filename=" + file.get("filename").asText().replace(" ", "%20")
                + "&subfolder=" + file.get("subfolder").asText() + "&type=" + file.get("type").asText());
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    private BufferedImage image(JsonNode file) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(view(file)));
    }

    @Test
    void emptyImageHasTheRequestedSizeAndColor() throws Exception {
        BufferedImage img = image(run(Workflows.emptyToSave(0xFF8000, "sized")).get("2").get("images").get(0));

        assertThat(img.getWidth()).isEqualTo(64);
        assertThat(img.getHeight()).isEqualTo(48);
        assertThat(img.getRGB(10, 10) & 0xFFFFFF).isEqualTo(0xFF8000);
    }

    @Test
    void imageInvertReallyInvertsAnUploadedImage() throws Exception {
        BufferedImage blue = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                blue.setRGB(x, y, 0x0000FF);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(blue, "png", png);
        String name = client.upload("cap_in_blue.png", png.toByteArray(), Map.of("overwrite", "true")).json().get("name").asText();

        BufferedImage out = image(run("""
                {"10": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
                 "11": {"class_type": "ImageInvert", "inputs": {"image": ["10", 0]}},
                 "12": {"class_type": "SaveImage", "inputs": {"images": ["11", 0], "filename_prefix": "cap_inverted"}}}
                """.formatted(name)).get("12").get("images").get(0));

        assertThat(out.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFF00);
    }

    @Test
    void loadImageAcceptsSubfolderPathsAndAnnotatedNames() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB), "png", png);
        client.upload("cap_sub.png", png.toByteArray(), Map.of("subfolder", "capsub", "overwrite", "1"));
        client.upload("cap_out.png", png.toByteArray(), Map.of("type", "output", "overwrite", "1"));

        JsonNode outputs = run("""
                {"10": {"class_type": "LoadImage", "inputs": {"image": "capsub/cap_sub.png"}},
                 "11": {"class_type": "LoadImage", "inputs": {"image": "cap_out.png [output]"}},
                 "12": {"class_type": "PreviewImage", "inputs": {"images": ["10", 0]}},
                 "13": {"class_type": "PreviewImage", "inputs": {"images": ["11", 0]}}}
                """);

        assertThat(image(outputs.get("12").get("images").get(0)).getWidth()).isEqualTo(5);
        assertThat(image(outputs.get("13").get("images").get(0)).getHeight()).isEqualTo(3);
    }

    @Test
    void imageScaleAndScaleByProduceTheRequestedSizes() throws Exception {
        JsonNode outputs = run("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 40, "height": 20, "batch_size": 1, "color": 1}},
                 "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "bilinear", "width": 100, "height": 0, "crop": "disabled"}},
                 "3": {"class_type": "ImageScaleBy", "inputs": {"image": ["1", 0], "upscale_method": "nearest-exact", "scale_by": 0.5}},
                 "4": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "area", "width": 30, "height": 30, "crop": "center"}},
                 "5": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "scale"}},
                 "6": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "scaleby"}},
                 "7": {"class_type": "SaveImage", "inputs": {"images": ["4", 0], "filename_prefix": "crop"}}}
                """);

        BufferedImage scaled = image(outputs.get("5").get("images").get(0));
        BufferedImage half = image(outputs.get("6").get("images").get(0));
        BufferedImage cropped = image(outputs.get("7").get("images").get(0));
        assertThat(new int[] {scaled.getWidth(), scaled.getHeight()}).containsExactly(100, 50);
        assertThat(new int[] {half.getWidth(), half.getHeight()}).containsExactly(20, 10);
        assertThat(new int[] {cropped.getWidth(), cropped.getHeight()}).containsExactly(30, 30);
    }

    @Test
    void imageBlurKeepsTheSize() throws Exception {
        BufferedImage blurred = image(run("""
                {"50": {"class_type": "EmptyImage", "inputs": {"width": 32, "height": 16, "batch_size": 1, "color": 123456}},
                 "51": {"class_type": "ImageBlur", "inputs": {"image": ["50", 0], "blur_radius": 3, "sigma": 1.0}},
                 "53": {"class_type": "SaveImage", "inputs": {"images": ["51", 0], "filename_prefix": "blur"}}}
                """).get("53").get("images").get(0));

        assertThat(blurred.getWidth()).isEqualTo(32);
        assertThat(blurred.getRGB(5, 5) & 0xFFFFFF).isEqualTo(123456);
    }

    @Test
    void saveImageNumbersFilesAndEmbedsThePrompt() throws Exception {
        JsonNode first = run(Workflows.emptyToSave(0x123, "numbered")).get("2").get("images").get(0);
        JsonNode second = run(Workflows.emptyToSave(0x124, "numbered")).get("2").get("images").get(0);

        assertThat(first.get("filename").asText()).isEqualTo("numbered_00001_.png");
        assertThat(second.get("filename").asText()).isEqualTo("numbered_00002_.png");
        String text = new String(view(first), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).contains("tEXtprompt").contains("\"class_type\": \"EmptyImage\"");
    }

    @Test
    void saveImagePrefixWithSubfolder() {
        JsonNode file = run("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 5}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "sub/dir/name"}}}
                """).get("2").get("images").get(0);

        assertThat(file.get("subfolder").asText()).isEqualTo("sub/dir");
        assertThat(file.get("filename").asText()).isEqualTo("name_00001_.png");
        assertThat(comfy.emulator().outputDirectory().resolve("sub/dir/name_00001_.png")).exists();
    }

    @Test
    void textToImageIsDeterministicAndDependsOnPromptAndSeed() {
        byte[] a = view(run(Workflows.t2i("a red fox", 42, 2, 128, 96)).get("9").get("images").get(0));
        byte[] again = view(run(Workflows.t2i("a red fox", 42, 3, 128, 96).replace("\"steps\": 3", "\"steps\": 2")
                .replace("\"t2i\"", "\"t2i_again\"")).get("9").get("images").get(0));
        byte[] otherSeed = view(run(Workflows.t2i("a red fox", 43, 2, 128, 96)).get("9").get("images").get(0));
        byte[] otherPrompt = view(run(Workflows.t2i("a blue fox", 42, 2, 128, 96)).get("9").get("images").get(0));

        assertThat(pixels(a)).isEqualTo(pixels(again));
        assertThat(pixels(a)).isNotEqualTo(pixels(otherSeed));
        assertThat(pixels(a)).isNotEqualTo(pixels(otherPrompt));
    }

    @Test
    void textToImageHasTheRequestedSize() throws Exception {
        BufferedImage img = image(run(Workflows.t2i("size", 1, 1, 320, 200)).get("9").get("images").get(0));

        assertThat(img.getWidth()).isEqualTo(320);
        assertThat(img.getHeight()).isEqualTo(200);
    }

    private static int[] pixels(byte[] png) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void primitivesAndPreviewAnyRenderLikePython() {
        JsonNode outputs = run("""
                {"1": {"class_type": "PrimitiveFloat", "inputs": {"value": 0.5}},
                 "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
                 "3": {"class_type": "PrimitiveBoolean", "inputs": {"value": true}},
                 "4": {"class_type": "PreviewAny", "inputs": {"source": ["3", 0]}},
                 "5": {"class_type": "PrimitiveInt", "inputs": {"value": "7"}},
                 "6": {"class_type": "PreviewAny", "inputs": {"source": ["5", 0]}}}
                """);

        assertThat(outputs.get("2").get("text").get(0).asText()).isEqualTo("0.5");
        assertThat(outputs.get("4").get("text").get(0).asText()).isEqualTo("True");
        assertThat(outputs.get("6").get("text").get(0).asText()).isEqualTo("7");
    }

    @Test
    void saveAudioWritesAValidWav() throws Exception {
        JsonNode audio = run("""
                {"1": {"class_type": "EmulatorAudioTone", "inputs": {"frequency": 440.0, "seconds": 0.5, "sample_rate": 8000}},
                 "2": {"class_type": "SaveAudio", "inputs": {"audio": ["1", 0], "filename_prefix": "audio/tone"}}}
                """).get("2").get("audio").get(0);

        assertThat(audio.get("filename").asText()).isEqualTo("tone_00001_.wav");
        assertThat(audio.get("subfolder").asText()).isEqualTo("audio");
        Client.Response r = client.get("/view?filename=tone_00001_.wav&subfolder=audio&type=output");
        assertThat(r.contentType()).isEqualTo("audio/x-wav");
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(r.body()))) {
            AudioFormat format = in.getFormat();
            assertThat(format.getSampleRate()).isEqualTo(8000f);
            assertThat(format.getSampleSizeInBits()).isEqualTo(16);
            assertThat(in.getFrameLength()).isEqualTo(4000);
        }
    }

    @Test
    void videoCombineWritesAnAnimatedGifUnderGifs() throws Exception {
        JsonNode gif = run("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 3, "color": 255}},
                 "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
                 "3": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["2", 0], "frame_rate": 4, "loop_count": 0,
                       "filename_prefix": "anim", "format": "image/gif", "pingpong": true, "save_output": true}}}
                """).get("3").get("gifs").get(0);

        assertThat(gif.get("filename").asText()).isEqualTo("anim_00001.gif");
        assertThat(gif.get("format").asText()).isEqualTo("image/gif");
        assertThat(gif.get("type").asText()).isEqualTo("output");
        assertThat(gif.get("workflow").asText()).isEqualTo("anim_00001.png");
        Client.Response r = client.get("/view?filename=anim_00001.gif&type=output");
        assertThat(r.contentType()).isEqualTo("image/gif");
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(r.body()))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(4);
            assertThat(reader.read(0).getWidth()).isEqualTo(16);
        }
    }
}
