package dev.comfykit.emulator.bench;

import dev.comfykit.emulator.ComfyUiEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load harness, not a test: submits small prompts from several concurrent JDK HttpClient senders, with one
 * WebSocket listener following every execution, and prints prompts per second (submitted, and completed as seen
 * by the listener's {@code executing node:null} events).
 * <p>
 * Run: {@code mvn -q -pl comfykit-emulator test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.comfykit.emulator.bench.ThroughputBenchmark -Dexec.args="--senders 8 --seconds 10"}
 * <p>
 * Options: {@code --senders N} (8), {@code --seconds S} measured (10), {@code --warmup S} (3), {@code --workflow
 * text|image} (text: PrimitiveInt → PreviewAny; image: 8x8 EmptyImage → SaveImage), {@code --parallelism N} (1),
 * {@code --url http://host:port} to load an emulator (or a ComfyUI) running in another process instead.
 * Every prompt differs (a counter in a widget value), so nothing is served from the output cache.
 */
public final class ThroughputBenchmark {

    private ThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int senders = 8;
        int seconds = 10;
        int warmup = 3;
        int parallelism = 1;
        String workflow = "text";
        String url = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--senders" -> senders = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[i + 1]);
                case "--workflow" -> workflow = args[i + 1];
                case "--url" -> url = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url != null) {
            run(url, null, senders, seconds, warmup, workflow);
            return;
        }
        try (ComfyUiEmulator emulator = ComfyUiEmulator.builder().stepTime(Duration.ZERO).parallelism(parallelism).start()) {
            run(emulator.baseUrl(), emulator, senders, seconds, warmup, workflow);
        }
    }

    private static void run(String base, ComfyUiEmulator emulator, int senders, int seconds, int warmup, String workflow)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        LongAdder completed = new LongAdder();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(base.replace("http://", "ws://") + "/ws?clientId=bench"),
                new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            String frame = text.toString();
                            text.setLength(0);
                            if (frame.startsWith("{\"type\": \"executing\", \"data\": {\"node\": null")) {
                                completed.increment();
                            }
                        }
                        socket.request(1);
                        return null;
                    }
                }).join();

        AtomicLong counter = new AtomicLong();
        LongAdder submitted = new LongAdder();
        LongAdder failed = new LongAdder();
        java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
        long end = System.nanoTime() + Duration.ofSeconds(warmup + seconds).toNanos();
        String kind = workflow;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long n = counter.incrementAndGet();
                    String prompt = kind.equals("image")
                            ? "{\"1\": {\"class_type\": \"EmptyImage\", \"inputs\": {\"width\": 8, \"height\": 8, \"batch_size\": 1, \"color\": "
                              + (n % 16777216) + "}}, \"2\": {\"class_type\": \"SaveImage\", \"inputs\": {\"images\": [\"1\", 0], \"filename_prefix\": \"bench\"}}}"
                            : "{\"1\": {\"class_type\": \"PrimitiveInt\", \"inputs\": {\"value\": " + n
                              + "}}, \"2\": {\"class_type\": \"PreviewAny\", \"inputs\": {\"source\": [\"1\", 0]}}}";
                    String body = "{\"prompt\": " + prompt + ", \"client_id\": \"bench\"}";
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/prompt"))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            submitted.increment();
                        } else {
                            failed.increment();
                            firstFailure.compareAndSet(null, "HTTP " + r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failed.increment();
                        firstFailure.compareAndSet(null, e.toString());
                    }
                }
            }, "sender-" + t);
            threads.add(thread);
            thread.start();
        }
        Thread.sleep(warmup * 1000L);
        long submittedAtStart = submitted.sum();
        long completedAtStart = completed.sum();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long submittedInWindow = submitted.sum() - submittedAtStart;
        long completedInWindow = completed.sum() - completedAtStart;
        for (Thread thread : threads) {
            thread.join();
        }
        if (emulator != null) {
            emulator.awaitIdle(Duration.ofSeconds(60));
        }
        System.out.printf("workflow=%s senders=%d parallelism=%s window=%.1fs%n", kind, senders,
                emulator == null ? "(external server)" : emulator.options().parallelism(), elapsed);
        System.out.printf("submitted: %.0f prompts/s, completed (WebSocket executing:null): %.0f prompts/s, failed requests: %d%n",
                submittedInWindow / elapsed, completedInWindow / elapsed, failed.sum());
        System.out.printf("total submitted %d, total completed %d%n", submitted.sum(), completed.sum());
        if (firstFailure.get() != null) {
            System.out.println("first failure: " + firstFailure.get());
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }
}
