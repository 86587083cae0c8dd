package dev.comfykit.emulator.runninghub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.json.Json;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RunningHub's webhook: when a task created with a {@code webhookUrl} ends, POSTs its end there (runninghub-api.md
 * §5): the v1 shape {@code {event: "TASK_END", taskId, eventData}} ({@code eventData} the outputs answer as a JSON
 * string), or the v2 task object for tasks a v2 run endpoint created. Only loopback URLs are called: the emulator must
 * not be a way to make requests elsewhere. Faults for tests: a delay, duplicated deliveries, a late duplicate (arriving
 * out of order, after the task's end was handled) and no delivery at all.
 */
final class WebhookCaller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookCaller.class);

    private final Function<Task, ObjectNode> v1Body;
    private final Function<Task, ObjectNode> v2Body;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "runninghub-webhooks");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).executor(scheduler).build();
    private final AtomicLong sent = new AtomicLong();
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();
    private volatile Duration delay = Duration.ZERO;
    private final AtomicInteger duplicates = new AtomicInteger();
    private volatile Duration lateDuplicate;
    private volatile boolean drop;

    /**
     * @param v1Body the v1 callback of an ended task
     * @param v2Body the v2 callback (the v2 task object) of an ended task
     */
    WebhookCaller(Function<Task, ObjectNode> v1Body, Function<Task, ObjectNode> v2Body) {
        this.v1Body = v1Body;
        this.v2Body = v2Body;
    }

    /** Whether the emulator may call the URL: http(s) to a loopback address only. */
    static boolean callable(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme();
            if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
                return false;
            }
            for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException | UnknownHostException e) {
            return false;
        }
    }

    /** Called under the queue's lock when a task ends: schedules the deliveries, never blocks. */
    void taskEnded(Task task) {
        String url = task.webhookUrl;
        if (url == null || drop) {
            return;
        }
        long delayMillis = delay.toMillis();
        int copies = 1 + duplicates.get();
        for (int i = 0; i < copies; i++) {
            scheduler.schedule(() -> deliver(task, url), delayMillis, TimeUnit.MILLISECONDS);
        }
        Duration late = lateDuplicate;
        if (late != null) {
            scheduler.schedule(() -> deliver(task, url), delayMillis + late.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void deliver(Task task, String url) {
        if (!callable(url)) {
            LOG.warn("RunningHub emulation: not calling the webhook of task {}: {} is not a loopback URL",
                    task.taskId(), url);
            return;
        }
        byte[] body;
        try {
            body = Json.bytes(task.v2 ? v2Body.apply(task) : v1Body.apply(task));
        } catch (RuntimeException e) {
            LOG.error("RunningHub emulation: cannot write the webhook of task {}", task.taskId(), e);
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        sent.incrementAndGet();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error != null) {
                statuses.add(-1);
                LOG.info("RunningHub emulation: the webhook of task {} failed: {}", task.taskId(), error.toString());
            } else {
                statuses.add(response.statusCode());
            }
        });
    }

    long sent() {
        return sent.get();
    }

    List<Integer> statuses() {
        return List.copyOf(statuses);
    }

    void delay(Duration value) {
        delay = value;
    }

    void duplicates(int extra) {
        duplicates.set(extra);
    }

    void lateDuplicate(Duration after) {
        lateDuplicate = after;
    }

    void drop(boolean value) {
        drop = value;
    }

    void clearFaults() {
        delay = Duration.ZERO;
        duplicates.set(0);
        lateDuplicate = null;
        drop = false;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
