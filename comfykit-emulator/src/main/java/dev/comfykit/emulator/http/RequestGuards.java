package dev.comfykit.emulator.http;

import dev.comfykit.emulator.faults.FaultRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/** What every request passes before its route: the origin check, the raw body, the faults in force. */
final class RequestGuards {

    private RequestGuards() {
    }

    /**
     * Reads the whole body as bytes whatever its content type: aiohttp's {@code request.json()} parses the raw body,
     * so {@code curl -d '{...}'} (sent as a form) must work too, which a form-decoding body handler would refuse.
     */
    static void rawBody(RoutingContext ctx, long maxBody) {
        if (ctx.get(RAW_BODY) != null || ctx.request().method() == HttpMethod.GET || ctx.request().isEnded()) {
            ctx.next();
            return;
        }
        String length = ctx.request().getHeader("Content-Length");
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19 && Long.parseLong(length) > maxBody) {
            Responses.text(ctx, 413, "413: Request Entity Too Large");
            return;
        }
        ctx.request().body().onComplete(ar -> {
            if (ar.failed()) {
                Responses.serverError(ctx);
                return;
            }
            ctx.put(RAW_BODY, ar.result());
            ctx.next();
        });
    }

    /** Where {@link #rawBody} leaves the body. */
    static final String RAW_BODY = "comfyui.rawBody";

    /** Applies a configured fault: a delay, a failure status, or nothing. */
    static void faultGate(RoutingContext ctx, FaultRegistry faults) {
        FaultRegistry.Decision decision = faults.decide(ctx.request().method().name(), ctx.request().path());
        if (decision.delayMillis() > 0) {
            ctx.vertx().setTimer(decision.delayMillis(), t -> apply(ctx, decision));
        } else {
            apply(ctx, decision);
        }
    }

    private static void apply(RoutingContext ctx, FaultRegistry.Decision decision) {
        if (!decision.fails()) {
            ctx.next();
            return;
        }
        if (decision.body() == null) {
            Responses.empty(ctx, decision.status());
        } else {
            Responses.text(ctx, decision.status(), decision.body());
        }
    }

    /**
     * ComfyUI's CSRF guard: a request whose Host is a loopback name and whose Origin names another host is refused
     * with an empty 403.
     */
    static void originCheck(RoutingContext ctx) {
        if (originRefused(ctx.request())) {
            Responses.empty(ctx, 403);
            return;
        }
        ctx.next();
    }

    static boolean originRefused(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String host = request.host();
        if (host == null || !isLoopback(host)) {
            return false;
        }
        String originHost;
        try {
            URI uri = URI.create(origin);
            originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            originHost = origin;
        }
        return !host.equals(originHost);
    }

    private static boolean isLoopback(String hostHeader) {
        String host = hostHeader;
        if (host.startsWith("[")) {
            host = host.substring(1, Math.max(1, host.indexOf(']')));
        } else if (host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }
}
