package dev.comfykit.examples.http;

import dev.comfykit.camel.ComfyKitValidationException;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A generation API: {@code GET /generate?prompt=a%20cat&seed=42} answers with the PNG itself. Query parameters
 * named like a workflow param (prompt, seed, width, height) become params; a request without a prompt gets 400
 * with the reason.
 * <p>
 * Run it with {@code mvn -pl examples/platform-http -am install -DskipTests} and then
 * {@code mvn -pl examples/platform-http exec:java}; it listens on port 8080 ({@code -Dport=...}) against the
 * embedded emulator unless {@code COMFYUI_BASE_URL} is set.
 */
public final class GenerateApi implements AutoCloseable {

    private final CamelContext context;

    private GenerateApi(CamelContext context) {
        this.context = context;
    }

    /** Starts the API on a port (0 for a free one) against a ComfyUI server. */
    public static GenerateApi start(int port, String comfyuiUrl) throws Exception {
        CamelContext context = new DefaultCamelContext();
        VertxPlatformHttpServerConfiguration server = new VertxPlatformHttpServerConfiguration();
        server.setBindPort(port);
        context.addService(new VertxPlatformHttpServer(server));
        context.addRoutes(new GenerateRoute(comfyuiUrl));
        context.start();
        return new GenerateApi(context);
    }

    /** The route. */
    static final class GenerateRoute extends RouteBuilder {
        private final String comfyuiUrl;

        GenerateRoute(String comfyuiUrl) {
            this.comfyuiUrl = comfyuiUrl;
        }

        @Override
        public void configure() {
            onException(ComfyKitValidationException.class).handled(true)
                    .removeHeaders("*")
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(400))
                    .setHeader(Exchange.CONTENT_TYPE, constant("text/plain; charset=utf-8"))
                    .setBody(simple("${exception.message}\n"));

            from("platform-http:/generate?httpMethodRestrict=GET").routeId("generate")
                    .to("comfykit:classpath:workflows/t2i.json?param.width=512&param.height=320&comfyuiUrl="
                            + comfyuiUrl)
                    .transform(simple("${body.files[0]}"))
                    .removeHeaders("*")
                    .setHeader(Exchange.CONTENT_TYPE, simple("${body.contentType}"))
                    .convertBodyTo(byte[].class);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return context.hasService(VertxPlatformHttpServer.class).getPort();
    }

    @Override
    public void close() {
        context.stop();
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("port", 8080);
        String comfyuiUrl = System.getenv("COMFYUI_BASE_URL");
        ComfyUiEmulator emulator = null;
        if (comfyuiUrl == null || comfyuiUrl.isBlank()) {
            emulator = ComfyUiEmulator.builder().stepTime(Duration.ofMillis(10)).start();
            comfyuiUrl = emulator.baseUrl();
            System.out.println("Started the embedded ComfyUI emulator at " + comfyuiUrl);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ComfyUiEmulator started = emulator;
        GenerateApi api = start(port, comfyuiUrl);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            if (started != null) {
                started.close();
            }
            stopped.countDown();
        }));
        System.out.println("Try: curl -o fox.png 'http://localhost:" + api.port()
                + "/generate?prompt=a%20red%20fox&seed=42'   (Ctrl-C to stop)");
        stopped.await();
    }
}
