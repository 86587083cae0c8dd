package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 200 exchanges in flight through one endpoint, driven by a pool of 4 threads: the asynchronous producer holds no
 * thread while a prompt runs, so all 200 prompts are on the server at once, and all complete, each with its own
 * result.
 */
class ConcurrencyTest extends EmulatorCamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO)
            .promptDelay(Duration.ofMillis(20)).parallelism(8));

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:http").to("comfykit:classpath:workflows/text.json");
                from("direct:websocket").to("comfykit:classpath:workflows/text.json?executorType=WEBSOCKET");
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct:http", "direct:websocket"})
    void twoHundredExchangesThroughOneEndpointWithFourThreads(String route) {
        // no prompt can finish while execution stalls, so a producer that blocked a thread per prompt would get no
        // more prompts onto the server than there are threads (the 4 callers', or the producer template's 10)
        comfy.faults().stallExecution();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<ExecuteResult>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                // texts differ per route: a prompt identical to the previous run's last one would come from the
                // server's output cache at once, stall or not
                String text = "message " + i + " via " + route;
                results.add(CompletableFuture.supplyAsync(() -> template.asyncRequestBody(route, text,
                        ExecuteResult.class), pool).thenCompose(f -> f));
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(comfy.emulator().queueRemaining()).as("prompts on the server").isEqualTo(200));
            comfy.faults().releaseStall();

            Set<String> texts = new HashSet<>();
            Set<String> promptIds = new HashSet<>();
            for (CompletableFuture<ExecuteResult> result : results) {
                ExecuteResult r = result.join();
                texts.add(r.getTexts().get(0));
                promptIds.add(r.getPromptId());
            }
            assertThat(texts).hasSize(200).contains("message 0 via " + route + ", from ComfyKit",
                    "message 199 via " + route + ", from ComfyKit");
            assertThat(promptIds).hasSize(200);
        } finally {
            comfy.faults().releaseStall();
            pool.shutdownNow();
        }
    }
}
