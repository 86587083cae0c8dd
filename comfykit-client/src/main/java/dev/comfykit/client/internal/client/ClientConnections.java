package dev.comfykit.client.internal.client;

import dev.comfykit.client.ComfyKitConfig;
import dev.comfykit.client.internal.comfyui.ComfyUiApi;
import dev.comfykit.client.internal.http.ComfyUiTransport;
import dev.comfykit.client.internal.http.HostResolver;
import dev.comfykit.client.internal.http.HttpSender;
import dev.comfykit.client.internal.events.EventBus;
import dev.comfykit.client.internal.http.IoLanes;
import dev.comfykit.client.internal.http.ServerCredentials;
import dev.comfykit.client.internal.http.TransferListeners;
import dev.comfykit.client.internal.http.UrlFetcher;
import dev.comfykit.client.internal.http.UrlGuard;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads and connections one client owns: the timer, the I/O executor (or the application's), the HTTP
 * clients, the URL fetcher and the ComfyUI server's API. Backends borrow them; {@link #close()} releases them.
 */
public final class ClientConnections implements AutoCloseable {

    /** Requests in flight per client at most; each holds an I/O thread while it runs (see {@link HttpSender}). */
    private static final int IO_THREADS = 16;

    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService ownIo;
    private final ExecutorService ownHttpWorkers;
    private final Executor io;
    private final IoLanes lanes;
    private final HttpSender sender;
    private final UrlFetcher fetcher;
    private final ServerCredentials credentials;
    private final ComfyUiApi api;
    private final TransferListeners transfers = new TransferListeners();
    private final EventBus events;

    /**
     * Creates the executors and HTTP clients; no connection is opened yet.
     *
     * @param threadPrefix names the client's threads ({@code <prefix>-timer-1}, {@code <prefix>-io-1}, ...)
     */
    public ClientConnections(ComfyKitConfig config, String threadPrefix) {
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon(threadPrefix + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        if (config.getExecutor() != null) {
            this.ownIo = null;
            this.io = config.getExecutor();
        } else {
            this.ownIo = Executors.newFixedThreadPool(IO_THREADS, daemon(threadPrefix + "-io"));
            this.io = ownIo;
        }
        // the HTTP clients' own work (reading responses, WebSocket callbacks) is short and never blocks
        this.ownHttpWorkers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                daemon(threadPrefix + "-http"));
        HttpClient httpClient = config.getHttpClient() != null ? config.getHttpClient() : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.getConnectTimeout())
                // credentials go with every request to the server, so never follow a redirect elsewhere
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(ownHttpWorkers)
                .build();
        // downloads of other hosts use a client of their own: no credentials, no cookie handler
        HttpClient plainClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.getConnectTimeout())
                // redirects are followed by the fetcher, which checks every hop against the URL rules
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(ownHttpWorkers)
                .build();
        this.lanes = new IoLanes(io);
        this.sender = new HttpSender(httpClient, lanes);
        this.fetcher = new UrlFetcher(new HttpSender(plainClient, lanes), config.getRequestTimeout(),
                new UrlGuard(config.isAllowPrivateUrls(), HostResolver.SYSTEM));
        this.credentials = new ServerCredentials(config.getApiKey(), config.getCookies(), fetcher);
        this.api = new ComfyUiApi(new ComfyUiTransport(sender, config.getComfyuiUrl(), config.getRequestTimeout(),
                credentials, config.getMaxResponseBytes(), config.getMaxOutputBytes()), transfers);
        this.events = new EventBus(threadPrefix);
    }

    /** The client's event subscriptions and its servers' event sources. */
    public EventBus events() {
        return events;
    }

    /** The timer for time limits and polling rounds (one thread; tasks must not block). */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Where blocking work runs (file reads) and futures complete. */
    public Executor io() {
        return io;
    }

    /** The I/O executor's priority lanes. */
    public IoLanes lanes() {
        return lanes;
    }

    /** Sends requests with the server's HTTP client, which follows no redirects. */
    public HttpSender sender() {
        return sender;
    }

    /** Downloads workflow, media and cookie URLs under the URL rules, without credentials. */
    public UrlFetcher fetcher() {
        return fetcher;
    }

    /** The ComfyUI server's credentials. */
    public ServerCredentials credentials() {
        return credentials;
    }

    /** The listeners told of the media bytes moved to and from every ComfyUI server of this client. */
    public TransferListeners transfers() {
        return transfers;
    }

    /** The configured ComfyUI server. */
    public ComfyUiApi api() {
        return api;
    }

    /**
     * The API of another ComfyUI server (a member of a pool), sharing this client's HTTP client and threads.
     *
     * @param apiKey the server's api key, or {@code null} for the client's
     */
    public ComfyUiApi apiFor(ComfyKitConfig config, URI baseUrl, String apiKey) {
        ServerCredentials serverCredentials = apiKey == null ? credentials
                : new ServerCredentials(apiKey, config.getCookies(), fetcher);
        return new ComfyUiApi(new ComfyUiTransport(sender, baseUrl, config.getRequestTimeout(), serverCredentials,
                config.getMaxResponseBytes(), config.getMaxOutputBytes()), transfers);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops the client's own threads (not an executor the application passed in). */
    @Override
    public void close() {
        events.close();
        scheduler.shutdownNow();
        if (ownIo != null) {
            ownIo.shutdown();
        }
        ownHttpWorkers.shutdown();
    }
}
