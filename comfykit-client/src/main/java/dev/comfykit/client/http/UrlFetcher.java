package dev.comfykit.client.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Downloads a URL that is not the ComfyUI server (a media param, a workflow, a cookie file) with a plain request:
 * no api key, no cookies, whatever host the URL names, and never more than a given number of bytes.
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

    private final HttpSender sender;
    private final Duration requestTimeout;

    /**
     * @param sender sends with a client that has no authenticator and no cookie handler, used only for such
     *               downloads
     */
    public UrlFetcher(HttpSender sender, Duration requestTimeout) {
        this.sender = sender;
        this.requestTimeout = requestTimeout;
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
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
        try {
            HttpResponse<java.io.InputStream> response = sender.client().send(request,
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() / 100 != 2) {
                response.body().close();
                throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while opening " + uri, e);
        }
    }

    /**
     * Fetches a URL.
     *
     * @return the body; fails with an {@link IOException} for a non-2xx status or a body over {@code maxBytes}
     */
    public CompletableFuture<Fetched> fetch(URI uri, long maxBytes) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return CompletableFuture.failedFuture(new IOException("Only http(s) URLs can be downloaded, not " + uri));
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
        return sender.send(request, BoundedBodyHandlers.ofBytes(maxBytes)).thenCompose(response -> {
            if (response.statusCode() / 100 != 2) {
                return CompletableFuture.failedFuture(new IOException("GET " + uri + " answered HTTP "
                        + response.statusCode()));
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            int semicolon = type.indexOf(';');
            String contentType = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
            return CompletableFuture.completedFuture(new Fetched(uri, response.body(), contentType));
        });
    }
}
