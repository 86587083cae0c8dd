package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code from("comfykit:events")} and the producer's {@code progressUri}: typed events as messages with the
 * {@code CamelComfyKit*} event headers, filtered, told of a reconnect, and fed per execution with its headers.
 */
class EventsTest extends EmulatorCamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(1))
            .previewEvery(5));

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration()
                .setExecutorType(ExecutorType.WEBSOCKET);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("comfykit:events?types=progress,preview,success,error").to("mock:events");
                from("comfykit:events?types=queue").to("mock:queue");
                from("direct:run").to("comfykit:classpath:workflows/t2i.json?progressUri=seda:progress");
                from("seda:progress").to("mock:progress");
            }
        };
    }

    private static Map<String, Object> headers(String correlation) {
        return Map.of("orderId", correlation);
    }

    private ExecuteResult run(String prompt, String correlation) {
        return template.requestBodyAndHeaders("direct:run", prompt, headers(correlation), ExecuteResult.class);
    }

    private static List<Exchange> ofPrompt(MockEndpoint mock, String promptId) {
        return mock.getExchanges().stream()
                .filter(e -> promptId.equals(e.getMessage().getHeader(ComfyKitConstants.PROMPT_ID))).toList();
    }

    private static boolean ended(MockEndpoint mock, String promptId) {
        return ofPrompt(mock, promptId).stream().anyMatch(e -> "success".equals(e.getMessage()
                .getHeader(ComfyKitConstants.EVENT_TYPE)));
    }

    @Test
    void theConsumerSendsOneTypedMessagePerEventWithTheEventHeaders() {
        MockEndpoint events = getMockEndpoint("mock:events");
        run("a fox", "o-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.getExchanges().stream().anyMatch(e ->
                "success".equals(e.getMessage().getHeader(ComfyKitConstants.EVENT_TYPE))));

        List<Exchange> received = events.getExchanges();
        assertThat(received).allSatisfy(e -> {
            assertThat(e.getMessage().getBody()).isInstanceOf(ComfyEvent.class);
            assertThat(e.getMessage().getHeader(ComfyKitConstants.EVENT_TYPE, String.class))
                    .isIn("progress", "preview", "success", "error", "missed");
            assertThat(e.getMessage().getHeader(ComfyKitConstants.SERVER)).isEqualTo(comfy.baseUrl());
        });
        assertThat(received).anySatisfy(e -> {
            assertThat(e.getMessage().getBody()).isInstanceOf(ComfyEvent.Preview.class);
            assertThat(e.getMessage().getHeader(ComfyKitConstants.NODE)).isEqualTo("3");
        });
        assertThat(received).anySatisfy(e -> assertThat(e.getMessage().getBody(ComfyEvent.Progress.class).value())
                .isStrictlyBetween(0.0, 20.0));
        assertThat(getMockEndpoint("mock:queue").getExchanges()).isNotEmpty().allSatisfy(e ->
                assertThat(e.getMessage().getBody()).isInstanceOf(ComfyEvent.QueueStatus.class));
    }

    @Test
    void progressUriGetsTheExecutionsEventsInOrderWithTheOriginalHeaders() {
        MockEndpoint progress = getMockEndpoint("mock:progress");
        CompletableFuture<ExecuteResult> other = CompletableFuture.supplyAsync(() -> run("a cat", "o-other"));
        ExecuteResult result = run("a dog", "o-42");
        ExecuteResult otherResult = other.join();
        await().atMost(Duration.ofSeconds(10)).until(() -> ended(progress, result.getPromptId())
                && ended(progress, otherResult.getPromptId()));

        List<Exchange> mine = ofPrompt(progress, result.getPromptId());
        assertThat(mine).allSatisfy(e -> {
            assertThat(e.getMessage().getHeader("orderId")).isEqualTo("o-42");
            assertThat(e.getMessage().getBody(ComfyEvent.class).promptId()).isEqualTo(result.getPromptId());
        });
        assertThat(ofPrompt(progress, otherResult.getPromptId()))
                .allSatisfy(e -> assertThat(e.getMessage().getHeader("orderId")).isEqualTo("o-other"));
        List<Double> steps = mine.stream().map(e -> e.getMessage().getBody(ComfyEvent.class))
                .filter(e -> e instanceof ComfyEvent.Progress p && "3".equals(p.node()) && p.max() == 20)
                .map(e -> ((ComfyEvent.Progress) e).value()).toList();
        assertThat(steps).hasSize(20).isSorted();
        assertThat(mine.get(mine.size() - 1).getMessage().getHeader(ComfyKitConstants.EVENT_TYPE))
                .isEqualTo("success");
        assertThat(mine).anyMatch(e -> "preview".equals(e.getMessage().getHeader(ComfyKitConstants.EVENT_TYPE)));
    }

    @Test
    void aReconnectIsAMessageWithEventsMissedFollowedByTheOutcomesReadFromTheHistory() {
        MockEndpoint events = getMockEndpoint("mock:events");
        comfy.faults().stallExecution();
        CompletableFuture<ExecuteResult> running = CompletableFuture.supplyAsync(() -> run("across", "o-r"));
        await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 1);
        comfy.faults().delayNext("GET", "/ws", 1, Duration.ofMillis(1500));
        comfy.faults().dropWebSockets();
        comfy.faults().releaseStall();
        ExecuteResult result = running.join();
        await().atMost(Duration.ofSeconds(10)).until(() -> ended(events, result.getPromptId()));

        Exchange missed = events.getExchanges().stream().filter(e -> Boolean.TRUE.equals(e.getMessage()
                .getHeader(ComfyKitConstants.EVENTS_MISSED))).findFirst().orElseThrow();
        assertThat(missed.getMessage().getBody()).isInstanceOf(ComfyEvent.EventsMissed.class);
        assertThat(missed.getMessage().getHeader(ComfyKitConstants.EVENT_TYPE)).isEqualTo("missed");
        ComfyEvent.ExecutionSucceeded success = ofPrompt(events, result.getPromptId()).stream()
                .map(e -> e.getMessage().getBody(ComfyEvent.class))
                .filter(e -> e instanceof ComfyEvent.ExecutionSucceeded).map(ComfyEvent.ExecutionSucceeded.class::cast)
                .findFirst().orElseThrow();
        assertThat(success.fromHistory()).isTrue();
        assertThat(events.getExchanges().indexOf(missed)).isLessThan(events.getExchanges().stream()
                .map(e -> e.getMessage().getBody()).toList().indexOf(success));
    }

    @Test
    void badConsumerOptionsAreRefusedNamingTheOptionAndTheFix() {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("comfykit:events?types=progres").to("mock:never");
            }
        })).hasStackTraceContaining("option types").hasStackTraceContaining("Unknown event type 'progres'")
                .hasStackTraceContaining("progress, executing");
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("comfykit:events?server=gpu9").to("mock:never");
            }
        })).hasStackTraceContaining("option server").hasStackTraceContaining("'gpu9'");
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("comfykit:classpath:workflows/t2i.json").to("mock:never");
            }
        })).hasStackTraceContaining("is a producer").hasStackTraceContaining("from(\"comfykit:events\")");
    }
}
