package dev.comfykit.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a Camel user expects from a component: metadata, masked secrets, lazy start, fail-fast configuration.
 */
class ComponentConventionsTest {

    @Test
    void theComponentDescribesItselfWithGeneratedMetadata() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            String json = ((org.apache.camel.CatalogCamelContext) context).getComponentParameterJsonSchema("comfykit");
            assertThat(json).contains("\"scheme\": \"comfykit\"", "\"async\": true", "\"producerOnly\": false",
                    "\"CamelComfyKitPromptId\"", "\"comfyuiUrl\"", "\"param.\"");
        }
    }

    @Test
    void secretsAreMarkedAndMaskedInLoggedUris() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            EndpointUriFactory factory = context.getCamelContextExtension().getEndpointUriFactory("comfykit");
            assertThat(factory.secretPropertyNames()).containsExactlyInAnyOrder("apiKey", "cookieSecret",
                    "runninghubApiKey", "webhookSecret");
            String uri = "comfykit:t2i.json?apiKey=sk-123&cookieSecret=session%3Dabc&runninghubApiKey=rh-456"
                    + "&webhookSecret=hook-0123456789abcdef";
            assertThat(URISupport.sanitizeUri(uri)).doesNotContain("sk-123", "session", "rh-456", "hook-0123");
            context.start();
            var endpoint = context.getEndpoint("comfykit:t2i.json?apiKey=RAW(sk-123)");
            assertThat(endpoint.toString()).doesNotContain("sk-123");
        }
    }

    @Test
    void noConnectionIsMadeBeforeStartSoLazyStartProducerWorksWithADownServer() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        int closedPort = port;
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:a").routeId("lazy").to("comfykit:t2i.json?lazyStartProducer=true"
                            + "&comfyuiUrl=http://127.0.0.1:" + closedPort);
                    from("direct:b").routeId("eager").to("comfykit:classpath:workflows/t2i.json?comfyuiUrl=http://127.0.0.1:"
                            + closedPort);
                }
            });
            context.start();
            assertThat(context.getRouteController().getRouteStatus("lazy").isStarted()).isTrue();
            assertThat(context.getRouteController().getRouteStatus("eager").isStarted()).isTrue();
        }
    }

    @Test
    void unknownOptionsFailAtStartup() {
        assertThatThrownBy(() -> startWith("comfykit:t2i.json?comfyuiUlr=http://x"))
                .hasRootCauseInstanceOf(org.apache.camel.ResolveEndpointFailedException.class)
                .rootCause().hasMessageContaining("comfyuiUlr");
    }

    @Test
    void invalidOptionsFailAtStartupNamingTheOption() {
        assertThatThrownBy(() -> startWith("comfykit:t2i.json?timeout=0"))
                .hasStackTraceContaining("option timeout must be a positive duration (30s, 10m,");
        assertThatThrownBy(() -> startWith("comfykit:?operation=execute"))
                .hasStackTraceContaining("needs a workflow");
        assertThatThrownBy(() -> startWith("comfykit:t2i.json?runninghubMaxConcurrency=0"))
                .as("the client's own rule, from the option table").hasStackTraceContaining(
                        "option runninghubMaxConcurrency must be at least 1, got 0");
        assertThatThrownBy(() -> startWith("comfykit:t2i.json?comfyuiUrl=localhost:8188"))
                .hasStackTraceContaining("comfyuiUrl 'localhost:8188' is not an http(s) base URL");
        assertThatThrownBy(() -> startWith("comfykit:t2i.json?executorType=grpc"))
                .hasStackTraceContaining("executorType");
    }

    @Test
    void aWrongEnumValueFailsListingTheAllowedValues() {
        assertThatThrownBy(() -> startWith("comfykit:t2i.json?executorType=WS"))
                .hasStackTraceContaining("option executorType=WS is not one of HTTP, WEBSOCKET.");
        assertThatThrownBy(() -> startWith("comfykit:t2i.json?operation=run"))
                .hasStackTraceContaining("option operation=run is not one of execute, submit, await, cancel, describe.");
        assertThatThrownBy(() -> startWith("comfykit:1987654321098765432?runninghubInstanceType=pro"))
                .hasStackTraceContaining("option runninghubInstanceType=pro is not one of default, plus.");
        assertThatThrownBy(() -> startWith("comfykit:1987654321098765432?runninghubApiVersion=v3"))
                .hasStackTraceContaining("option runninghubApiVersion=v3 is not one of v1, v2.");
    }

    @Test
    void aDurationThatIsNotOneFailsShowingTheAcceptedForms() {
        String forms = "30s, 10m, 1h30m, 500ms, a number of milliseconds (600000) or ISO-8601 (PT10M).";
        assertThatThrownBy(() -> startWith("comfykit:t2i.json?timeout=abc"))
                .hasStackTraceContaining("option timeout=abc is not a duration: write " + forms);
        assertThatThrownBy(() -> startWith("comfykit:t2i.json?runninghubPollInterval=3sec5"))
                .hasStackTraceContaining("option runninghubPollInterval=3sec5 is not a duration");
    }

    @Test
    void everyDocumentedDurationFormIsAccepted() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            for (String value : new String[] {"30s", "10m", "1h30m", "500ms", "600000", "PT10M"}) {
                ComfyKitEndpoint endpoint = context.getEndpoint("comfykit:t2i.json?timeout=" + value,
                        ComfyKitEndpoint.class);
                assertThat(endpoint.getConfiguration().getTimeout()).as(value).isPositive();
            }
            assertThat(context.getEndpoint("comfykit:t2i.json?executorType=websocket", ComfyKitEndpoint.class)
                    .getConfiguration().getExecutorType()).isEqualTo(dev.comfykit.client.ExecutorType.WEBSOCKET);
        }
    }

    @Test
    void endpointsWithEqualOptionsShareOneClient() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:a").to("comfykit:classpath:workflows/t2i.json");
                    from("direct:b").to("comfykit:classpath:workflows/text.json?param.suffix=!");
                    from("direct:c").to("comfykit:classpath:workflows/t2i.json?comfyuiUrl=http://other:8188");
                }
            });
            context.start();
            ComfyKitComponent component = context.getComponent("comfykit", ComfyKitComponent.class);
            assertThat(component.getClients().size()).isEqualTo(2);
            context.stop();
            assertThat(component.getClients().size()).isZero();
        }
    }

    @Test
    void paramOptionsAreCollectedUnderTheirNames() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            ComfyKitEndpoint endpoint = context.getEndpoint("comfykit:t2i.json?param.steps=30&param.prompt=a%20cat",
                    ComfyKitEndpoint.class);
            assertThat(endpoint.getConfiguration().getParam()).isEqualTo(Map.of("steps", "30", "prompt", "a cat"));
        }
    }

    @Test
    void componentOptionsAreTheDefaultsOfEveryEndpoint() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            ComfyKitComponent component = context.getComponent("comfykit", ComfyKitComponent.class);
            component.getConfiguration().setComfyuiUrl("http://gpu:8188");
            component.getConfiguration().setTimeout(5000);
            context.start();
            ComfyKitEndpoint a = context.getEndpoint("comfykit:a.json", ComfyKitEndpoint.class);
            ComfyKitEndpoint b = context.getEndpoint("comfykit:b.json?timeout=7s", ComfyKitEndpoint.class);
            assertThat(a.getConfiguration().getComfyuiUrl()).isEqualTo("http://gpu:8188");
            assertThat(a.getConfiguration().getTimeout()).isEqualTo(5000);
            assertThat(b.getConfiguration().getTimeout()).isEqualTo(7000);
            assertThat(component.getConfiguration().getTimeout()).as("copied, not shared").isEqualTo(5000);
        }
    }

    private static void startWith(String uri) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:x").to(uri);
                }
            });
            context.start();
        }
    }
}
