package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.client.ComfyKit;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.component.comfykit.configuration=#bean:name} hands the component a whole configuration, which
 * replaces the flattened properties for the component and for the ComfyKit bean alike.
 */
@SpringBootTest(classes = {TestApplication.class, ConfigurationBeanReferenceTest.ApplicationBeans.class}, properties = {
        "camel.component.comfykit.configuration=#bean:comfyConfiguration",
        "camel.component.comfykit.comfyui-url=http://replaced.example:1"
})
class ConfigurationBeanReferenceTest {

    @TestConfiguration
    static class ApplicationBeans {
        @Bean
        ComfyKitConfiguration comfyConfiguration() {
            ComfyKitConfiguration configuration = new ComfyKitConfiguration();
            configuration.setComfyuiUrl("http://from-the-bean.example:8188");
            configuration.setTimeout(90_000);
            return configuration;
        }
    }

    @Autowired
    CamelContext camelContext;
    @Autowired
    ComfyKitConfiguration comfyConfiguration;
    @Autowired
    ComfyKit comfyKit;

    @Test
    void theComponentUsesTheReferencedConfiguration() {
        ComfyKitComponent component = camelContext.getComponent("comfykit", ComfyKitComponent.class);

        assertThat(component.getConfiguration()).isSameAs(comfyConfiguration);
        assertThat(component.getConfiguration().getComfyuiUrl()).isEqualTo("http://from-the-bean.example:8188");
    }

    @Test
    void theComfyKitBeanIsBuiltFromTheSameConfiguration() {
        assertThat(comfyKit.config().getComfyuiUrl()).isEqualTo(URI.create("http://from-the-bean.example:8188"));
        assertThat(comfyKit.config().getTimeout()).isEqualTo(Duration.ofSeconds(90));
    }
}
