package dev.comfykit.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.comfykit.client.testing.ComfyUiStubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The api key and cookies reach the ComfyUI server, in every request, and nothing else: no other host, no log line,
 * no message.
 */
class CredentialsTest {

    private static final String API_KEY = "sk-comfy-SECRET-4711";
    private static final String COOKIE_VALUE = "COOKIE-SECRET-0815";

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static WireMockExtension otherHost = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private final ComfyUiStubs comfy = new ComfyUiStubs(server);
    private ComfyKit kit;

    @BeforeEach
    void stubs() {
        comfy.acceptPrompts().emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);
    }

    @AfterEach
    void close() {
        if (kit != null) {
            kit.close();
        }
    }

    private ComfyKit kit(String cookies) {
        kit = ComfyKit.builder().environment(name -> null).allowPrivateUrls(true).comfyuiUrl(server.baseUrl())
                .apiKey(API_KEY)
                .cookies(cookies).timeout(Duration.ofSeconds(10)).build();
        return kit;
    }

    private ExecuteResult run() {
        return kit.execute("classpath:workflows/simple.json", Map.of("prefix", "x")).join();
    }

    @Test
    void theApiKeyIsABearerTokenOnEveryRequestAndTheKeyForPaidNodes() {
        kit(null);
        ExecuteResult result = run();

        List<LoggedRequest> requests = server.findAll(anyRequestedFor(anyUrl()));
        // with few prompts waiting, the history is polled directly (the queue only to tell queued from lost)
        assertThat(requests).extracting(LoggedRequest::getUrl).contains("/prompt",
                "/history/" + result.getPromptId());
        assertThat(requests).allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + API_KEY));
        JsonNode body = comfy.submittedPrompts().get(0);
        assertThat(body.at("/extra_data/api_key_comfy_org").asText()).isEqualTo(API_KEY);
    }

    @Test
    void cookiesAsJson() {
        kit("{\"session\": \"" + COOKIE_VALUE + "\", \"theme\": \"dark\"}");
        run();
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).allSatisfy(r ->
                assertThat(r.getHeader("Cookie")).isEqualTo("session=" + COOKIE_VALUE + "; theme=dark"));
    }

    @Test
    void cookiesAsPairs() {
        kit("session=" + COOKIE_VALUE + "; theme=dark");
        run();
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).allSatisfy(r ->
                assertThat(r.getHeader("Cookie")).isEqualTo("session=" + COOKIE_VALUE + "; theme=dark"));
    }

    @Test
    void cookiesFromAUrlAreFetchedOnceWithoutCredentials() {
        otherHost.stubFor(get("/cookies.txt").willReturn(aResponse().withBody("session=" + COOKIE_VALUE)));
        kit(otherHost.baseUrl() + "/cookies.txt");
        run();
        run();
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).allSatisfy(r ->
                assertThat(r.getHeader("Cookie")).isEqualTo("session=" + COOKIE_VALUE));
        List<LoggedRequest> fetches = otherHost.findAll(getRequestedFor(urlEqualTo("/cookies.txt")));
        assertThat(fetches).hasSize(1);
        assertThat(fetches.get(0).containsHeader("Authorization")).isFalse();
    }

    @Test
    void outputDownloadsCarryTheCredentialsBecauseTheyGoToTheSameServer(@TempDir Path dir) {
        server.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withBody(new byte[]{1, 2, 3})));
        kit(null);
        ExecuteResult saved = kit.saveOutputs(run(), dir).join();

        assertThat(saved.getFiles().get(0).getPath()).exists();
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo("/view"))).get(0).getHeader("Authorization"))
                .isEqualTo("Bearer " + API_KEY);
    }

    @Test
    void secretsAppearInNoLogLineResultOrMessage() throws Exception {
        kit("session=" + COOKIE_VALUE);
        ExecuteResult completed = run();
        server.stubFor(post("/prompt").willReturn(aResponse().withStatus(500).withBody("boom")));
        ExecuteResult failed = run();
        kit.close();

        assertThat(failed.isFailed()).isTrue();
        for (String text : List.of(completed.toJson(), failed.toJson(), kit.toString(), kit.config().toString())) {
            assertThat(text).doesNotContain(API_KEY, COOKIE_VALUE);
        }
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/test-logs.txt"));
        assertThat(log).exists();
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(logged).contains("ComfyKit created").doesNotContain(API_KEY, COOKIE_VALUE);
    }
}
