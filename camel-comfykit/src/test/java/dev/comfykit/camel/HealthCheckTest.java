package dev.comfykit.camel;

import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The producer readiness check reports whether the ComfyUI server answers, without showing credentials.
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

            assertThat(results).filteredOn(r -> r.getCheck().getId().contains("comfykit"))
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
        }
    }
}
