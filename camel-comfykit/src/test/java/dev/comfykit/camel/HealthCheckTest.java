package dev.comfykit.camel;

import dev.comfykit.emulator.ComfyUiEmulator;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The producer readiness check reports whether the ComfyUI server answers, without showing credentials; one check per
 * server reports the client's view of its health (state, last error, queue depth).
 */
class HealthCheckTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @Test
    void upWhenTheServerAnswersAndDownWhenItDoesNot() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:up").to("comfykit:classpath:workflows/t2i.json?apiKey=RAW(sk-health-secret)&comfyuiUrl="
                            + comfy.baseUrl());
                    from("direct:down").to("comfykit:classpath:workflows/t2i.json?comfyuiUrl=http://127.0.0.1:"
                            + closedPort);
                }
            });
            HealthCheckRegistry registry = HealthCheckRegistry.get(context);
            context.start();
            registry.getRepository("producers").ifPresent(r -> r.setEnabled(true));

            Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(context, "full");

            assertThat(results).filteredOn(r -> r.getCheck().getId().contains("comfykit")
                            && !r.getCheck().getId().contains("/server:"))
                    .hasSize(2)
                    .anySatisfy(r -> {
                        assertThat(r.getState()).isEqualTo(HealthCheck.State.UP);
                        assertThat(r.getDetails()).containsEntry("comfyui.version", "0.3.65");
                        assertThat(r.getCheck().getId()).doesNotContain("sk-health-secret");
                    })
                    .anySatisfy(r -> {
                        assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
                        assertThat(r.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("does not answer"));
                    });
            assertThat(results).filteredOn(r -> r.getCheck().getId().contains("/server:"))
                    .as("one check per server of each producer").hasSize(2)
                    .allSatisfy(r -> assertThat(r.getCheck().getId()).doesNotContain("sk-health-secret"));
        }
    }

    @Test
    void theServerCheckReportsDownWithTheLastErrorWhenTheServerDies() throws Exception {
        ComfyUiEmulator server = ComfyUiEmulator.builder().stepTime(Duration.ofMillis(20)).start();
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:gpu").to("comfykit:classpath:workflows/t2i.json?timeout=60000&comfyuiUrl="
                            + server.baseUrl());
                }
            });
            HealthCheckRegistry registry = HealthCheckRegistry.get(context);
            context.start();
            registry.getRepository("producers").ifPresent(r -> r.setEnabled(true));
            assertThat(serverCheck(context).getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(serverCheck(context).getDetails()).containsEntry("comfyui.state", "UP")
                    .containsEntry("comfyui.url", server.baseUrl());

            server.faults().stallExecution();
            CompletableFuture<Exchange> job = context.createProducerTemplate().asyncSend("direct:gpu",
                    e -> e.getMessage().setBody(Map.of("prompt", "x", "width", 64, "height", 64)));
            await().atMost(Duration.ofSeconds(5)).until(() -> server.queueRemaining() == 1);
            server.close();

            Exchange failed = job.get(10, TimeUnit.SECONDS);
            assertThat(failed.getException()).isInstanceOf(ComfyKitConnectionException.class);
            HealthCheck.Result down = serverCheck(context);
            assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(down.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("connection refused"));
            assertThat(down.getDetails()).containsEntry("comfyui.state", "DOWN")
                    .containsEntry("comfyui.lastError", "connection refused");
        } finally {
            server.close();
        }
    }

    private static HealthCheck.Result serverCheck(CamelContext context) {
        return HealthCheckHelper.invokeReadiness(context, "full").stream()
                .filter(r -> r.getCheck().getId().contains("/server:")).findFirst().orElseThrow();
    }
}
