package dev.comfykit.camel.springboot;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import dev.comfykit.camel.ComfyKitConstants;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.component.comfykit.servers} makes the starter's client a pool: a route with the component's defaults
 * spreads its exchanges over the servers and says which one ran each ({@code CamelComfyKitServer}); with
 * {@code server-labels-from-header=true} a message's {@code CamelComfyKitServerLabels} narrows its servers.
 */
@SpringBootTest(classes = {TestApplication.class, ServersPropertyTest.Routes.class})
class ServersPropertyTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension gpu1 = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));
    @RegisterExtension
    static ComfyUiEmulatorExtension gpu2 = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("camel.component.comfykit.servers", () -> "gpu1=" + gpu1.baseUrl() + ";label.gpu=a100,gpu2="
                + gpu2.baseUrl() + ";label.gpu=t4");
        registry.add("camel.component.comfykit.dispatch", () -> "round-robin");
        registry.add("camel.component.comfykit.server-labels-from-header", () -> "true");
    }

    @TestConfiguration
    static class Routes {
        @Bean
        RouteBuilder poolRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:pool").to("comfykit:classpath:workflows/t2i.json");
                }
            };
        }
    }

    @Autowired
    ProducerTemplate producer;
    @Autowired
    ComfyKit comfyKit;

    @BeforeEach
    void reset() {
        gpu1.emulator().resetObservations();
        gpu2.emulator().resetObservations();
    }

    @Test
    void aRouteWithTheComponentDefaultsRunsOnEveryServerOfThePool() {
        Set<Object> servers = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            Exchange exchange = producer.request("direct:pool", e -> e.getMessage().setBody("a fox"));
            ExecuteResult result = exchange.getMessage().getBody(ExecuteResult.class);
            assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
            servers.add(exchange.getMessage().getHeader(ComfyKitConstants.SERVER));
        }

        assertThat(servers).containsExactlyInAnyOrder("gpu1", "gpu2");
        assertThat(gpu1.emulator().promptsReceived()).isEqualTo(2);
        assertThat(gpu2.emulator().promptsReceived()).isEqualTo(2);
        assertThat(comfyKit.resubmissions()).isZero();
    }

    @Test
    void serverLabelsFromHeaderLetsAMessageNarrowItsServers() {
        for (int i = 0; i < 3; i++) {
            Exchange exchange = producer.request("direct:pool", e -> {
                e.getMessage().setBody("a hare");
                e.getMessage().setHeader(ComfyKitConstants.SERVER_LABELS, "gpu=t4");
            });
            assertThat(exchange.getException()).isNull();
            assertThat(exchange.getMessage().getHeader(ComfyKitConstants.SERVER)).isEqualTo("gpu2");
        }
        assertThat(gpu1.emulator().promptsReceived()).isZero();
        assertThat(gpu2.emulator().promptsReceived()).isEqualTo(3);
    }
}
