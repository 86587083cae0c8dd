package dev.comfykit.examples.progress;

import dev.comfykit.client.OutputFile;
import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A page where a person types a prompt, presses Generate and watches the job: its queue position, a progress bar
 * that moves with every sampler step, the preview images while sampling, then the final image, all pushed to the
 * browser as Server-Sent Events.
 * <ul>
 * <li>{@code GET /} and {@code GET /progress.js}: the page (plain HTML and JavaScript, no front-end build);</li>
 * <li>{@code POST /jobs} with the prompt as a {@code text/plain} body answers {@code 202 {"jobId": ...}} at once and
 * queues the job; an empty or too long prompt gets 400 with the reason;</li>
 * <li>{@code GET /jobs/{id}/events}: the job's event stream ({@code text/event-stream});</li>
 * <li>{@code GET /jobs/{id}/image}: the final image, once the stream said {@code done}.</li>
 * </ul>
 * The generation route calls the component with {@code progressUri=direct:progress}: while it waits for the result,
 * every event of that job goes to the {@code progress-to-page} route, which turns it into a page event on the job's
 * stream ({@link PageEvents}). The {@code server-queue} route, a {@code comfykit:events} consumer, tells waiting jobs
 * how many prompts the server has.
 * <p>
 * Run it with {@code mvn -pl examples/progress-web -am install -DskipTests} and then
 * {@code mvn -pl examples/progress-web exec:java}, and open http://127.0.0.1:8080/. It runs against the embedded
 * emulator, slowed down so that progress is visible ({@code -DstepMillis=150}, a preview every
 * {@code -DpreviewEvery=2} steps), unless {@code COMFYUI_BASE_URL} names a real ComfyUI.
 */
public final class ProgressWeb implements AutoCloseable {

    /** The header that carries the job id through the generation route. */
    static final String JOB_ID = "ProgressWebJobId";

    /** The longest prompt the page accepts. */
    static final int MAX_PROMPT_LENGTH = 1000;

    private final CamelContext context;
    private final JobHub hub;

    private ProgressWeb(CamelContext context, JobHub hub) {
        this.context = context;
        this.hub = hub;
    }

