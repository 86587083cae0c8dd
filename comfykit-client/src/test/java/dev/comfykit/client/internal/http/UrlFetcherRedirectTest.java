package dev.comfykit.client.internal.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redirects are followed by the fetcher, hop by hop, and every hop passes the same rules as the first URL: the
 * scheme, the address guard and the caller's own rule (an allowed URL prefix). A refused hop is never requested.
 */
class UrlFetcherRedirectTest {

    private HttpServer server;
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private String base;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requested.add(path);
            String location = switch (path) {
                case "/allowed/a" -> "/allowed/b";
                case "/allowed/out" -> "/other/secret";
                case "/to-localhost" -> "http://localhost:" + server.getAddress().getPort() + "/inner";
                case "/to-file" -> "file:///etc/passwd";
                case "/to-metadata" -> "http://169.254.169.254/latest/meta-data/";
                case "/loop" -> "/loop";
                default -> null;
            };
            if (location != null) {
                exchange.getResponseHeaders().add("Location", location);
                exchange.sendResponseHeaders(302, -1);
            } else {
                byte[] body = ("body of " + path).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private UrlFetcher fetcher(UrlGuard guard) {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        return new UrlFetcher(new HttpSender(client, new IoLanes(Executors.newCachedThreadPool())),
                Duration.ofSeconds(5), guard);
    }

    /** Pretends that the test server's literal address is public, while "localhost" is what it is: loopback. */
    private static UrlGuard guardThatTrustsTheTestServerOnly() {
        return new UrlGuard(false, host -> host.equals("127.0.0.1")
                ? List.of(InetAddress.getByName("93.184.216.34")) : List.of(InetAddress.getByName(host)));
    }

    private static Throwable failure(Runnable fetch) {
        try {
            fetch.run();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("the fetch should have failed");
    }

    @Test
    void aRedirectToAPrivateHostIsRefusedBeforeItIsRequested() {
        UrlFetcher fetcher = fetcher(guardThatTrustsTheTestServerOnly());

        Throwable error = failure(() -> fetcher.fetch(URI.create(base + "/to-localhost"), 1000).join());

        assertThat(error).hasMessageContaining("Refusing to fetch http://localhost:")
                .hasMessageContaining("a loopback address");
        assertThat(requested).containsExactly("/to-localhost");
    }

    @Test
    void aRedirectToTheCloudMetadataAddressIsRefused() {
        UrlFetcher fetcher = fetcher(guardThatTrustsTheTestServerOnly());

        Throwable error = failure(() -> fetcher.fetch(URI.create(base + "/to-metadata"), 1000).join());

        assertThat(error).hasMessageContaining("a link-local address (169.254.169.254)");
    }

    @Test
    void aRedirectToANonHttpSchemeIsRefusedEvenWithPrivateUrlsAllowed() {
        UrlFetcher fetcher = fetcher(new UrlGuard(true, HostResolver.SYSTEM));

        Throwable error = failure(() -> fetcher.fetch(URI.create(base + "/to-file"), 1000).join());

        assertThat(error).hasMessageContaining("Refusing to fetch file:///etc/passwd")
                .hasMessageContaining("only http and https");
    }

    @Test
    void everyHopMustPassTheCallersRuleToo() {
        UrlFetcher fetcher = fetcher(new UrlGuard(true, HostResolver.SYSTEM));
        Function<URI, String> underAllowed = uri -> uri.getPath().startsWith("/allowed/") ? null
                : "is not under an allowed URL prefix [" + base + "/allowed/]";

        Throwable error = failure(() -> fetcher.fetch(URI.create(base + "/allowed/out"), 1000, underAllowed)
                .join());

        assertThat(error).hasMessage("the redirect to " + base + "/other/secret is not under an allowed URL prefix ["
                + base + "/allowed/]");
        assertThat(requested).containsExactly("/allowed/out");
    }

    @Test
    void aRedirectThatPassesIsFollowed() {
        UrlFetcher fetcher = fetcher(new UrlGuard(true, HostResolver.SYSTEM));
        Function<URI, String> underAllowed = uri -> uri.getPath().startsWith("/allowed/") ? null : "is outside";

        UrlFetcher.Fetched fetched = fetcher.fetch(URI.create(base + "/allowed/a"), 1000, underAllowed).join();

        assertThat(new String(fetched.body(), StandardCharsets.UTF_8)).isEqualTo("body of /allowed/b");
        assertThat(fetched.uri().getPath()).isEqualTo("/allowed/b");
    }

    @Test
    void redirectsEndAfterAFewHops() {
        UrlFetcher fetcher = fetcher(new UrlGuard(true, HostResolver.SYSTEM));

        Throwable error = failure(() -> fetcher.fetch(URI.create(base + "/loop"), 1000).join());

        assertThat(error).hasMessageContaining("redirected more than " + UrlFetcher.MAX_REDIRECTS + " times");
        assertThat(requested).hasSize(UrlFetcher.MAX_REDIRECTS + 1);
    }

    @Test
    void byDefaultTheTestServerItselfIsRefused() {
        UrlFetcher fetcher = fetcher(UrlGuard.strict());

        Throwable error = failure(() -> fetcher.fetch(URI.create(base + "/allowed/b"), 1000).join());

        assertThat(error).hasMessageContaining("a loopback address (127.0.0.1)");
        assertThat(requested).isEmpty();
    }
}
