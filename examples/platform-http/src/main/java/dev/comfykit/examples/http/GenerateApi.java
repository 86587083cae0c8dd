package dev.comfykit.examples.http;

import dev.comfykit.camel.ComfyKitValidationException;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A public generation API, safe for untrusted callers:
 * <ul>
 * <li>{@code GET /generate?prompt=a%20cat&seed=42} answers with the PNG itself. Only {@code prompt} and {@code seed}
 * come from the caller ({@code headerParams}); the size is locked by the route ({@code param.width},
 * {@code param.height}), so {@code ?width=99999} is refused with 400.</li>
 * <li>{@code POST /edit} with a picture as the body ({@code Content-Type: image/png}) answers with the inverted
 * picture: the safe way to take media from callers. {@code GET /edit?image=NAME} names a file already in ComfyUI's
 * input folder; a local path or URL ({@code ?image=/etc/passwd}, {@code ?image=http://169.254.169.254/}) is refused
 * with 400 before anything is read or fetched.</li>
 * </ul>
 * Every invalid request gets 400 with the reason as plain text.
 * <p>
 * Run it with {@code mvn -pl examples/platform-http -am install -DskipTests} and then
 * {@code mvn -pl examples/platform-http exec:java}; it listens on 127.0.0.1:8080 ({@code -Dhost=0.0.0.0} to accept
 * other machines, {@code -Dport=...}) against the embedded emulator unless {@code COMFYUI_BASE_URL} is set.
 */
public final class GenerateApi implements AutoCloseable {

    private final CamelContext context;

    private GenerateApi(CamelContext context) {
        this.context = context;
    }

    /** Starts the API on 127.0.0.1 and a port (0 for a free one) against a ComfyUI server. */
    public static GenerateApi start(int port, String comfyuiUrl) throws Exception {
        return start("127.0.0.1", port, comfyuiUrl);
    }

    /** Starts the API on a host address and a port (0 for a free one) against a ComfyUI server. */
    public static GenerateApi start(String host, int port, String comfyuiUrl) throws Exception {
        CamelContext context = new DefaultCamelContext();
        VertxPlatformHttpServerConfiguration server = new VertxPlatformHttpServerConfiguration();
        server.setBindHost(host);
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

            answerWithTheFirstImage(from("platform-http:/generate?httpMethodRestrict=GET").routeId("generate")
                    .to("comfykit:classpath:workflows/t2i.json?param.width=512&param.height=320"
                            + "&headerParams=prompt,seed&comfyuiUrl=" + comfyuiUrl));

            answerWithTheFirstImage(from("platform-http:/edit?httpMethodRestrict=GET,POST").routeId("edit")
                    .convertBodyTo(byte[].class)
                    .to("comfykit:classpath:workflows/image-invert.json?headerParams=image&comfyuiUrl="
                            + comfyuiUrl));
        }

        /** The response is the first output file itself, with its content type and no request headers echoed. */
        private void answerWithTheFirstImage(RouteDefinition route) {
            route.transform(simple("${body.files[0]}"))
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
        String host = System.getProperty("host", "127.0.0.1");
        String comfyuiUrl = System.getenv("COMFYUI_BASE_URL");
        ComfyUiEmulator emulator = null;
        if (comfyuiUrl == null || comfyuiUrl.isBlank()) {
            emulator = ComfyUiEmulator.builder().stepTime(Duration.ofMillis(10)).start();
            comfyuiUrl = emulator.baseUrl();
            System.out.println("Started the embedded ComfyUI emulator at " + comfyuiUrl);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ComfyUiEmulator started = emulator;
        GenerateApi api = start(host, port, comfyuiUrl);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            if (started != null) {
                started.close();
            }
            stopped.countDown();
        }));
        System.out.println("Try: curl -o fox.png 'http://" + host + ":" + api.port()
                + "/generate?prompt=a%20red%20fox&seed=42'   (Ctrl-C to stop)");
        stopped.await();
    }
}
