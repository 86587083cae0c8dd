package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The component in a YAML DSL route, options given as parameters with property placeholders.
 */
class YamlDslTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @Test
    void aYamlRouteRunsAWorkflow() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            Properties properties = new Properties();
            properties.setProperty("comfyui.url", comfy.baseUrl());
            context.getPropertiesComponent().setInitialProperties(properties);
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    ResourceHelper.resolveMandatoryResource(context, "classpath:routes/generate.yaml"));
            context.start();

            Exchange exchange = context.createProducerTemplate().request("direct:yaml",
                    e -> e.getMessage().setBody("a castle"));

            ExecuteResult result = exchange.getMessage().getBody(ExecuteResult.class);
            assertThat(result.isCompleted()).isTrue();
            assertThat(exchange.getMessage().getHeader("firstImage", String.class)).startsWith(comfy.baseUrl());
            assertThat(comfy.emulator().lastPromptBody()).contains("a castle", "\"width\":48");

            // the same options as nested maps, named as on the URI (param.width) and in Spring (param.width)
            context.createProducerTemplate().sendBodyAndHeader("direct:yaml-nested", null, "prompt", "a tower");
            assertThat(comfy.emulator().lastPromptBody()).contains("a tower", "\"width\":64", "\"height\":40",
                    "\"seed\":11");
        }
    }
}
