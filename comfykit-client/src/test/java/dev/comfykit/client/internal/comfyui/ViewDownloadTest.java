package dev.comfykit.client.internal.comfyui;

import com.sun.net.httpserver.HttpServer;
import dev.comfykit.client.internal.http.ComfyUiTransport;
import dev.comfykit.client.internal.http.HttpSender;
import dev.comfykit.client.internal.http.IoLanes;
import dev.comfykit.client.internal.http.ServerCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@code /view} download that is cut: resumed from where it stopped, also from a server that ignores Range (read
 * again, the delivered bytes skipped), and given up after a few tries.
 */
class ViewDownloadTest {

    private static final byte[] FILE = new byte[3 << 20];

    static {
        new Random(7).nextBytes(FILE);
    }

    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;

    /** A server whose first {@code cuts} answers stop after 1 MiB; it ignores Range. */
    private ComfyUiApi serverIgnoringRange(int cuts) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/view", exchange -> {
            int n = requests.incrementAndGet();
            ranges.add(String.valueOf(exchange.getRequestHeaders().getFirst("Range")));
            exchange.sendResponseHeaders(200, FILE.length);
            OutputStream out = exchange.getResponseBody();
            if (n <= cuts) {
                out.write(FILE, 0, 1 << 20);
                out.flush();
                // closing the exchange before the announced length is sent drops the connection
                exchange.close();
                return;
            }
            out.write(FILE);
            out.close();
        });
        server.start();
        return new ComfyUiApi(new ComfyUiTransport(new HttpSender(HttpClient.newHttpClient(),
                new IoLanes(Runnable::run)), URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                Duration.ofSeconds(5), new ServerCredentials(null, null, null), 64 << 20, 1L << 30));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aServerThatIgnoresRangeIsReadAgainAndTheDeliveredBytesSkipped() throws Exception {
        ComfyUiApi api = serverIgnoringRange(1);
        try (InputStream in = api.view("clip.mp4", "", "output").join()) {
            assertThat(in.readAllBytes()).isEqualTo(FILE);
        }
        assertThat(requests.get()).isEqualTo(2);
        assertThat(ranges.get(0)).isEqualTo("null");
        assertThat(ranges.get(1)).startsWith("bytes=").endsWith("-");
    }

    @Test
    void aDownloadCutMoreOftenThanTheResumesAllowFailsSayingSo() throws Exception {
        ComfyUiApi api = serverIgnoringRange(ViewDownload.MAX_RESUMES + 1);
        try (InputStream in = api.view("clip.mp4", "", "output").join()) {
            assertThatThrownBy(in::readAllBytes).hasMessageContaining("clip.mp4")
                    .hasMessageContaining(ViewDownload.MAX_RESUMES + " resumes");
        }
    }
}
