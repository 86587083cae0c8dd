package dev.comfykit.emulator;

import dev.comfykit.emulator.execution.EngineSettings;
import dev.comfykit.emulator.execution.ExecutionEngine;
import dev.comfykit.emulator.execution.StallGate;
import dev.comfykit.emulator.faults.FaultRegistry;
import dev.comfykit.emulator.files.DataDirectories;
import dev.comfykit.emulator.files.SaveNaming;
import dev.comfykit.emulator.http.HttpApi;
import dev.comfykit.emulator.http.PromptLog;
import dev.comfykit.emulator.http.RequestCounts;
import dev.comfykit.emulator.nodes.NodeRegistry;
import dev.comfykit.emulator.queue.PromptQueue;
import dev.comfykit.emulator.runninghub.RunningHubService;
import dev.comfykit.emulator.ws.SocketRegistry;
import dev.comfykit.emulator.ws.WebSocketEndpoint;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An embedded ComfyUI server that speaks ComfyUI's HTTP and WebSocket protocol and really runs a small set of
 * nodes. Start one with {@link #start()} (free port), {@link #start(int)} or {@link #builder()}; close it to stop.
 *
 * <pre>{@code
 * try (ComfyUiEmulator comfy = ComfyUiEmulator.start()) {
 *     HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(comfy.baseUrl() + "/prompt"))...);
 * }
 * }</pre>
 */
public final class ComfyUiEmulator implements AutoCloseable {

    private final EmulatorOptions options;
    private final boolean ownsDataDirectory;
    private final DataDirectories dirs;
    private final SaveNaming naming = new SaveNaming();
    private final SocketRegistry sockets = new SocketRegistry();
    private final PromptQueue queue;
    private final ExecutionEngine engine;
    private final FaultRegistry faults;
    private final RunningHubService runningHub;
    private final PromptLog promptLog = new PromptLog(100);
    private final RequestCounts requests = new RequestCounts();
    private final Vertx vertx;
    private final HttpServer server;
    private final Path uploadTemp;
    private volatile boolean closed;

    private final ProtocolVersion protocol;

