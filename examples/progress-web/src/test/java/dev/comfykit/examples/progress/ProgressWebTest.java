package dev.comfykit.examples.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application without a browser: the job API, the event stream a page reads (in order, replayed to a stream
 * that connects late or reconnects with {@code Last-Event-ID}) and the final image.
 */
class ProgressWebTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ComfyUiEmulator emulator;
    private static ProgressWeb web;
    private final HttpClient http = HttpClient.newHttpClient();

    /** One Server-Sent Event as the stream carried it. */
    record Event(long id, String name, JsonNode data) {
    }

    @BeforeAll
    static void start() throws Exception {
        emulator = ComfyUiEmulator.builder().stepTime(Duration.ZERO).previewEvery(5).start();
        web = ProgressWeb.start("127.0.0.1", 0, emulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        web.close();
        emulator.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + web.port() + path);
    }

    private HttpResponse<String> post(String prompt) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/jobs")).header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(prompt)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String newJob(String prompt) throws Exception {
        HttpResponse<String> response = post(prompt);
        assertThat(response.statusCode()).isEqualTo(202);
        return JSON.readTree(response.body()).get("jobId").asText();
    }

    /** Reads the job's stream until the job ended ({@code done} or {@code failed}). */
    private List<Event> eventsUntilTheEnd(String jobId, String lastEventId) throws Exception {
        return eventsUntil(jobId, lastEventId, e -> e.name().equals("done") || e.name().equals("failed"));
    }

    /** Reads the job's stream up to the first event that matches. */
    private List<Event> eventsUntil(String jobId, String lastEventId, java.util.function.Predicate<Event> last)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/jobs/" + jobId + "/events"))
                .timeout(Duration.ofSeconds(60));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<Event> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            long id = 0;
            String name = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    Event event = new Event(id, name, JSON.readTree(line.substring(6)));
                    events.add(event);
                    if (last.test(event)) {
                        return events;
                    }
                }
            }
        }
        throw new AssertionError("the stream ended early: " + events);
    }

    private static List<String> names(List<Event> events) {
        return events.stream().map(Event::name).toList();
    }

    @Test
    void theStreamTellsTheJobsQueueProgressPreviewsAndWhereTheImageIs() throws Exception {
        String jobId = newJob("a red fox asleep in the snow");

        List<Event> events = eventsUntilTheEnd(jobId, null);

        assertThat(names(events)).startsWith("queued").contains("submitted", "started").endsWith("done");
        assertThat(names(events).indexOf("started")).isLessThan(names(events).indexOf("progress"));
        assertThat(events).extracting(Event::id).isSorted().doesNotHaveDuplicates();
        List<Long> steps = events.stream()
                .filter(e -> e.name().equals("progress") && e.data().get("max").asLong() == 20)
                .map(e -> e.data().get("value").asLong()).toList();
        assertThat(steps).as("every sampler step, in order").containsSubsequence(1L, 5L, 10L, 19L, 20L).isSorted();
        Event preview = events.stream().filter(e -> e.name().equals("preview")).findFirst().orElseThrow();
        String src = preview.data().get("src").asText();
        assertThat(src).startsWith("data:image/png;base64,");
        BufferedImage previewImage = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
        assertThat(previewImage.getWidth()).as("a latent-size preview").isEqualTo(64);

        String imagePath = events.get(events.size() - 1).data().get("image").asText();
        assertThat(imagePath).isEqualTo("/jobs/" + jobId + "/image");
        HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(uri(imagePath)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(image.body()));
        assertThat(png.getWidth()).isEqualTo(512);
        assertThat(png.getHeight()).isEqualTo(320);
        assertThat(emulator.lastPromptBody()).contains("a red fox asleep in the snow", "\"width\":512");
    }

    @Test
    void aStreamThatConnectsLateOrReconnectsGetsWhatItMissedOnce() throws Exception {
        String jobId = newJob("a lighthouse on a cliff");
        List<Event> first = eventsUntilTheEnd(jobId, null);

        List<Event> late = eventsUntilTheEnd(jobId, null);
        assertThat(late).as("the job's events, kept; of previews, positions and queue lengths only the latest")
                .isEqualTo(first.stream().filter(e -> !List.of("preview", "queued", "queue").contains(e.name())
                        || e == last(first, e.name())).toList());

        Event middle = first.get(first.size() / 2);
        List<Event> resumed = eventsUntilTheEnd(jobId, String.valueOf(middle.id()));
        assertThat(resumed).extracting(Event::id).allMatch(id -> id > middle.id());
        assertThat(names(resumed)).endsWith("done");
    }

    private static Event last(List<Event> events, String name) {
        return events.stream().filter(e -> e.name().equals(name)).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void aJobWaitingBehindAnotherSeesItsPositionAndTheServersQueue() throws Exception {
        // the first job holds the emulator's one execution slot until released
        emulator.faults().stallExecution();
        String second;
        try {
            long received = emulator.promptsReceived();
            newJob("the first job");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (emulator.promptsReceived() == received && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(emulator.promptsReceived()).as("the first job reached ComfyUI").isGreaterThan(received);
            second = newJob("the second job");

            List<Event> waiting = eventsUntil(second, null,
                    e -> e.name().equals("queue") && e.data().get("queueRemaining").asInt() == 2);
            assertThat(names(waiting)).doesNotContain("started");
            // the server's queue length may reach the page before the job's own position: both come, in any order
            Event queued = waiting.stream().filter(e -> e.name().equals("queued")).findFirst().orElseThrow(
                    () -> new AssertionError("no queued event before the server's queue reached 2: " + names(waiting)));
            assertThat(queued.data().get("position").asInt()).isBetween(1, 2);
        } finally {
            emulator.faults().releaseStall();
        }
        assertThat(names(eventsUntilTheEnd(second, null))).contains("started").endsWith("done");
    }

    @Test
    void anEmptyOrOverlongPromptIsRefusedWithTheReason() throws Exception {
        HttpResponse<String> empty = post("  ");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("Type a prompt first");

        HttpResponse<String> overlong = post("x".repeat(ProgressWeb.MAX_PROMPT_LENGTH + 1));
        assertThat(overlong.statusCode()).isEqualTo(400);
        assertThat(overlong.body()).contains("at most " + ProgressWeb.MAX_PROMPT_LENGTH);
    }

    @Test
    void aFailedJobEndsItsStreamWithTheReason() throws Exception {
        emulator.faults().failNode("KSampler", "RuntimeError", "CUDA out of memory");
        try {
            List<Event> events = eventsUntilTheEnd(newJob("a cat"), null);
            assertThat(names(events)).endsWith("failed");
            assertThat(events.get(events.size() - 1).data().get("message").asText()).contains("CUDA out of memory");
        } finally {
            emulator.faults().clear();
        }
    }

    @Test
    void anUnknownJobHasNoStreamAndNoImage() throws Exception {
        HttpResponse<String> stream = http.send(HttpRequest.newBuilder(uri("/jobs/nope/events")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stream.statusCode()).isEqualTo(404);
        assertThat(stream.body()).contains("No such job");
        HttpResponse<String> image = http.send(HttpRequest.newBuilder(uri("/jobs/nope/image")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(image.statusCode()).isEqualTo(404);
        assertThat(image.body()).contains("No such job");
    }
}
