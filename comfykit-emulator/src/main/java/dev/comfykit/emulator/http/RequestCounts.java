package dev.comfykit.emulator.http;

import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many HTTP requests arrived per method and path ({@code /api} prefix removed), so tests can assert that a client
 * asked something once, or never.
 */
public final class RequestCounts {

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void count(RoutingContext ctx) {
        String path = ctx.request().path();
        if (path.startsWith("/api/")) {
            path = path.substring(4);
        }
        counts.computeIfAbsent(ctx.request().method().name() + " " + path, k -> new AtomicLong()).incrementAndGet();
        ctx.next();
    }

    /**
     * The requests of a method and path; a path ending in {@code *} matches any rest ({@code "/object_info/*"}).
     */
    public long of(String method, String path) {
        boolean prefix = path.endsWith("*");
        String wanted = method + " " + (prefix ? path.substring(0, path.length() - 1) : path);
        long total = 0;
        for (Map.Entry<String, AtomicLong> e : counts.entrySet()) {
            if (prefix ? e.getKey().startsWith(wanted) : e.getKey().equals(wanted)) {
                total += e.getValue().get();
            }
        }
        return total;
    }

    public void reset() {
        counts.clear();
    }
}
