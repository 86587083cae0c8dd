package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.client.ComfyKit;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ComponentCustomizer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.component.comfykit.enabled=false} switches the starter off: no ComfyKit bean, and the component,
 * still usable from routes, keeps its own defaults.
 */
@SpringBootTest(classes = TestApplication.class, properties = {
        "camel.component.comfykit.enabled=false",
        "camel.component.comfykit.comfyui-url=http://comfy.example:8188"
})
class DisabledStarterTest {

    @Autowired
    ApplicationContext applicationContext;
    @Autowired
    CamelContext camelContext;

    @Test
    void noComfyKitBeanIsDefined() {
        assertThat(applicationContext.getBeanNamesForType(ComfyKit.class)).isEmpty();
        assertThat(applicationContext.getBeanNamesForType(ComfyKitComponentConfiguration.class)).isEmpty();
        assertThat(applicationContext.getBeansOfType(ComponentCustomizer.class).values())
                .noneMatch(ComfyKitComponentCustomizer.class::isInstance);
    }

    @Test
    void theComponentKeepsItsDefaults() {
        ComfyKitComponent component = camelContext.getComponent("comfykit", ComfyKitComponent.class);

        assertThat(component.getConfiguration().getComfyuiUrl()).isEqualTo("http://127.0.0.1:8188");
    }
}
