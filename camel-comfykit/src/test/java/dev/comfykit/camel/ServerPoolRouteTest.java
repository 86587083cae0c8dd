package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routes with {@code servers=}: the Java DSL and the YAML DSL spread exchanges over several emulated servers, and an
 * exchange whose server is dead completes once, on another.
 */
class ServerPoolRouteTest {

    private static ComfyUiEmulator gpu1;
    private static ComfyUiEmulator gpu2;

    @BeforeAll
    static void start() {
        gpu1 = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start();
        gpu2 = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start();
    }

    @AfterAll
    static void stop() {
        gpu1.close();
        gpu2.close();
    }

    private static String closedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void aJavaDslRouteSpreadsExchangesOverTheServersAndSkipsADeadOne() throws Exception {
        gpu1.resetObservations();
        gpu2.resetObservations();
        String servers = "dead=" + closedPortUrl() + ",gpu1=" + gpu1.baseUrl() + ",gpu2=" + gpu2.baseUrl();
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:render")
                            .to("comfykit:classpath:workflows/t2i.json?servers=" + servers
                                    + "&dispatch=round-robin&maxAttempts=3&param.width=48&param.height=32");
                }
            });
            context.start();
            ProducerTemplate template = context.createProducerTemplate();
            List<CompletableFuture<Exchange>> exchanges = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                exchanges.add(template.asyncSend("direct:render", e -> e.getMessage().setBody("a castle")));
            }

            for (CompletableFuture<Exchange> exchange : exchanges) {
                Exchange done = exchange.join();
                assertThat(done.getException()).isNull();
                assertThat(done.getMessage().getBody(ExecuteResult.class).isCompleted()).isTrue();
                assertThat(done.getMessage().getHeader(ComfyKitConstants.PROMPT_ID, String.class)).isNotBlank();
                // the server that ran it, by its name in servers=; never the dead one
                assertThat(done.getMessage().getHeader(ComfyKitConstants.SERVER, String.class))
                        .isIn("gpu1", "gpu2")
                        .isEqualTo(done.getMessage().getBody(ExecuteResult.class).getServer());
            }
            // nothing ran twice: six exchanges, six prompts, on the two live servers
            assertThat(gpu1.promptsReceived() + gpu2.promptsReceived()).isEqualTo(6);
            assertThat(gpu1.promptsReceived()).isPositive();
            assertThat(gpu2.promptsReceived()).isPositive();
        }
    }

    @Test
    void aYamlRouteRunsOnThePool() throws Exception {
        gpu1.resetObservations();
        gpu2.resetObservations();
        try (CamelContext context = new DefaultCamelContext()) {
            Properties properties = new Properties();
            properties.setProperty("gpu1.url", gpu1.baseUrl());
            properties.setProperty("gpu2.url", gpu2.baseUrl());
            context.getPropertiesComponent().setInitialProperties(properties);
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    ResourceHelper.resolveMandatoryResource(context, "classpath:routes/pool.yaml"));
            context.start();
            ProducerTemplate template = context.createProducerTemplate();

            for (int i = 0; i < 4; i++) {
                Exchange exchange = template.request("direct:yaml-pool", e -> e.getMessage().setBody("a tower"));
                assertThat(exchange.getMessage().getBody(ExecuteResult.class).isCompleted()).isTrue();
                assertThat(exchange.getMessage().getHeader(ComfyKitConstants.SERVER)).isIn("gpu1", "gpu2");
            }
            assertThat(gpu1.promptsReceived()).isEqualTo(2);
            assertThat(gpu2.promptsReceived()).isEqualTo(2);
        }
    }
}
