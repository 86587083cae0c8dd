package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.client.events.ComfyEvent;
import dev.comfykit.client.events.EventSubscription;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A route slower than the events: the consumer's bounded buffer drops previews first and keeps the other events,
 * and the WebSocket (so the execution) never waits for the route.
 */
class EventsSlowConsumerTest extends EmulatorCamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(1))
            .previewEvery(1));

    private final CountDownLatch release = new CountDownLatch(1);
    private final Queue<ComfyEvent> received = new ConcurrentLinkedQueue<>();

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
                // t2i: 20 sampler steps with a preview each; progress of its 7 nodes and the success fit in 45
                from("comfykit:events?types=progress,preview,success&eventBufferSize=45").routeId("slow")
                        .process(exchange -> {
                            release.await(20, TimeUnit.SECONDS);
                            received.add(exchange.getMessage().getBody(ComfyEvent.class));
                        });
                from("direct:run").to("comfykit:classpath:workflows/t2i.json");
            }
        };
    }

    @AfterEach
    void releaseTheRoute() {
        release.countDown();
    }

    @Test
    void previewsAreDroppedFirstAndTheOtherEventsAreKept() {
        // the execution completes while the route is still stuck on the first event
        ExecuteResult result = template.requestBody("direct:run", "slow route", ExecuteResult.class);
        EventSubscription subscription = ((ComfyKitEventsConsumer) context.getRoute("slow").getConsumer())
                .getSubscription();
        assertThat(subscription.droppedPreviews()).isPositive();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> received.stream()
                .anyMatch(e -> e instanceof ComfyEvent.ExecutionSucceeded s && s.promptId().equals(result.getPromptId())));

        assertThat(subscription.dropped()).isEqualTo(subscription.droppedPreviews());
        assertThat(received).noneMatch(e -> e instanceof ComfyEvent.EventsMissed);
        List<Double> steps = received.stream().filter(e -> e instanceof ComfyEvent.Progress p && "3".equals(p.node())
                && p.max() == 20 && p.promptId().equals(result.getPromptId()))
                .map(e -> ((ComfyEvent.Progress) e).value()).toList();
        assertThat(steps).hasSize(20).isSorted();
    }
}
