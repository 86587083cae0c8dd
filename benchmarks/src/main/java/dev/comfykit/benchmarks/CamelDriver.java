package dev.comfykit.benchmarks;

import dev.comfykit.client.ExecutorType;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * (b) A Camel route: {@code from("direct:bench").to("comfykit:<workflow>?executorType=...&comfyuiUrl=...")}, driven by
 * {@link ProducerTemplate#asyncRequestBody(Endpoint, Object)} with the text as the body (the component puts plain
 * text into the workflow's one required text param). The template runs in non-threaded async mode, so it adds no
 * thread pool: the direct endpoint runs the route on the calling thread until the asynchronous comfykit producer
 * lets go, and the future completes on the client's thread.
 */
final class CamelDriver implements Driver {

    private final DefaultCamelContext context;
    private final ProducerTemplate template;
    private final Endpoint endpoint;

    CamelDriver(String url, ExecutorType executor, Duration timeout, String workflow) {
        this(executor, timeout, workflow, "comfyuiUrl=RAW(" + url + ")");
    }

    /**
     * A route whose endpoint names its server(s) with the given options, e.g.
     * {@code servers=RAW(s0=url,s1=url)&maxAttempts=10} for a pool.
     */
    static CamelDriver withServerOptions(String serverOptions, ExecutorType executor, Duration timeout,
                                         String workflow) {
        return new CamelDriver(executor, timeout, workflow, serverOptions);
    }

    private CamelDriver(ExecutorType executor, Duration timeout, String workflow, String serverOptions) {
        String uri = "comfykit:" + workflow + "?executorType=" + executor.name() + "&" + serverOptions
                + "&timeout=" + timeout.toMillis();
        context = new DefaultCamelContext();
        context.getShutdownStrategy().setTimeout(10);
        try {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:bench").routeId("bench").to(uri);
                }
            });
            context.start();
        } catch (Exception e) {
            closeQuietly(context);
            throw new IllegalStateException("Cannot start the Camel route to " + uri + ": " + e, e);
        }
        template = context.createProducerTemplate();
        template.setThreadedAsyncMode(false);
        endpoint = context.getEndpoint("direct:bench");
    }

    @Override
    public CompletableFuture<String> execute(String text) {
        try {
            return template.asyncRequestBody(endpoint, text).handle((body, error) ->
                    error == null ? null : Failure.describe(error));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Failure.describe(e));
        }
    }

    @Override
    public void close() {
        try {
            template.close();
        } catch (Exception ignored) {
            // closing anyway
        }
        closeQuietly(context);
    }

    private static void closeQuietly(DefaultCamelContext context) {
        try {
            context.close();
        } catch (Exception e) {
            // stopping anyway
        }
    }
}