    private ComfyUiEmulator(EmulatorOptions options, List<String> argv, ProtocolVersion protocol,
                            long maxUploadBytes) {
        this.options = options;
        this.protocol = protocol;
        try {
            this.ownsDataDirectory = options.dataDirectory() == null;
            Path root = ownsDataDirectory ? Files.createTempDirectory("comfyui-emulator-") : options.dataDirectory();
            this.dirs = new DataDirectories(root);
            this.uploadTemp = Files.createTempDirectory("comfyui-emulator-uploads-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NodeRegistry registry = new NodeRegistry(dirs, options.models(), options.withoutNodes());
        this.queue = new PromptQueue(sockets);
        EngineSettings settings = new EngineSettings(options.parallelism(), options.stepTime(), options.promptDelay(),
                options.outputCache(), options.previewEvery());
        StallGate stallGate = new StallGate();
        this.faults = new FaultRegistry(sockets, stallGate, this::restart);
        this.engine = new ExecutionEngine(queue, registry, sockets, settings, dirs, naming, faults, stallGate);
        this.runningHub = new RunningHubService(queue, engine, registry, dirs, faults, this::baseUrl);

        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(4)
                .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
        WebSocketEndpoint webSocket = new WebSocketEndpoint(sockets, queue::remaining, engine::executingNodeFor);
        HttpApi.Parts parts = new HttpApi.Parts(queue, engine, registry, dirs, faults, promptLog, webSocket,
                options.models(), argv, runningHub, requests);
        this.server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(options.host())
                        .setPort(options.port())
                        .setMaxWebSocketFrameSize(1 << 20)
                        .setMaxWebSocketMessageSize(16 << 20)
                        .setTcpNoDelay(true)
                        // aiohttp speaks HTTP/1.1 only: no h2c upgrade, so clients see the same protocol here
                        .setHttp2ClearTextEnabled(false))
                .requestHandler(HttpApi.handler(vertx, parts, uploadTemp, protocol, maxUploadBytes));
        engine.start();
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting the ComfyUI emulator", e);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new IllegalStateException("cannot start the ComfyUI emulator on " + options.host() + ":" + options.port(),
                    e.getCause() == null ? e : e.getCause());
        }
    }

    /** Starts an emulator with default options on a free port. */
    public static ComfyUiEmulator start() {
        return builder().start();
    }

    /** Starts an emulator with default options on the given port (0 for a free one). */
    public static ComfyUiEmulator start(int port) {
        return builder().port(port).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://host:port}, without a trailing slash. */
    public String baseUrl() {
        return "http://" + hostForUrl() + ":" + port();
    }

    /**
     * The base URL of the RunningHub v1 emulation, to configure as the RunningHub site ({@code runninghubUrl}): the
     * same server as {@link #baseUrl()}; RunningHub's paths do not clash with ComfyUI's.
     */
    public String runningHubUrl() {
        return baseUrl();
    }

    /** The RunningHub v1 emulation of this emulator: its keys, workflows, apps and faults. */
    public RunningHubEmulation runningHub() {
        return runningHub;
    }

    /** {@code ws://host:port/ws}; add {@code ?clientId=...}. */
    public String webSocketUrl() {
        return "ws://" + hostForUrl() + ":" + port() + "/ws";
    }

    private String hostForUrl() {
        String host = options.host();
        if (host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    public int port() {
        return server.actualPort();
    }

    public EmulatorOptions options() {
        return options;
    }

    /** Which ComfyUI version's protocol this emulator speaks. */
    public ProtocolVersion protocol() {
        return protocol;
    }

    /** The data directory with ComfyUI's {@code input/}, {@code output/} and {@code temp/} folders. */
    public Path dataDirectory() {
        return dirs.root();
    }

    public Path inputDirectory() {
        return dirs.input();
    }

    public Path outputDirectory() {
        return dirs.output();
    }

    public Path tempDirectory() {
        return dirs.temp();
    }

    /** The faults of this emulator; see {@link EmulatorFaults}. */
    public EmulatorFaults faults() {
        return faults;
    }

    /** How many {@code POST /prompt} requests arrived (valid or not) since start or {@link #resetObservations()}. */
    public long promptsReceived() {
        return promptLog.received();
    }

    /** The raw bodies of the last (up to 100) {@code POST /prompt} requests, oldest first. */
    public List<String> receivedPromptBodies() {
        return promptLog.bodies();
    }

    /** The raw body of the last {@code POST /prompt}, or null. */
    public String lastPromptBody() {
        List<String> bodies = promptLog.bodies();
        return bodies.isEmpty() ? null : bodies.get(bodies.size() - 1);
    }

    /** How many client ids have a WebSocket registered (ComfyUI keeps one socket per id). */
    public int webSocketClients() {
        return sockets.registeredCount();
    }

    /**
     * How many HTTP requests of a method and path arrived since start or {@link #resetObservations()}; the path is
     * matched without the {@code /api} prefix, and a trailing {@code *} matches any rest ({@code "/object_info/*"}).
     */
    public long requestsReceived(String method, String path) {
        return requests.of(method, path);
    }

    public void resetObservations() {
        promptLog.reset();
        requests.reset();
    }

    /** {@code queue_remaining}: pending plus running prompts. */
    public int queueRemaining() {
        return queue.remaining();
    }

    /** Waits until no prompt is pending or running; false on timeout. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (queue.remaining() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void restart() {
        queue.restart();
        engine.restart();
        sockets.reset();
        dirs.clearTemp();
    }

    /** Stops the server; a temporary data directory is deleted, a given one is kept. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.close();
        runningHub.close();
        sockets.dropAll();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // closing anyway
        }
        if (ownsDataDirectory) {
            dirs.deleteAll();
        }
        new DataDirectories(uploadTemp).deleteAll();
    }

    /** Options for a new emulator; every setter returns this builder. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Path dataDirectory;
        private Duration stepTime = Duration.ofMillis(20);
        private int parallelism = 1;
        private Duration promptDelay = Duration.ZERO;
        private boolean outputCache = true;
        private List<String> checkpoints = EmulatorOptions.DEFAULT_CHECKPOINTS;
        private List<String> loras = List.of();
        private List<String> vaes = List.of();
        private final Set<String> withoutNodes = new LinkedHashSet<>();
        private int previewEvery;
        private long maxUploadBytes = dev.comfykit.emulator.http.HttpApi.DEFAULT_MAX_BODY;
        private final List<String> argv = new ArrayList<>(List.of("main.py"));
        private ProtocolVersion protocol = ProtocolVersion.V0_3_65;

        private Builder() {
        }

        /** The port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The address to listen on; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /**
         * A data directory to use and keep; by default a temporary one is created and deleted on close.
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** Simulated time of one KSampler step; default 20 ms, may be zero. */
        public Builder stepTime(Duration stepTime) {
            this.stepTime = Objects.requireNonNull(stepTime);
            return this;
        }

        /** How many prompts execute at once; default 1, exactly like ComfyUI. */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /** Extra time every prompt takes, e.g. 500 ms to simulate a real job; default 0. */
        public Builder promptDelay(Duration promptDelay) {
            this.promptDelay = Objects.requireNonNull(promptDelay);
            return this;
        }

        /** Whether unchanged node results are reused across prompts; default true, as in ComfyUI. */
        public Builder outputCache(boolean outputCache) {
            this.outputCache = outputCache;
            return this;
        }

        /** The checkpoint file names CheckpointLoaderSimple offers. */
        public Builder checkpoints(List<String> checkpoints) {
            this.checkpoints = List.copyOf(checkpoints);
            return this;
        }

        /** The LoRA file names LoraLoader offers; default none. */
        public Builder loras(List<String> loras) {
            this.loras = List.copyOf(loras);
            return this;
        }

        /** The VAE file names VAELoader offers; default none. */
        public Builder vaes(List<String> vaes) {
            this.vaes = List.copyOf(vaes);
            return this;
        }

        /**
         * Leaves node classes out: they are absent from {@code /object_info} and a prompt naming one is refused as
         * ComfyUI refuses an unknown node type, so emulators in one JVM can differ in the nodes they have.
         */
        public Builder withoutNodes(String... classTypes) {
            withoutNodes.addAll(List.of(classTypes));
            return this;
        }

        /**
         * Makes every KSampler send a preview image (as a binary WebSocket frame, like ComfyUI's latent previews)
         * every {@code steps} steps, so that previews come at a pace set by {@link #stepTime}; default 0, none.
         */
        public Builder previewEvery(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("previewEvery must not be negative (0 sends no previews)");
            }
            this.previewEvery = steps;
            return this;
        }

        /**
         * Which ComfyUI version's protocol to speak: {@link ProtocolVersion#V0_3_65} (the captured one, default),
         * {@link ProtocolVersion#V0_33_0} (with the jobs API) or {@link ProtocolVersion#V0_3_44} (an interrupt that
         * ignores the prompt id).
         */
        public Builder protocol(ProtocolVersion protocol) {
            this.protocol = Objects.requireNonNull(protocol);
            return this;
        }

        /**
         * The largest request body, in bytes (ComfyUI's {@code --max-upload-size}, 100 MB by default); a larger
         * upload is answered 413.
         */
        public Builder maxUploadBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxUploadBytes must be positive");
            }
            this.maxUploadBytes = bytes;
            return this;
        }

        Builder argv(List<String> args) {
            argv.addAll(args);
            return this;
        }

        public EmulatorOptions options() {
            return new EmulatorOptions(host, port, dataDirectory, stepTime, parallelism, promptDelay, outputCache, checkpoints,
                    loras, vaes, withoutNodes, previewEvery);
        }

        public ComfyUiEmulator start() {
            return new ComfyUiEmulator(options(), List.copyOf(argv), protocol, maxUploadBytes);
        }
    }
}
