package dev.comfykit.client.e2e;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.ServerSpec;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.client.events.EventFilter;
import dev.comfykit.client.events.EventSubscription;
import dev.comfykit.client.events.EventType;
import dev.comfykit.client.events.SubscriptionOptions;
import dev.comfykit.emulator.ComfyUiEmulator;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code ComfyKit.subscribe}: typed events from the client's one socket per server, filtered, buffered without
 * blocking the socket, and resynchronised after a reconnect.
 */
class EventSubscriptionTest {

    private static final int STEPS = 12;

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(1))
            .previewEvery(3));

    private static ComfyKit kit(ExecutorType type) {
        return ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).executorType(type)
                .timeout(Duration.ofSeconds(20)).build();
    }

    private static Map<String, Object> params(String prompt) {
        // a fresh seed each time: a cached sampler would send no progress
        return Map.of("prompt", prompt, "width", 64, "height", 64, "steps", STEPS,
                "seed", ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE));
    }

    private static CompletableFuture<ExecuteResult> t2i(ComfyKit kit, String prompt) {
        return kit.execute("classpath:workflows/t2i-steps.json", params(prompt));
    }

    /** Waits until everything up to the prompt's end reached the listener. */
    private static void awaitEnd(Queue<ComfyEvent> events, String promptId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> promptId.equals(e.promptId())
                && (e.type() == EventType.SUCCESS || e.type() == EventType.ERROR)));
    }

    @ParameterizedTest
    @EnumSource(ExecutorType.class)
    void aPromptsEventsArriveTypedAndInOrder(ExecutorType type) {
        try (ComfyKit kit = kit(type)) {
            Queue<ComfyEvent> events = new ConcurrentLinkedQueue<>();
            kit.subscribe(EventFilter.all(), events::add);
            // the HTTP executor opens the socket for the subscriber: wait for its registration before submitting
            await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e.type() == EventType.QUEUE));

            ExecuteResult result = t2i(kit, "typed events").join().orThrow();
            awaitEnd(events, result.getPromptId());

            List<ComfyEvent> mine = events.stream().filter(e -> result.getPromptId().equals(e.promptId())).toList();
            assertThat(mine.get(0)).isInstanceOf(ComfyEvent.ExecutionStarted.class);
            assertThat(mine.get(mine.size() - 1)).isInstanceOf(ComfyEvent.ExecutionSucceeded.class);
            assertThat(mine).allSatisfy(e -> assertThat(e.server()).isEqualTo(comfy.baseUrl()));
            // the sampler's steps, each once although progress and progress_state both carry them
            assertThat(mine.stream().filter(e -> e instanceof ComfyEvent.Progress p && "3".equals(p.node())
                    && p.max() == STEPS).map(e -> ((ComfyEvent.Progress) e).value()).toList())
                    .containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0);
            assertThat(mine).filteredOn(e -> e instanceof ComfyEvent.Preview).hasSize(STEPS / 3)
                    .allSatisfy(e -> {
                        ComfyEvent.Preview preview = (ComfyEvent.Preview) e;
                        assertThat(preview.mimeType()).isEqualTo("image/png");
                        assertThat(preview.node()).isEqualTo("3");
                        assertThat(preview.image()).startsWith(0x89, 'P', 'N', 'G');
                    });
            assertThat(mine).filteredOn(e -> e instanceof ComfyEvent.NodeStarted).extracting(ComfyEvent::node)
                    .contains("3", "8", "9");
            ComfyEvent.NodeFinished saved = (ComfyEvent.NodeFinished) mine.stream()
                    .filter(e -> e instanceof ComfyEvent.NodeFinished).findFirst().orElseThrow();
            assertThat(saved.node()).isEqualTo("9");
            assertThat(saved.output().path("images").get(0).path("filename").asText())
                    .isEqualTo(result.getFiles().get(0).getFilename());
            assertThat(events).filteredOn(e -> e instanceof ComfyEvent.QueueStatus).isNotEmpty();
            assertThat(comfy.emulator().webSocketClients()).isEqualTo(1);
        }
    }

    @Test
    void filtersByTypeAndPromptId() {
        try (ComfyKit kit = kit(ExecutorType.WEBSOCKET)) {
            Queue<ComfyEvent> all = new ConcurrentLinkedQueue<>();
            kit.subscribe(EventFilter.all(), all::add);
            await().atMost(Duration.ofSeconds(5)).until(() -> !all.isEmpty());
            comfy.faults().stallExecution();
            SubmittedPrompt first = kit.submit("classpath:workflows/t2i-steps.json", params("first")).join();
            SubmittedPrompt second = kit.submit("classpath:workflows/t2i-steps.json", params("second")).join();
            Queue<ComfyEvent> filtered = new ConcurrentLinkedQueue<>();
            EventSubscription subscription = kit.subscribe(EventFilter.all()
                    .withTypes(EventType.PROGRESS, EventType.SUCCESS).withPromptIds(second.getPromptId()), filtered::add);
            comfy.faults().releaseStall();

            kit.await(first.getPromptId()).join().orThrow();
            kit.await(second.getPromptId()).join().orThrow();
            awaitEnd(all, second.getPromptId());
            awaitEnd(filtered, second.getPromptId());

            assertThat(all).anyMatch(e -> first.getPromptId().equals(e.promptId()));
            assertThat(filtered).isNotEmpty().allSatisfy(e -> {
                assertThat(e.promptId()).isEqualTo(second.getPromptId());
                assertThat(e.type()).isIn(EventType.PROGRESS, EventType.SUCCESS);
            });
            assertThat(subscription.dropped()).isZero();
            subscription.close();
            assertThat(subscription.isClosed()).isTrue();
        }
    }

    @Test
    void aPoolSharesOneSocketPerServerAndFiltersByServer() {
        try (ComfyUiEmulator a = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start();
             ComfyUiEmulator b = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start();
             ComfyKit kit = ComfyKit.builder().environment(name -> null).executorType(ExecutorType.WEBSOCKET)
                     .servers(List.of(ServerSpec.of(a.baseUrl()).withName("a"), ServerSpec.of(b.baseUrl()).withName("b")))
                     .timeout(Duration.ofSeconds(20)).build()) {
            Queue<ComfyEvent> onlyB = new ConcurrentLinkedQueue<>();
            Queue<ComfyEvent> all = new ConcurrentLinkedQueue<>();
            kit.subscribe(EventFilter.all().withServers("b"), onlyB::add);
            kit.subscribe(EventFilter.all(), all::add);
            kit.subscribe(EventFilter.all().withTypes(EventType.PROGRESS), e -> { });

            List<ExecuteResult> results = List.of(t2i(kit, "one"), t2i(kit, "two"), t2i(kit, "three"), t2i(kit, "four"))
                    .stream().map(CompletableFuture::join).map(ExecuteResult::orThrow).toList();
            results.forEach(r -> awaitEnd(all, r.getPromptId()));

            assertThat(all).extracting(ComfyEvent::server).contains("a", "b");
            assertThat(onlyB).isNotEmpty().allSatisfy(e -> assertThat(e.server()).isEqualTo("b"));
            assertThat(a.webSocketClients()).isEqualTo(1);
            assertThat(b.webSocketClients()).isEqualTo(1);
            assertThatThrownBy(() -> kit.subscribe(EventFilter.all().withServers("c"), e -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'c'")
                    .hasMessageContaining("a, b");
        }
    }

    @Test
    void afterAReconnectTheSubscriberIsToldAndGetsTheOutcomeOfPromptsThatEndedMeanwhile() {
        try (ComfyKit kit = kit(ExecutorType.WEBSOCKET)) {
            Queue<ComfyEvent> events = new ConcurrentLinkedQueue<>();
            kit.subscribe(EventFilter.all().withTypes(EventType.SUCCESS, EventType.ERROR), events::add);
            comfy.faults().stallExecution();
            CompletableFuture<ExecuteResult> execution = t2i(kit, "across a reconnect");
            await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 1);

            // the socket stays away long enough for the prompt to end unseen
            comfy.faults().delayNext("GET", "/ws", 1, Duration.ofMillis(1500));
            comfy.faults().dropWebSockets();
            comfy.faults().releaseStall();
            ExecuteResult result = execution.join().orThrow();
            awaitEnd(events, result.getPromptId());

            assertThat(events).hasSize(2);
            ComfyEvent.EventsMissed missed = (ComfyEvent.EventsMissed) events.poll();
            assertThat(missed.reason()).contains("was down").contains("/history");
            ComfyEvent.ExecutionSucceeded success = (ComfyEvent.ExecutionSucceeded) events.poll();
            assertThat(success.promptId()).isEqualTo(result.getPromptId());
            assertThat(success.fromHistory()).isTrue();
        }
    }

    @Test
    void aFailedPromptCarriesTheStructuredError() {
        try (ComfyKit kit = kit(ExecutorType.WEBSOCKET)) {
            Queue<ComfyEvent> events = new ConcurrentLinkedQueue<>();
            kit.subscribe(EventFilter.all().withTypes(EventType.ERROR), events::add);
            comfy.faults().failNode("VAEDecode", "torch.OutOfMemoryError", "out of memory");

            ExecuteResult result = t2i(kit, "fails").join();
            awaitEnd(events, result.getPromptId());

            ComfyEvent.ExecutionFailed failed = (ComfyEvent.ExecutionFailed) events.peek();
            assertThat(failed.fromHistory()).isFalse();
            assertThat(failed.error().getKind()).isEqualTo(ErrorKind.EXECUTION);
            assertThat(failed.error().getNodeType()).isEqualTo("VAEDecode");
            assertThat(failed.node()).isEqualTo("8");
        }
    }

    @Test
    void aSlowListenerLosesPreviewsFirstAndKeepsTheOtherEvents() throws Exception {
        ExecutorService own = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        try (ComfyKit kit = kit(ExecutorType.WEBSOCKET)) {
            Queue<ComfyEvent> events = new ConcurrentLinkedQueue<>();
            // the sampler's progress values (0..12 and the other nodes' 0/1, 1/1: under 30) and the success fit in
            // the buffer; its previews (one every 3 steps, and more prompts' worth below) do not all fit
            EventSubscription slow = kit.subscribe(EventFilter.all().withTypes(EventType.PROGRESS, EventType.PREVIEW,
                            EventType.SUCCESS), new SubscriptionOptions(32, own), event -> {
                        try {
                            release.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        events.add(event);
                    });
            ExecuteResult result = kit.execute("classpath:workflows/t2i-steps.json", Map.of("prompt", "slow", "width", 64,
                    "height", 64, "steps", 24, "seed", ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE)))
                    .join().orThrow();
            assertThat(slow.droppedPreviews()).isPositive();
            release.countDown();
            awaitEnd(events, result.getPromptId());

            assertThat(slow.dropped()).isEqualTo(slow.droppedPreviews());
            assertThat(events).noneMatch(e -> e instanceof ComfyEvent.EventsMissed);
            assertThat(events.stream().filter(e -> e instanceof ComfyEvent.Progress p && "3".equals(p.node()))
                    .map(e -> ((ComfyEvent.Progress) e).value()).toList()).hasSize(25);
        } finally {
            release.countDown();
            own.shutdownNow();
        }
    }

    @Test
    void aSubscriptionThatOverflowsWithOtherEventsIsToldHowManyItMissed() throws Exception {
        ExecutorService own = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        try (ComfyKit kit = kit(ExecutorType.WEBSOCKET)) {
            Queue<ComfyEvent> events = new ConcurrentLinkedQueue<>();
            EventSubscription slow = kit.subscribe(EventFilter.all().withTypes(EventType.PROGRESS, EventType.SUCCESS),
                    new SubscriptionOptions(4, own), event -> {
                        try {
                            release.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        events.add(event);
                    });
            ExecuteResult result = t2i(kit, "overflow").join().orThrow();
            release.countDown();
            awaitEnd(events, result.getPromptId());

            assertThat(slow.dropped()).isPositive();
            // one marker per run of drops, before the events that follow the gap; together they count every drop
            List<ComfyEvent> markers = events.stream().filter(e -> e instanceof ComfyEvent.EventsMissed).toList();
            assertThat(markers).isNotEmpty();
            assertThat(markers.stream().mapToLong(e -> Long.parseLong(((ComfyEvent.EventsMissed) e).reason()
                    .replaceAll(".*: (\\d+) events were dropped.*", "$1"))).sum()).isEqualTo(slow.dropped());
        } finally {
            release.countDown();
            own.shutdownNow();
        }
    }
}
