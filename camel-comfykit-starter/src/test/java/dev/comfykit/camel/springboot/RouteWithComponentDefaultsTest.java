package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.camel.ComfyKitEndpoint;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the README promises: add the starter, set {@code camel.component.comfykit.comfyui-url}, and a route using
 * the component's defaults works; the {@link ComfyKit} bean talks to the same server, and is the client of the routes
 * whose URIs set no connection option.
 */
@SpringBootTest(classes = {TestApplication.class, RouteWithComponentDefaultsTest.Routes.class})
class RouteWithComponentDefaultsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @DynamicPropertySource
    static void comfyuiUrl(DynamicPropertyRegistry registry) {
        registry.add("camel.component.comfykit.comfyui-url", comfy::baseUrl);
    }

    @TestConfiguration
    static class Routes {
        @Bean
        RouteBuilder generateRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:generate").to("comfykit:classpath:workflows/t2i.json");
                }
            };
        }
    }

    @Autowired
    ProducerTemplate producer;
    @Autowired
    ComfyKit comfyKit;
    @Autowired
    CamelContext camelContext;

    @Test
    void aRouteWithTheComponentDefaultsRunsTheWorkflowOnTheConfiguredServer() {
        ExecuteResult result = producer.requestBody("direct:generate", "a red fox asleep in the snow",
                ExecuteResult.class);

        assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
        assertThat(result.getImages()).hasSize(1).allSatisfy(url -> assertThat(url).startsWith(comfy.baseUrl()));
        assertThat(comfy.emulator().lastPromptBody()).contains("a red fox asleep in the snow");
    }

    @Test
    void theComfyKitBeanRunsWorkflowsOnTheSameServer() {
        ExecuteResult result = comfyKit.execute("classpath:workflows/t2i.json",
                Map.of("prompt", "a lighthouse", "seed", 7)).join();

        assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
        assertThat(comfy.emulator().lastPromptBody()).contains("a lighthouse");
    }

    @Test
    void routesAndServicesShareTheComfyKitBean() {
        producer.requestBody("direct:generate", "a shared client", ExecuteResult.class);

        assertThat(camelContext.getComponent("comfykit", ComfyKitComponent.class).getConfiguration().getComfyKit())
                .as("autowired").isSameAs(comfyKit);
        assertThat(camelContext.getEndpoint("comfykit:classpath:workflows/t2i.json", ComfyKitEndpoint.class)
                .getClient()).isSameAs(comfyKit);
    }

    @Test
    void connectionOptionsOnAUriStillWorkAsTheyGiveTheEndpointItsOwnClient() {
        ExecuteResult result = producer.requestBody(
                "comfykit:classpath:workflows/t2i.json?executorType=WEBSOCKET&param.width=64", "a tiny boat",
                ExecuteResult.class);

        assertThat(camelContext.getEndpoint("comfykit:classpath:workflows/t2i.json?executorType=WEBSOCKET"
                + "&param.width=64", ComfyKitEndpoint.class).getClient()).isNotSameAs(comfyKit);
        assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
        assertThat(comfy.emulator().webSocketClients()).as("the endpoint's own WebSocket client").isEqualTo(1);
        assertThat(comfy.emulator().lastPromptBody()).contains("a tiny boat", "\"width\":64");
    }
}
