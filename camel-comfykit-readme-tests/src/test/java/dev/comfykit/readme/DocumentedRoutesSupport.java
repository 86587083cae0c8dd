package dev.comfykit.readme;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A Camel test running documented routes: the {@code comfykit} component points at the test class's emulator (as
 * the docs' "Testing routes" section shows) and {@code platform-http} listens on a free port of 127.0.0.1.
 */
abstract class DocumentedRoutesSupport extends CamelTestSupport {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    protected final int httpPort = freePort();

    /** The emulator of the test class (a static {@code @RegisterExtension} field). */
    protected abstract ComfyUiEmulatorExtension comfy();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration().setComfyuiUrl(comfy().baseUrl());
        VertxPlatformHttpServerConfiguration server = new VertxPlatformHttpServerConfiguration();
        server.setBindHost("127.0.0.1");
        server.setBindPort(httpPort);
        context.addService(new VertxPlatformHttpServer(server));
        return context;
    }

    /** GET on the route's HTTP server. */
    protected HttpResponse<byte[]> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Empties the routes' relative folders (under target/routes), so that files of an earlier run do not count. */
    protected static void emptyFolders(String... dirs) throws IOException {
        for (String dir : dirs) {
            Path path = Path.of(dir);
            if (Files.exists(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /** Writes a prompt file into a folder and waits (at most 20 s) for a PNG to appear in another. */
    protected static boolean promptFileBecomesPng(String inbox, String outbox) throws Exception {
        Path in = Files.createDirectories(Path.of(inbox));
        Files.writeString(in.resolve("fox-" + System.nanoTime() + ".txt"), "a red fox", StandardCharsets.UTF_8);
        long deadline = System.currentTimeMillis() + 20_000;
        while (!hasPng(Path.of(outbox)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        return hasPng(Path.of(outbox));
    }

    private static boolean hasPng(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".png"));
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
