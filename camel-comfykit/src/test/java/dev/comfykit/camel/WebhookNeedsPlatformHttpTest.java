package dev.comfykit.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.DefaultClassResolver;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * camel-platform-http is not a dependency of camel-comfykit (it is a test dependency here, so this test hides it
 * from Camel's class resolver): a route whose client has a webhookUrl then fails to start, naming what to add.
 */
class WebhookNeedsPlatformHttpTest {

    @Test
    void withoutPlatformHttpAWebhookUrlFailsTheStartNamingTheDependency() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.setClassResolver(new DefaultClassResolver(context) {
                @Override
                public URL loadResourceAsURL(String uri) {
                    return uri.contains("platform-http") ? null : super.loadResourceAsURL(uri);
                }
            });
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:run").to("comfykit:1987654321?webhookUrl=https://hooks.example/comfykit/webhook"
                            + "&webhookSecret=0123456789abcdef0123");
                }
            });
            assertThatThrownBy(context::start).rootCause()
                    .hasMessageContaining("webhookUrl")
                    .hasMessageContaining("camel-platform-http-vertx");
        }
    }

    @Test
    void aWebhookUrlWithoutASecretFailsTheStartNamingTheOption() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:run").to("comfykit:1987654321?webhookUrl=https://hooks.example/comfykit/webhook");
                }
            });
            assertThatThrownBy(context::start).rootCause().hasMessageContaining("webhookSecret");
        }
    }
}
