package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that defines its own {@link ComfyKit} bean keeps it: the starter defines none, and the component
 * uses it when {@code camel.component.comfykit.comfy-kit} refers to it.
 */
@SpringBootTest(classes = {TestApplication.class, ApplicationComfyKitBeanTest.ApplicationBeans.class}, properties = {
        // deliberately not the emulator: the route must reach it through the application's client
        "camel.component.comfykit.comfyui-url=http://127.0.0.1:9",
        "camel.component.comfykit.comfy-kit=#bean:applicationComfyKit"
})
class ApplicationComfyKitBeanTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @TestConfiguration
    static class ApplicationBeans {
        @Bean
        ComfyKit applicationComfyKit() {
            return ComfyKit.builder().environment(name -> null).comfyuiUrl(comfy.baseUrl()).build();
        }
    }

    @Autowired
    ApplicationContext applicationContext;
    @Autowired
    CamelContext camelContext;
    @Autowired
    ProducerTemplate producer;

    @Test
    void theApplicationsBeanIsTheOnlyComfyKitBean() {
        assertThat(applicationContext.getBeansOfType(ComfyKit.class)).containsOnlyKeys("applicationComfyKit");
    }

    @Test
    void theComponentUsesTheBeanTheComfyKitPropertyRefersTo() {
        ComfyKitComponent component = camelContext.getComponent("comfykit", ComfyKitComponent.class);

        assertThat(component.getConfiguration().getComfyKit())
                .isSameAs(applicationContext.getBean("applicationComfyKit"));
        ExecuteResult result = producer.requestBody("comfykit:classpath:workflows/t2i.json", "a quiet harbour",
                ExecuteResult.class);
        assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
        assertThat(comfy.emulator().lastPromptBody()).contains("a quiet harbour");
    }
}
