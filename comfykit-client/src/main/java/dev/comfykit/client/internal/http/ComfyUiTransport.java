package dev.comfykit.client.internal.http;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP and WebSocket requests to one ComfyUI server: resolves paths against the configured base URL (which may have
 * a path prefix behind a reverse proxy) and adds the credentials ({@code Authorization}, {@code Cookie}) to these
 * requests only. It never sends an {@code Origin} header, which ComfyUI's CSRF guard would reject.
 */
public final class ComfyUiTransport {

    private static final String USER_AGENT = "comfykit-java";

    private final HttpSender sender;
    private final String base;
    private final Duration requestTimeout;
    private final ServerCredentials credentials;
    private final long maxResponseBytes;
    private final long maxOutputBytes;

    public ComfyUiTransport(HttpSender sender, URI baseUrl, Duration requestTimeout, ServerCredentials credentials,
                            long maxResponseBytes) {
        this(sender, baseUrl, requestTimeout, credentials, maxResponseBytes, Long.MAX_VALUE);
    }

    /** @param maxOutputBytes the largest file a {@code /view} download reads (option maxOutputBytes) */
    public ComfyUiTransport(HttpSender sender, URI baseUrl, Duration requestTimeout, ServerCredentials credentials,
                            long maxResponseBytes, long maxOutputBytes) {
        this.maxOutputBytes = maxOutputBytes;
        this.sender = sender;
        String text = baseUrl.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.requestTimeout = requestTimeout;
        this.credentials = credentials;
        this.maxResponseBytes = maxResponseBytes;
    }

    /** The base URL without a trailing slash. */
    public String baseUrl() {
        return base;
    }

    /** The absolute URI of a server path such as {@code /history/abc}. */
    public URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    /** The WebSocket URI of a server path ({@code http} becomes {@code ws}, {@code https} becomes {@code wss}). */
    public URI webSocketUri(String pathAndQuery) {
        String ws = base.startsWith("https://") ? "wss://" + base.substring(8) : "ws://" + base.substring(7);
        return URI.create(ws + pathAndQuery);
    }

    /** The largest output file a download reads. */
    public long maxOutputBytes() {
        return maxOutputBytes;
    }

    /** The time limit of a request (until the answer's headers arrive). */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** The largest answer {@link #get} and {@link #post} read. */
    public long maxResponseBytes() {
        return maxResponseBytes;
    }

    /**
     * GET with a body of at most {@link #maxResponseBytes()}; a larger one fails with
     * {@link ResponseTooLargeException} as soon as its {@code Content-Length} or its bytes pass the limit.
     */
    public CompletableFuture<HttpResponse<byte[]>> get(String pathAndQuery) {
        return bounded("GET", pathAndQuery,
                send(request(pathAndQuery).GET(), BoundedBodyHandlers.ofBytes(maxResponseBytes)));
    }

    /** GET streaming the body (for file downloads). */
    public CompletableFuture<HttpResponse<InputStream>> getStream(String pathAndQuery) {
        return send(request(pathAndQuery).GET(), StreamingBodies.ofInputStream());
    }

    /**
     * GET streaming the body with extra request headers (name, value, ...), e.g. {@code Range} to resume a download.
     */
    public CompletableFuture<HttpResponse<InputStream>> getStream(String pathAndQuery, String... headers) {
        HttpRequest.Builder builder = request(pathAndQuery).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder, StreamingBodies.ofInputStream());
    }

    /** HEAD: only the status and headers (whether a file is there, without fetching it). */
    public CompletableFuture<HttpResponse<Void>> head(String pathAndQuery) {
        return send(request(pathAndQuery).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding());
    }

    /**
     * POST a streamed body of known length (a multipart upload read from disk); the answer is bounded as
     * {@link #get}'s. The request timeout covers the whole upload, so it is not applied here: a large file on a slow
     * link takes as long as it takes, while a server that stops reading still fails the connection.
     */
    public CompletableFuture<HttpResponse<byte[]>> post(String path, String contentType,
                                                        HttpRequest.BodyPublisher body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).header("User-Agent", USER_AGENT)
                .header("Content-Type", contentType).POST(body);
        return bounded("POST", path, send(builder, BoundedBodyHandlers.ofBytes(maxResponseBytes)));
    }

    /** POST a body of the given content type; the answer is bounded as {@link #get}'s. */
    public CompletableFuture<HttpResponse<byte[]>> post(String path, String contentType, byte[] body) {
        return bounded("POST", path, send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), BoundedBodyHandlers.ofBytes(maxResponseBytes)));
    }

    // names the request and the option in the failure, so the message says what was too large and what to change
    private <T> CompletableFuture<T> bounded(String method, String pathAndQuery, CompletableFuture<T> response) {
        return response.handle((value, error) -> {
            if (error == null) {
                return value;
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof BoundedBodyHandlers.BodyTooLargeException
                    || cause.getCause() instanceof BoundedBodyHandlers.BodyTooLargeException) {
                int query = pathAndQuery.indexOf('?');
                throw new java.util.concurrent.CompletionException(new ResponseTooLargeException(method + " "
                        + (query < 0 ? pathAndQuery : pathAndQuery.substring(0, query)), maxResponseBytes, cause));
            }
            throw error instanceof java.util.concurrent.CompletionException completion ? completion
                    : new java.util.concurrent.CompletionException(error);
        });
    }

    /** Opens a WebSocket to a server path with the credentials. */
    public CompletableFuture<WebSocket> openWebSocket(String pathAndQuery, Duration connectTimeout,
                                                      WebSocket.Listener listener) {
        return credentials.headers().thenCompose(headers -> {
            WebSocket.Builder builder = sender.client().newWebSocketBuilder().connectTimeout(connectTimeout)
                    .header("User-Agent", USER_AGENT);
            for (int i = 0; i < headers.size(); i += 2) {
                builder.header(headers.get(i), headers.get(i + 1));
            }
            return builder.buildAsync(webSocketUri(pathAndQuery), listener);
        });
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(requestTimeout).header("User-Agent", USER_AGENT);
    }

    private <T> CompletableFuture<HttpResponse<T>> send(HttpRequest.Builder builder,
                                                       HttpResponse.BodyHandler<T> handler) {
        CompletableFuture<List<String>> headers = credentials.headers();
        if (headers.isDone() && !headers.isCompletedExceptionally()) {
            return sender.send(withHeaders(builder, headers.join()), handler);
        }
        return headers.thenCompose(h -> sender.send(withHeaders(builder, h), handler));
    }

    private static HttpRequest withHeaders(HttpRequest.Builder builder, List<String> headers) {
        for (int i = 0; i < headers.size(); i += 2) {
            builder.header(headers.get(i), headers.get(i + 1));
        }
        return builder.build();
    }
}
