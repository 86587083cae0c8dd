package dev.comfykit.camel.observe;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool of servers: a queue depth gauge per named server, the re-dispatches away from a dead server, and the
 * server tag of executions that a pool ran (the member that ran them).
 */
class PoolMetricsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension gpu1 = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private static String closedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void aPoolHasAGaugePerServerAndCountsRedispatches() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        String servers = "dead=" + closedPortUrl() + ",gpu1=" + gpu1.baseUrl();
        try (CamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("meters", meters);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:render").to("comfykit:classpath:workflows/t2i.json?servers=" + servers
                            + "&dispatch=round-robin&maxAttempts=3&param.width=32&param.height=32");
                }
            });
            context.start();
            ProducerTemplate template = context.createProducerTemplate();

            // round-robin over two servers: one of two prompts in a row is sent to the dead one first
            for (int i = 0; i < 2; i++) {
                assertThat(template.requestBody("direct:render", "a castle", ExecuteResult.class).isCompleted())
                        .isTrue();
            }

            assertThat(meters.get("comfykit.redispatches").functionCounter().count()).isGreaterThanOrEqualTo(1);
            assertThat(meters.get("comfykit.queue.depth").tags("server", "gpu1").gauge()).isNotNull();
            assertThat(meters.get("comfykit.queue.depth").tags("server", "dead").gauge()).isNotNull();
            assertThat(meters.get("comfykit.execution").tags("outcome", "completed", "server", "gpu1")
                    .timer().count()).isEqualTo(2);
        }
    }
}
