package dev.comfykit.camel.springboot;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.component.comfykit.servers} makes the starter's client a pool: a route with the component's defaults
 * spreads its exchanges over the servers.
 */
@SpringBootTest(classes = {TestApplication.class, ServersPropertyTest.Routes.class})
class ServersPropertyTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension gpu1 = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));
    @RegisterExtension
    static ComfyUiEmulatorExtension gpu2 = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("camel.component.comfykit.servers", () -> "gpu1=" + gpu1.baseUrl() + ",gpu2=" + gpu2.baseUrl());
        registry.add("camel.component.comfykit.dispatch", () -> "round-robin");
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

    @Test
    void aRouteWithTheComponentDefaultsRunsOnEveryServerOfThePool() {
        for (int i = 0; i < 4; i++) {
            ExecuteResult result = producer.requestBody("direct:pool", "a fox " + i, ExecuteResult.class);
            assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
        }

        assertThat(gpu1.emulator().promptsReceived()).isEqualTo(2);
        assertThat(gpu2.emulator().promptsReceived()).isEqualTo(2);
        assertThat(comfyKit.resubmissions()).isZero();
    }
}
