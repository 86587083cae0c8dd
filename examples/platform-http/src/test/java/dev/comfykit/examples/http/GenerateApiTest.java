package dev.comfykit.examples.http;

import dev.comfykit.emulator.ComfyUiEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generation API answers with an image for a prompt and with 400 and the reason without one.
 */
class GenerateApiTest {

    private static ComfyUiEmulator emulator;
    private static GenerateApi api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        emulator = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start();
        api = GenerateApi.start(0, emulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        api.close();
        emulator.close();
    }

    private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void answersWithTheImageForThePromptAndSeed() throws Exception {
        HttpResponse<byte[]> response = get("/generate?prompt=a%20red%20fox&seed=42&width=128");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(response.headers().firstValue("prompt")).as("request params are not echoed").isEmpty();
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(png.getWidth()).isEqualTo(128);
        assertThat(png.getHeight()).isEqualTo(320);
        assertThat(emulator.lastPromptBody()).contains("a red fox", "\"seed\":42");
    }

    @Test
    void aRequestWithoutAPromptIsABadRequestThatSaysWhy() throws Exception {
        HttpResponse<byte[]> response = get("/generate");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new String(response.body())).contains("Missing required param 'prompt'");
    }
}
