package dev.comfykit.camel.springboot;

import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-server checks of a pool reach Spring Boot's actuator through Camel's health indicator
 * ({@code camel.health.producers-enabled=true}): a dead server of the pool shows DOWN with its name and last error.
 */
@SpringBootTest(classes = {TestApplication.class, ActuatorServerHealthTest.Routes.class},
        properties = "camel.health.producers-enabled=true")
class ActuatorServerHealthTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension live = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws IOException {
        String dead;
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = "http://127.0.0.1:" + socket.getLocalPort();
        }
        String deadUrl = dead;
        registry.add("camel.component.comfykit.servers", () -> "dead=" + deadUrl + ",live=" + live.baseUrl());
        registry.add("camel.component.comfykit.dispatch", () -> "round-robin");
    }

    @TestConfiguration
    static class Routes {
        @Bean
        RouteBuilder poolRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:pool").routeId("pool").to("comfykit:classpath:workflows/t2i.json");
                }
            };
        }
    }

    @Autowired
    ProducerTemplate producer;
    @Autowired
    @Qualifier("camelHealth")
    HealthIndicator camelHealth;

    @Test
    void theActuatorShowsTheDeadServerOfThePoolDownWithItsLastError() {
        producer.requestBody("direct:pool", "a fox");

        // Camel's indicator lists the checks that are not UP, with their details
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Map<String, Object> details = camelHealth.health(true).getDetails();
            assertThat(details).hasEntrySatisfying(key(details, "server:http://127.0.0.1"), state ->
                    assertThat(state).hasToString("DOWN"));
            assertThat(details.toString()).contains("comfyui.name=dead", "comfyui.lastError=connection refused")
                    .doesNotContain("server:" + live.baseUrl());
        });
    }

    private static String key(Map<String, Object> details, String part) {
        return details.keySet().stream().filter(k -> k.contains(part) && !k.endsWith(".data")).findFirst()
                .orElse("no check with " + part + " in " + details.keySet());
    }
}
