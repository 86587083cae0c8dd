package dev.comfykit.examples.http;

import dev.comfykit.emulator.ComfyUiEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generation API answers with an image for a prompt and with 400 and the reason for anything a caller may not
 * do: read a local file, make the application fetch a URL, or change the size the route fixed.
 */
class GenerateApiTest {

    private static ComfyUiEmulator emulator;
    private static GenerateApi api;
    private final HttpClient http = HttpClient.newHttpClient();

    /** A server that must never be reached through the API (an internal URL such as a metadata service). */
    private static HttpServer internal;
    private static final AtomicInteger INTERNAL_REQUESTS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        emulator = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start();
        api = GenerateApi.start(0, emulator.baseUrl());
        internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        internal.createContext("/", exchange -> {
            INTERNAL_REQUESTS.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        internal.start();
    }

    @AfterAll
    static void stop() {
        api.close();
        emulator.close();
        internal.stop(0);
    }

    private static long uploads() throws Exception {
        try (Stream<Path> files = Files.list(emulator.inputDirectory())) {
            return files.count();
        }
    }

    private HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void answersWithTheImageForThePromptAndSeed() throws Exception {
        HttpResponse<byte[]> response = get("/generate?prompt=a%20red%20fox&seed=42");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(response.headers().firstValue("prompt")).as("request params are not echoed").isEmpty();
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(png.getWidth()).isEqualTo(512);
        assertThat(png.getHeight()).isEqualTo(320);
        assertThat(emulator.lastPromptBody()).contains("a red fox", "\"seed\":42");
    }

    @Test
    void aCallerCannotChangeTheLockedSize() throws Exception {
        long prompts = emulator.promptsReceived();
        HttpResponse<byte[]> response = get("/generate?prompt=a%20red%20fox&width=99999");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new String(response.body())).contains("Param 'width' is fixed by the route (param.width=512)");
        assertThat(emulator.promptsReceived()).as("nothing reached the GPU").isEqualTo(prompts);

        get("/generate?prompt=a%20cat");
        assertThat(emulator.lastPromptBody()).contains("\"width\":512", "\"height\":320");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/hostname", "file:///etc/hostname", "../../../../etc/hostname"})
    void aLocalPathInTheQueryIsRefusedBeforeAnythingIsRead(String path) throws Exception {
        long uploads = uploads();
        HttpResponse<byte[]> response = get("/edit?image=" + URLEncoder.encode(path, StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new String(response.body())).contains("Media param 'image'", "allowedMedia");
        assertThat(uploads()).as("the emulator received no upload").isEqualTo(uploads);
    }

    @Test
    void aUrlInTheQueryOrAJsonBodyIsRefusedAndNeverFetched() throws Exception {
        String url = "http://127.0.0.1:" + internal.getAddress().getPort() + "/x";
        long uploads = uploads();

        HttpResponse<byte[]> query = get("/edit?image=" + URLEncoder.encode(url, StandardCharsets.UTF_8));
        HttpResponse<byte[]> json = post("/edit", "application/json",
                ("{\"image\": \"" + url + "\"}").getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> file = post("/edit", "application/json",
                "{\"image\": \"/etc/hostname\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(query.statusCode()).isEqualTo(400);
        assertThat(new String(query.body())).contains("allowedMediaUrls");
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(new String(json.body())).contains("allowedMediaUrls");
        assertThat(file.statusCode()).isEqualTo(400);
        assertThat(new String(file.body())).contains("allowedMediaDirectories");
        assertThat(INTERNAL_REQUESTS.get()).as("the internal server saw no request").isZero();
        assertThat(uploads()).as("the emulator received no upload").isEqualTo(uploads);
    }

    @Test
    void aPictureUploadedAsTheBodyIsEdited() throws Exception {
        BufferedImage white = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        white.setRGB(0, 0, 0xffffff);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(white, "png", png);

        HttpResponse<byte[]> response = post("/edit", "image/png", png.toByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        BufferedImage inverted = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(inverted.getRGB(0, 0) & 0xffffff).isEqualTo(0x000000);
    }

    @Test
    void invalidJsonIsABadRequestNamingTheProblem() throws Exception {
        HttpResponse<byte[]> response = post("/edit", "application/json", "{\"image\": ".getBytes());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new String(response.body())).contains("not valid JSON");
    }

    @Test
    void aRequestWithoutAPromptIsABadRequestThatSaysWhy() throws Exception {
        HttpResponse<byte[]> response = get("/generate");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new String(response.body())).contains("Missing required param 'prompt'");
    }
}
