package dev.comfykit.client;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.comfykit.client.testing.ComfyUiStubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The builder options that replace the client's own machinery are really used: the application's executor runs
 * the I/O, the application's HTTP client sends every request to ComfyUI, and the connect timeout ends a connection
 * that is never accepted.
 */
class ClientOptionsTest {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final ComfyUiStubs comfy = new ComfyUiStubs(server);
    private final List<AutoCloseable> resources = new ArrayList<>();
    private ComfyKit kit;

    @BeforeEach
    void stubs() {
        comfy.acceptPrompts().emptyQueue().history(ComfyUiStubs.IMAGE_ENTRY);
    }

    @AfterEach
    void close() throws Exception {
        if (kit != null) {
            kit.close();
        }
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private ComfyKitBuilder builder() {
        return ComfyKit.builder().environment(name -> null).comfyuiUrl(server.baseUrl())
                .timeout(Duration.ofSeconds(10));
    }

    private ExecuteResult run(ComfyKit client) {
        return client.execute("classpath:workflows/simple.json", Map.of("prefix", "x")).join();
    }

    @Test
    void theApplicationsExecutorRunsTheIoAndIsNotShutDownByClose() {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        resources.add(pool::shutdownNow);
        AtomicInteger tasksRun = new AtomicInteger();
        Executor counting = task -> pool.execute(() -> {
            tasksRun.incrementAndGet();
            task.run();
        });
        kit = builder().executor(counting).build();

        ExecuteResult result = run(kit);
        kit.close();

        assertThat(result.getStatus()).isEqualTo("completed");
        assertThat(tasksRun).as("requests and completions ran on the application's executor").hasPositiveValue();
        assertThat(pool.isShutdown()).as("the client does not own the application's executor").isFalse();
    }

    @Test
    void theApplicationsHttpClientSendsEveryRequestToComfyUi() {
        RecordingHttpClient client = new RecordingHttpClient(HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).build());
        kit = builder().httpClient(client).build();

        ExecuteResult result = run(kit);

        assertThat(result.getStatus()).isEqualTo("completed");
        List<String> received = server.findAll(anyRequestedFor(anyUrl())).stream()
                .map(r -> r.getMethod() + " " + r.getUrl()).toList();
        assertThat(received).contains("POST /prompt", "GET /history/" + result.getPromptId());
        assertThat(client.sent).as("every request the server received was sent with the application's client")
                .containsExactlyInAnyOrderElementsOf(received);
    }

    @Test
    void theConnectTimeoutEndsAConnectionThatIsNeverAcceptedAsAConnectionFailure() throws IOException {
        int port = portThatNeverAcceptsAConnection();
        // the request and execution limits are far longer than the connect timeout set (and than the default
        // of 10 s), so it is the connect timeout that ends the attempt, and the test takes a fraction of a second
        kit = builder().comfyuiUrl("http://127.0.0.1:" + port).connectTimeout(Duration.ofMillis(300))
                .requestTimeout(Duration.ofSeconds(60)).timeout(Duration.ofSeconds(60)).build();

        ExecuteResult result = run(kit);

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CONNECTION);
        assertThat(result.getError().isRetryable()).isTrue();
        assertThat(result.getPromptId()).as("nothing was submitted").isNull();
        assertThat(result.getMsg()).contains("127.0.0.1:" + port, "timed out while connecting", "COMFYUI_BASE_URL");
    }

    /**
     * A listening port whose accept queue is full: the kernel drops further connection attempts, so a connect
     * neither succeeds nor is refused, it waits (like one to an unroutable address, but deterministic and local).
     */
    private int portThatNeverAcceptsAConnection() throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        resources.add(listener);
        for (int i = 0; i < 32; i++) {
            Socket filler = new Socket();
            resources.add(filler);
            try {
                filler.connect(listener.getLocalSocketAddress(), 200);
            } catch (SocketTimeoutException e) {
                return listener.getLocalPort();
            }
        }
        throw new AssertionError("the accept queue of port " + listener.getLocalPort() + " never filled up");
    }

    /** An {@link HttpClient} that records each request it sends (method and path) and delegates. */
    private static final class RecordingHttpClient extends HttpClient {
        final List<String> sent = new CopyOnWriteArrayList<>();
        private final HttpClient delegate;

        RecordingHttpClient(HttpClient delegate) {
            this.delegate = delegate;
        }

        private void record(HttpRequest request) {
            URI uri = request.uri();
            sent.add(request.method() + " " + uri.getRawPath() + (uri.getRawQuery() == null ? ""
                    : "?" + uri.getRawQuery()));
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
                throws IOException, InterruptedException {
            record(request);
            return delegate.send(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                                HttpResponse.BodyHandler<T> handler) {
            record(request);
            return delegate.sendAsync(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                                HttpResponse.BodyHandler<T> handler,
                                                                HttpResponse.PushPromiseHandler<T> push) {
            record(request);
            return delegate.sendAsync(request, handler, push);
        }

        @Override
        public WebSocket.Builder newWebSocketBuilder() {
            return delegate.newWebSocketBuilder();
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return delegate.cookieHandler();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return delegate.followRedirects();
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return delegate.proxy();
        }

        @Override
        public SSLContext sslContext() {
            return delegate.sslContext();
        }

        @Override
        public SSLParameters sslParameters() {
            return delegate.sslParameters();
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return delegate.authenticator();
        }

        @Override
        public Version version() {
            return delegate.version();
        }

        @Override
        public Optional<Executor> executor() {
            return delegate.executor();
        }
    }
}
