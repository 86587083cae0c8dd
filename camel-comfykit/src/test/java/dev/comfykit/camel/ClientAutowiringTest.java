package dev.comfykit.camel;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutorType;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The component's {@code comfyKit} option is autowired: a single ComfyKit in the registry serves every endpoint whose
 * URI sets no connection option, and an endpoint with connection options on its URI gets a client of its own.
 */
class ClientAutowiringTest extends CamelTestSupport {

    /** Nothing listens here: an endpoint that reaches the emulator did it through the registry's client. */
    private static final String NOWHERE = "http://127.0.0.1:9";

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    static ComfyKit registryClient;

    @BeforeAll
    static void createClient() {
        registryClient = ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl())
                .executorType(ExecutorType.WEBSOCKET).build();
    }

    @AfterAll
    static void closeClient() {
        registryClient.close();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("myComfyKit", registryClient);
        context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration().setComfyuiUrl(NOWHERE);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:default").to("comfykit:classpath:workflows/text.json");
                from("direct:own").to("comfykit:classpath:workflows/text.json?comfyuiUrl=" + comfy.baseUrl());
            }
        };
    }

    private ComfyKitComponent component() {
        return context.getComponent("comfykit", ComfyKitComponent.class);
    }

    @Test
    void theComponentPicksUpTheSingleComfyKitOfTheRegistry() {
        assertThat(component().getConfiguration().getComfyKit()).isSameAs(registryClient);
    }

    @Test
    void endpointsWithoutConnectionOptionsUseTheRegistrysClient() {
        ExecuteResult result = template.requestBody("direct:default", "shared", ExecuteResult.class);

        assertThat(result.getTexts()).containsExactly("shared, from ComfyKit");
        assertThat(context.getEndpoint("comfykit:classpath:workflows/text.json", ComfyKitEndpoint.class).getClient())
                .isSameAs(registryClient);
        assertThat(component().getClients().size()).as("built for direct:own only, the endpoint with comfyuiUrl")
                .isEqualTo(1);
    }

    @Test
    void connectionOptionsOnTheUriGiveTheEndpointAClientOfItsOwn() {
        ExecuteResult result = template.requestBody("direct:own", "own", ExecuteResult.class);

        assertThat(result.getTexts()).containsExactly("own, from ComfyKit");
        ComfyKitEndpoint own = context.getEndpoint("comfykit:classpath:workflows/text.json?comfyuiUrl="
                + comfy.baseUrl(), ComfyKitEndpoint.class);
        assertThat(own.isOwnClient()).isTrue();
        assertThat(own.getClient()).isNotSameAs(registryClient);
        assertThat(own.getConfiguration().getComfyKit()).as("not autowired into the endpoint either").isNull();
        assertThat(own.getClient().config().getExecutorType()).as("the rest comes from the component's client")
                .isEqualTo(ExecutorType.WEBSOCKET);
    }

    @Test
    void anEndpointThatChangesOneOptionStartsFromTheComponentsClientNotFromTheComponentsDefaults() {
        ComfyKitEndpoint endpoint = context.getEndpoint("comfykit:classpath:workflows/text.json?timeout=5m",
                ComfyKitEndpoint.class);
        ExecuteResult result = template.requestBody(endpoint, "five minutes", ExecuteResult.class);

        assertThat(result.getTexts()).as("the registry client's server, not the component's " + NOWHERE)
                .containsExactly("five minutes, from ComfyKit");
        assertThat(endpoint.getClient()).isNotSameAs(registryClient);
        assertThat(endpoint.getClient().config().getTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(endpoint.getClient().config().getComfyuiUrl()).isEqualTo(registryClient.config().getComfyuiUrl());
        assertThat(endpoint.getClient().config().getExecutorType()).isEqualTo(ExecutorType.WEBSOCKET);
    }

    @Test
    void anyConnectionOptionCountsAndOtherOptionsDoNot() {
        assertThat(context.getEndpoint("comfykit:t2i.json?timeout=5m", ComfyKitEndpoint.class).isOwnClient())
                .isTrue();
        assertThat(context.getEndpoint("comfykit:t2i.json?executor-type=WEBSOCKET", ComfyKitEndpoint.class)
                .isOwnClient()).as("dashed names, as Camel accepts them").isTrue();
        assertThat(context.getEndpoint("comfykit:t2i.json?param.width=64&outputDirectory=out&operation=describe",
                ComfyKitEndpoint.class).isOwnClient()).isFalse();
        assertThat(context.getEndpoint("comfykit:await", ComfyKitEndpoint.class).isOwnClient()).isFalse();
    }

    @Test
    void aClientNamedOnTheUriWinsOverItsConnectionOptions() throws Exception {
        ComfyKitEndpoint endpoint = context.getEndpoint("comfykit:t2i.json?comfyKit=#myComfyKit&comfyuiUrl="
                + NOWHERE, ComfyKitEndpoint.class);
        endpoint.start();

        assertThat(endpoint.isOwnClient()).isFalse();
        assertThat(endpoint.getClient()).isSameAs(registryClient);
        endpoint.stop();
    }

    @Test
    void theComponentDoesNotCloseAClientItDidNotBuild() {
        template.requestBody("direct:default", "before", ExecuteResult.class);
        context.stop();

        ExecuteResult result = registryClient.execute("classpath:workflows/text.json", Map.of("text", "after"))
                .join();
        assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
    }

    @Test
    void withAutowiringOffTheComponentBuildsItsOwnClients() throws Exception {
        try (CamelContext other = new DefaultCamelContext()) {
            other.getRegistry().bind("myComfyKit", registryClient);
            ComfyKitComponent component = new ComfyKitComponent();
            component.setAutowiredEnabled(false);
            other.addComponent("comfykit", component);
            other.start();

            ComfyKitEndpoint endpoint = other.getEndpoint("comfykit:t2i.json", ComfyKitEndpoint.class);
            endpoint.start();

            assertThat(component.getConfiguration().getComfyKit()).isNull();
            assertThat(endpoint.getClient()).isNotSameAs(registryClient);
        }
    }
}
