package dev.comfykit.client;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.comfykit.client.testing.ComfyUiStubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Output files are read through the client and saved under safe names, whatever names the server reports.
 */
class OutputDownloadTest {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final ComfyUiStubs comfy = new ComfyUiStubs(server);
    private ComfyKit kit;

    @BeforeEach
    void setUp() {
        kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(server.baseUrl())
                .timeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private ExecuteResult runWithOutputNamed(String filename, String subfolder) {
        comfy.acceptPrompts().emptyQueue().history("""
                {"outputs": {"2": {"images": [{"filename": %s, "subfolder": %s, "type": "output"}]}},
                 "status": {"status_str": "success"}}
                """.formatted(quote(filename), quote(subfolder)));
        server.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withBody(new byte[]{7, 7, 7})));
        return kit.execute("classpath:workflows/simple.json", Map.of("prefix", "x")).join();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void hostileFileNamesFromTheServerAreSavedInsideTheDirectory(@TempDir Path dir) throws Exception {
        ExecuteResult result = runWithOutputNamed("../../../../tmp/evil.sh", "../../..");

        ExecuteResult saved = kit.saveOutputs(result, dir).join();

        Path path = saved.getFiles().get(0).getPath();
        assertThat(path.getParent()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(path.getFileName()).hasToString("evil.sh");
        assertThat(Files.readAllBytes(path)).containsExactly(7, 7, 7);
        var view = server.findAll(getRequestedFor(urlPathEqualTo("/view"))).get(0);
        assertThat(view.queryParameter("filename").firstValue()).isEqualTo("../../../../tmp/evil.sh");
        assertThat(view.queryParameter("subfolder").firstValue()).isEqualTo("../../..");
    }

    @Test
    void outputsCanBeReadAsBytesAndStreams() throws Exception {
        ExecuteResult result = runWithOutputNamed("cap in (1).png", "");
        OutputFile file = result.getFiles().get(0);

        assertThat(kit.download(file).join()).containsExactly(7, 7, 7);
        assertThat(file.readAllBytes()).containsExactly(7, 7, 7);
        try (var in = kit.openStream(file).join()) {
            assertThat(in.readAllBytes()).containsExactly(7, 7, 7);
        }
        assertThat(file.getContentType()).isEqualTo("image/png");
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo("/view"))).get(0).getUrl())
                .contains("filename=cap%20in%20%281%29.png");
    }
}
