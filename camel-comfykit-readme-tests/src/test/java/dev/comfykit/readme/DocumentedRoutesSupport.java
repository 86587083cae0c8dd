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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
