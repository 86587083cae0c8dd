package dev.comfykit.camel.support;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.webhook.WebhookReceiver;
import dev.comfykit.client.webhook.WebhookVerdict;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The routes that receive RunningHub's webhook calls: one {@code platform-http:<webhookPath>?httpMethodRestrict=POST}
 * route per path, added when the first endpoint whose client has a {@code webhookUrl} starts. Each call goes to the
 * {@link WebhookReceiver} of the clients registered on that path (several clients may share a path; each knows its own
 * token), which judges it at once; the route answers with the verdict's status (202, 200, 403, 413, 400) and no
 * headers of the request, so the token is never echoed. camel-platform-http is found by its URI at run time, not
 * compiled against: without it the start fails with a message naming it.
 */
public final class WebhookRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);
    /** Stands for a body whose Content-Length already says it is too large: the receiver refuses it unparsed. */
    private static final byte[] OVERSIZED = new byte[WebhookReceiver.MAX_BODY_BYTES + 1];
    /** When several clients share a path, the most telling verdict answers. */
    private static final List<WebhookVerdict> PREFERENCE = List.of(WebhookVerdict.ACCEPTED,
            WebhookVerdict.DUPLICATE, WebhookVerdict.UNKNOWN_TASK, WebhookVerdict.MALFORMED, WebhookVerdict.TOO_LARGE,
            WebhookVerdict.FORGED, WebhookVerdict.DISABLED);

    private final Map<String, List<ComfyKit>> receivers = new ConcurrentHashMap<>();
    private final Set<String> routes = ConcurrentHashMap.newKeySet();

    /**
     * Makes a client receive the calls on a path, adding the path's route unless it exists.
     *
     * @throws IllegalArgumentException when camel-platform-http or an engine for it is missing, or the path is bad
     */
    public void register(CamelContext context, String path, ComfyKit client) throws Exception {
        if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("{")) {
            throw new IllegalArgumentException("option webhookPath must be a plain path starting with / such as"
                    + " /comfykit/webhook, got '" + path + "'");
        }
        requirePlatformHttp(context);
        receivers.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(client);
        if (!routes.add(path)) {
            return;
        }
        RouteBuilder route = new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:" + path + "?httpMethodRestrict=POST").routeId("comfykit-webhook" + path)
                        .process(exchange -> answer(path, exchange));
            }
        };
        if (context.isStarted()) {
            context.addRoutes(route);
        } else {
            // routes are being started: add it once they are
            context.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                    // the route goes in once the context is fully started
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted)
                        throws Exception {
                    started.addRoutes(route);
                }
            });
        }
        LOG.info("Receiving RunningHub webhooks on platform-http:{}", path);
    }

    /** The client no longer receives calls on the path (its endpoint stopped); the route stays until Camel stops. */
    public void unregister(String path, ComfyKit client) {
        List<ComfyKit> clients = receivers.get(path);
        if (clients != null) {
            clients.remove(client);
        }
    }

    private void answer(String path, Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        String token = token(message.getHeader(Exchange.HTTP_QUERY, String.class));
        Long length = message.getHeader(Exchange.CONTENT_LENGTH, Long.class);
        byte[] body;
        if (length != null && length > WebhookReceiver.MAX_BODY_BYTES) {
            body = OVERSIZED;
        } else {
            InputStream in = message.getBody(InputStream.class);
            body = in == null ? new byte[0] : in.readNBytes(WebhookReceiver.MAX_BODY_BYTES + 1);
        }
        WebhookVerdict best = WebhookVerdict.DISABLED;
        for (ComfyKit client : receivers.getOrDefault(path, List.of())) {
            WebhookVerdict verdict = client.webhooks().accept(token, body);
            if (PREFERENCE.indexOf(verdict) < PREFERENCE.indexOf(best)) {
                best = verdict;
            }
            if (best == WebhookVerdict.ACCEPTED) {
                break;
            }
        }
        // platform-http copies message headers into the answer: none of the request's (the token among them)
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, best.httpStatus());
        message.setHeader(Exchange.CONTENT_TYPE, "text/plain");
        message.setBody(best.name());
    }

    /** The {@code token} query parameter, decoded; {@code null} without one. */
    static String token(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith(WebhookReceiver.TOKEN_PARAMETER + "=")) {
                return URLDecoder.decode(pair.substring(WebhookReceiver.TOKEN_PARAMETER.length() + 1),
                        StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void requirePlatformHttp(CamelContext context) {
        boolean component = context.getClassResolver()
                .loadResourceAsURL("META-INF/services/org/apache/camel/component/platform-http") != null
                || context.hasComponent("platform-http") != null;
        if (!component) {
            throw new IllegalArgumentException("webhookUrl is set, and receiving RunningHub's webhook calls needs"
                    + " camel-platform-http with an HTTP engine on the class path: add the dependency"
                    + " camel-platform-http-vertx (Spring Boot: camel-platform-http-starter), or unset webhookUrl to"
                    + " poll only");
        }
        boolean engine = context.getClassResolver()
                .loadResourceAsURL("META-INF/services/org/apache/camel/platform-http-engine") != null
                || context.getRegistry().lookupByName("platform-http-engine") != null;
        if (!engine) {
            throw new IllegalArgumentException("webhookUrl is set, and camel-platform-http has no HTTP engine to serve"
                    + " the webhook route: add the dependency camel-platform-http-vertx (Spring Boot:"
                    + " camel-platform-http-starter)");
        }
    }
}