    /**
     * Starts the application on a host address and a port (0 for a free one) against a ComfyUI server.
     *
     * @param comfyuiUrl the ComfyUI server's base URL, e.g. {@code http://127.0.0.1:8188}
     */
    public static ProgressWeb start(String host, int port, String comfyuiUrl) throws Exception {
        CamelContext context = new DefaultCamelContext();
        VertxPlatformHttpServerConfiguration server = new VertxPlatformHttpServerConfiguration();
        server.setBindHost(host);
        server.setBindPort(port);
        context.addService(new VertxPlatformHttpServer(server));
        JobHub hub = new JobHub();
        context.addRoutes(new ProgressRoutes(hub, comfyuiUrl));
        context.start();
        // a stream stays open for the whole job, which Camel's request/response exchanges do not model: the
        // stream is a plain Vert.x handler on the same router (and port) as the platform-http routes
        VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port))
                .get("/jobs/:id/events").handler(hub::stream);
        return new ProgressWeb(context, hub);
    }

    /** The routes: the page, the job API, the generation and its progress. */
    static final class ProgressRoutes extends RouteBuilder {
        private final JobHub hub;
        private final String comfyuiUrl;

        ProgressRoutes(JobHub hub, String comfyuiUrl) {
            this.hub = hub;
            this.comfyuiUrl = comfyuiUrl;
        }

        @Override
        public void configure() {
            onException(Refused.class).handled(true)
                    .removeHeaders("*")
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, simple("${exception.status}"))
                    .setHeader(Exchange.CONTENT_TYPE, constant("text/plain; charset=utf-8"))
                    .setBody(simple("${exception.message}\n"));

            from("platform-http:/?httpMethodRestrict=GET").routeId("page")
                    .removeHeaders("*")
                    .setHeader(Exchange.CONTENT_TYPE, constant("text/html; charset=utf-8"))
                    .setBody(constant(resource("web/index.html")));
            from("platform-http:/progress.js?httpMethodRestrict=GET").routeId("script")
                    .removeHeaders("*")
                    .setHeader(Exchange.CONTENT_TYPE, constant("text/javascript; charset=utf-8"))
                    .setBody(constant(resource("web/progress.js")));

            // answered at once: the page follows the job on its event stream
            from("platform-http:/jobs?httpMethodRestrict=POST").routeId("new-job")
                    .convertBodyTo(String.class)
                    .process(this::createJob)
                    .wireTap("seda:generate")
                    .removeHeaders("*")
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202))
                    .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                    .setBody(exchange -> JobHub.object().put("jobId", exchange.getProperty(JOB_ID, String.class))
                            .toString());

            // up to 16 jobs at once in ComfyUI's queue, the others wait here; the producer is asynchronous
            from("seda:generate?concurrentConsumers=16").routeId("generate")
                    .onException(Exception.class).handled(true)
                        .process(exchange -> hub.job(exchange.getMessage().getHeader(JOB_ID, String.class))
                                .ifPresent(job -> hub.failed(job, failureMessage(exchange))))
                    .end()
                    .process(exchange -> {
                        // only the prompt and the job id go on; the request's headers stay behind
                        JobHub.Job job = hub.job(exchange.getProperty(JOB_ID, String.class)).orElseThrow();
                        exchange.getMessage().removeHeaders("*");
                        exchange.getMessage().setHeader(JOB_ID, job.id());
                        exchange.getMessage().setHeader("prompt", job.prompt());
                        exchange.getMessage().setBody(null);
                    })
                    // the job's events go to direct:progress with the headers above (JOB_ID among them); the
                    // WebSocket executor has the socket open from the start, so the first job misses no event
                    .to("comfykit:classpath:workflows/t2i.json?param.width=512&param.height=320&headerParams=prompt"
                            + "&executorType=WEBSOCKET&progressUri=direct:progress&comfyuiUrl=" + comfyuiUrl)
                    .transform(simple("${body.files[0]}"))
                    .process(exchange -> {
                        OutputFile image = exchange.getMessage().getBody(OutputFile.class);
                        byte[] bytes = exchange.getContext().getTypeConverter()
                                .mandatoryConvertTo(byte[].class, exchange, image);
                        hub.job(exchange.getMessage().getHeader(JOB_ID, String.class))
                                .ifPresent(job -> hub.succeeded(job, bytes, image.getContentType()));
                    });

            // every event of a job, while the generation route waits for its result: direct, so that the
            // component's bounded event buffer is the only queue (when the page falls behind, previews go first)
            from("direct:progress").routeId("progress-to-page")
                    .process(new PageEvents(hub));

            // the server's queue length for the pages of waiting jobs; the same connection options as the
            // producer's, so consumer and producer share one client and its one WebSocket
            from("comfykit:events?types=queue&executorType=WEBSOCKET&comfyuiUrl=" + comfyuiUrl)
                    .routeId("server-queue")
                    .process(exchange -> hub.serverQueue(
                            exchange.getMessage().getBody(ComfyEvent.QueueStatus.class).queueRemaining()));

            from("platform-http:/jobs/{id}/image?httpMethodRestrict=GET").routeId("image")
                    .process(exchange -> {
                        JobHub.Job job = hub.job(exchange.getMessage().getHeader("id", String.class))
                                .orElseThrow(() -> new Refused(404, "No such job: it never existed or was"
                                        + " forgotten (only the last " + JobHub.MAX_JOBS + " are kept)"));
                        byte[] image = job.image().orElseThrow(() -> new Refused(404,
                                "The job has no image (yet): wait for the done event"));
                        exchange.getMessage().removeHeaders("*");
                        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, job.imageType());
                        exchange.getMessage().setBody(image);
                    });
        }

        private void createJob(Exchange exchange) {
            String prompt = exchange.getMessage().getBody(String.class);
            if (prompt == null || prompt.isBlank()) {
                throw new Refused(400, "Type a prompt first: the request body is the prompt, as text/plain");
            }
            if (prompt.length() > MAX_PROMPT_LENGTH) {
                throw new Refused(400, "The prompt has " + prompt.length() + " characters; at most "
                        + MAX_PROMPT_LENGTH + " are accepted");
            }
            JobHub.Job job = hub.create(prompt.strip());
            hub.queued(job);
            exchange.setProperty(JOB_ID, job.id());
        }

        private static String failureMessage(Exchange exchange) {
            Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            return failure == null || failure.getMessage() == null ? "the job failed" : failure.getMessage();
        }
    }

    /** A request the application does not serve: its HTTP status and the reason, as plain text. */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status: 400 for a bad request, 404 for an unknown job or one without an image. */
        public int getStatus() {
            return status;
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = ProgressWeb.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The page's resource " + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return context.hasService(VertxPlatformHttpServer.class).getPort();
    }

    @Override
    public void close() {
        hub.close();
        context.stop();
    }

    /**
     * Starts the page on 127.0.0.1:8080 ({@code -Dhost}, {@code -Dport}) against {@code COMFYUI_BASE_URL}, or the
     * embedded emulator at the pace {@code -DstepMillis} (default 150 ms per sampler step) with a preview every
     * {@code -DpreviewEvery} steps (default 2).
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("port", 8080);
        String host = System.getProperty("host", "127.0.0.1");
        String comfyuiUrl = System.getenv("COMFYUI_BASE_URL");
        ComfyUiEmulator emulator = null;
        if (comfyuiUrl == null || comfyuiUrl.isBlank()) {
            emulator = ComfyUiEmulator.builder()
                    .stepTime(Duration.ofMillis(Integer.getInteger("stepMillis", 150)))
                    .previewEvery(Integer.getInteger("previewEvery", 2))
                    .start();
            comfyuiUrl = emulator.baseUrl();
            System.out.println("Started the embedded ComfyUI emulator at " + comfyuiUrl
                    + " (set COMFYUI_BASE_URL to use a real ComfyUI)");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ComfyUiEmulator started = emulator;
        ProgressWeb web = start(host, port, comfyuiUrl);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            web.close();
            if (started != null) {
                started.close();
            }
            stopped.countDown();
        }));
        System.out.println("Open http://" + host + ":" + web.port() + "/   (Ctrl-C to stop)");
        stopped.await();
    }
}
