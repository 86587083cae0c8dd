package dev.comfykit.client.internal.http;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work waiting for an I/O thread goes by urgency: finished results first, then reads, then writes, so that a result
 * is read before the server forgets it and handed over at once, even behind thousands of waiting submissions.
 */
class IoLanesTest {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** An I/O "pool" whose tasks the test runs by hand, one at a time. */
    private final Queue<Runnable> pool = new ArrayDeque<>();
    private final IoLanes lanes = new IoLanes(pool::add);
    private final HttpSender sender = new HttpSender(HttpClient.newHttpClient(), lanes);

    private CompletableFuture<HttpResponse<String>> send(String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        return sender.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void waitingReadsGoBeforeWaitingWrites() {
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        List<CompletableFuture<HttpResponse<String>>> responses = List.of(send("POST", "/prompt?n=1"),
                send("POST", "/prompt?n=2"), send("GET", "/history/a"), send("POST", "/prompt?n=3"),
                send("GET", "/history/b"));

        assertThat(pool).hasSize(5);
        while (!pool.isEmpty()) {
            pool.poll().run();
        }

        assertThat(responses).allSatisfy(r -> assertThat(r.join().statusCode()).isEqualTo(200));
        assertThat(server.getAllServeEvents().stream().map(e -> e.getRequest())
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(LoggedRequest::getUrl))
                .containsExactly("/history/a", "/history/b", "/prompt?n=1", "/prompt?n=2", "/prompt?n=3");
    }

    @Test
    void aFinishedResultIsHandedOverBeforeAnyWaitingRequest() {
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        List<String> order = new java.util.ArrayList<>();
        send("POST", "/prompt?n=1").thenRun(() -> order.add("submitted"));
        send("GET", "/history/a").thenRun(() -> order.add("read"));
        lanes.lane(IoLanes.Lane.COMPLETION).execute(() -> order.add("completed"));

        while (!pool.isEmpty()) {
            pool.poll().run();
        }

        assertThat(order).containsExactly("completed", "read", "submitted");
    }

    @Test
    void whenThePoolRefusesATaskEveryWaitingTaskIsStillRunOrRefusedOnce() {
        // the pool holds its first task and, when refusing the second, first runs the one it holds: that task takes
        // the more urgent read, so the refused one must be the write, which no pool task would ever run
        Runnable[] held = new Runnable[1];
        IoLanes refusing = new IoLanes(task -> {
            if (held[0] == null) {
                held[0] = task;
                return;
            }
            held[0].run();
            throw new RejectedExecutionException("saturated");
        });
        List<String> events = new java.util.ArrayList<>();

        refusing.execute(IoLanes.Lane.WRITE, () -> events.add("write ran"), e -> events.add("write refused"));
        refusing.execute(IoLanes.Lane.READ, () -> events.add("read ran"), e -> events.add("read refused"));

        assertThat(events).containsExactly("read ran", "write refused");
    }

    @Test
    void aClosedPoolFailsTheRequestWithAnIoException() {
        HttpSender closed = new HttpSender(HttpClient.newHttpClient(), new IoLanes(task -> {
            throw new RejectedExecutionException("shut down");
        }));

        CompletableFuture<HttpResponse<String>> response = closed.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/queue")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response).failsWithin(java.time.Duration.ofSeconds(1)).withThrowableThat()
                .havingCause().isInstanceOf(IOException.class).withMessageContaining("closed");
    }
}
