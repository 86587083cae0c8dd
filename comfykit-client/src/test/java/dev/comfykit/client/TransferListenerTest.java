package dev.comfykit.client;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.comfykit.client.spi.TransferListener;
import dev.comfykit.client.testing.ComfyUiStubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/** A transfer listener is told the bytes of media uploads and output downloads, with the server's URL. */
class TransferListenerTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final ComfyUiStubs comfy = new ComfyUiStubs(server);
    private final ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(server.baseUrl())
            .timeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void uploadsAndDownloadsAreReportedPerServerUntilTheListenerIsRemoved() {
        comfy.acceptPrompts().emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);
        server.stubFor(post("/upload/image").willReturn(okJson(
                "{\"name\": \"in.png\", \"subfolder\": \"\", \"type\": \"input\"}")));
        server.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withBody(new byte[1000])));
        AtomicLong uploaded = new AtomicLong();
        AtomicLong downloaded = new AtomicLong();
        List<String> servers = new CopyOnWriteArrayList<>();
        TransferListener listener = new TransferListener() {
            @Override
            public void uploaded(String serverUrl, long bytes) {
                servers.add(serverUrl);
                uploaded.addAndGet(bytes);
            }

            @Override
            public void downloaded(String serverUrl, long bytes) {
                servers.add(serverUrl);
                downloaded.addAndGet(bytes);
            }
        };
        kit.addTransferListener(listener);

        ExecuteResult result = kit.execute("classpath:workflows/invert.json", Map.of("image", PNG)).join().orThrow();
        kit.download(result.getFiles().get(0)).join();

        assertThat(uploaded).hasValue(PNG.length);
        assertThat(downloaded).hasValue(1000);
        assertThat(servers).isNotEmpty().allMatch(url -> url.equals(kit.servers().get(0).url()));

        kit.removeTransferListener(listener);
        kit.download(result.getFiles().get(0)).join();
        assertThat(downloaded).hasValue(1000);
    }
}
