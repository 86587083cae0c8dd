package dev.comfykit.client.internal.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Downloads a URL that is not the ComfyUI server (a media param, a workflow, a cookie file) with a plain request:
 * no api key, no cookies, and never more than a given number of bytes. Every URL, and every redirect hop, passes the
 * {@link UrlGuard} (http(s) only; no private, loopback or link-local hosts unless allowed), so redirects are followed
 * here, hop by hop, never by the HTTP client.
 */
public final class UrlFetcher {

    /**
     * A downloaded body.
     */
    public static final class Fetched {
        private final URI uri;
        private final byte[] body;
        private final String contentType;

        Fetched(URI uri, byte[] body, String contentType) {
            this.uri = uri;
            this.body = body;
            this.contentType = contentType;
        }

        public URI uri() {
            return uri;
        }

        public byte[] body() {
            return body;
        }

        /** The {@code Content-Type} without parameters, lower case, or empty. */
        public String contentType() {
            return contentType;
        }

        /** The last path segment of the URL, or empty. */
        public String fileName() {
            String path = uri.getPath();
            if (path == null || path.isEmpty() || path.endsWith("/")) {
                return "";
            }
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /** The most redirects followed for one download. */
    public static final int MAX_REDIRECTS = 5;

    private final HttpSender sender;
    private final Duration requestTimeout;
    private final UrlGuard guard;

    /**
     * @param sender sends with a client that has no authenticator, no cookie handler and does not follow
     *               redirects, used only for such downloads
     * @param guard  the rules every URL and redirect hop must pass
     */
    public UrlFetcher(HttpSender sender, Duration requestTimeout, UrlGuard guard) {
        this.sender = sender;
        this.requestTimeout = requestTimeout;
        this.guard = guard;
    }

    /** Whether the text is an http(s) URL. */
    public static boolean isHttpUrl(String text) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    /**
     * Opens a URL's content as a stream (for output files on a CDN), plainly; blocks until the headers arrived.
     *
     * @throws java.io.IOException for a non-2xx status or an unreachable host
     */
    public java.io.InputStream open(URI uri) throws java.io.IOException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            guard.check(current);
            HttpRequest request = HttpRequest.newBuilder(current).timeout(requestTimeout).GET().build();
            HttpResponse<java.io.InputStream> response;
            try {
                response = sender.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while opening " + UrlRedactor.redact(current), e);
            }
            URI next = redirectTarget(current, response.statusCode(), response.headers().firstValue("Location")
                    .orElse(null), hop);
            if (next != null) {
                response.body().close();
                current = next;
                continue;
            }
            if (response.statusCode() / 100 != 2) {
                response.body().close();
                throw new IOException("GET " + UrlRedactor.redact(current) + " answered HTTP "
                        + response.statusCode());
            }
            return response.body();
        }
    }

    /**
     * Fetches a URL.
     *
     * @return the body; fails with an {@link IOException} for a refused URL or redirect, a non-2xx status or a body
     * over {@code maxBytes}
     */
    public CompletableFuture<Fetched> fetch(URI uri, long maxBytes) {
        return fetch(uri, maxBytes, any -> null);
    }

    /**
     * Fetches a URL whose every hop must also pass an extra rule (e.g. an allowed URL prefix).
     *
     * @param rule the refusal reason for a URL (the first one and every redirect), or {@code null} when allowed
     */
    public CompletableFuture<Fetched> fetch(URI uri, long maxBytes, Function<URI, String> rule) {
        return hop(uri, maxBytes, rule, 0);
    }

    private CompletableFuture<Fetched> hop(URI uri, long maxBytes, Function<URI, String> rule, int hop) {
        try {
            String refusal = rule.apply(uri);
            if (refusal != null) {
                throw new UrlGuard.RefusedUrlException((hop == 0 ? "the URL " : "the redirect to ")
                        + UrlRedactor.redact(uri) + " " + refusal);
            }
            guard.check(uri);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
        return sender.send(request, BoundedBodyHandlers.ofBytes(maxBytes)).thenCompose(response -> {
            URI next;
            try {
                next = redirectTarget(uri, response.statusCode(),
                        response.headers().firstValue("Location").orElse(null), hop);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            if (next != null) {
                return hop(next, maxBytes, rule, hop + 1);
            }
            if (response.statusCode() / 100 != 2) {
                return CompletableFuture.failedFuture(new IOException("GET " + UrlRedactor.redact(uri)
                        + " answered HTTP " + response.statusCode()));
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            int semicolon = type.indexOf(';');
            String contentType = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
            return CompletableFuture.completedFuture(new Fetched(uri, response.body(), contentType));
        });
    }

    /** The next URL for a redirect status, or {@code null} when the status is not a redirect. */
    private static URI redirectTarget(URI from, int status, String location, int hop) throws IOException {
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            return null;
        }
        if (location == null || location.isBlank()) {
            throw new IOException("GET " + UrlRedactor.redact(from) + " answered HTTP " + status
                    + " without a Location header");
        }
        if (hop >= MAX_REDIRECTS) {
            throw new IOException("GET " + UrlRedactor.redact(from) + " redirected more than " + MAX_REDIRECTS
                    + " times");
        }
        try {
            return from.resolve(new URI(location.trim()));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new IOException("GET " + UrlRedactor.redact(from) + " redirected to a malformed URL");
        }
    }
}
