package dev.comfykit.client.internal.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Sends HTTP requests on a bounded pool of I/O threads and returns futures.
 * <p>
 * Why not {@link HttpClient#sendAsync}: on Java 17 it completes every response on the {@code CompletableFuture}
 * default executor, which on machines with one or two cores is a new thread per response. Under load that is a
 * thread created for every answer and an unbounded number alive at once. Sending synchronously on a small fixed
 * pool bounds both, and the pool size bounds the requests in flight per client.
 */
public final class HttpSender {

    private final HttpClient client;
    private final IoLanes io;

    /**
     * @param io the client's I/O pool, whose threads may block for the duration of a request
     */
    public HttpSender(HttpClient client, IoLanes io) {
        this.client = client;
        this.io = io;
    }

    /** The underlying client (for WebSockets, which are asynchronous by nature). */
    public HttpClient client() {
        return client;
    }

    /**
     * Sends a request; the future fails with the request's {@link IOException} (or the interruption). Requests that
     * wait for an I/O thread go reads ({@code GET}) first, then writes (see {@link IoLanes}).
     */
    public <T> CompletableFuture<HttpResponse<T>> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        CompletableFuture<HttpResponse<T>> response = new CompletableFuture<>();
        Runnable job = () -> {
            try {
                response.complete(client.send(request, handler));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response.completeExceptionally(new IOException("interrupted: the client is closing", e));
            } catch (Throwable e) {
                response.completeExceptionally(e);
            }
        };
        io.execute(request.method().equals("GET") ? IoLanes.Lane.READ : IoLanes.Lane.WRITE, job,
                rejected -> response.completeExceptionally(new IOException("the client's I/O executor refused the"
                        + " request (the client is closed, or the executor given to it is saturated)", rejected)));
        return response;
    }
}
