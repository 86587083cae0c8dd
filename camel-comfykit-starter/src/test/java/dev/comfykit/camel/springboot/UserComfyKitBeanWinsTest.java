package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.camel.ComfyKitEndpoint;
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
 * An application's own {@link ComfyKit} bean wins without any property: the starter defines none, and the component
 * picks the application's bean up (autowired) for the routes whose URIs set no connection option.
 */
@SpringBootTest(classes = {TestApplication.class, UserComfyKitBeanWinsTest.ApplicationBeans.class}, properties =
        // deliberately not the emulator: the route must reach it through the application's client
        "camel.component.comfykit.comfyui-url=http://127.0.0.1:9")
class UserComfyKitBeanWinsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @TestConfiguration
    static class ApplicationBeans {
        @Bean
        ComfyKit myComfyKit() {
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
    void theStarterDefinesNoComfyKitBean() {
        assertThat(applicationContext.getBeansOfType(ComfyKit.class)).containsOnlyKeys("myComfyKit");
    }

    @Test
    void routesUseTheApplicationsClient() {
        ExecuteResult result = producer.requestBody("comfykit:classpath:workflows/t2i.json", "a user's own client",
                ExecuteResult.class);

        assertThat(result.isCompleted()).as(result.getMsg()).isTrue();
        assertThat(comfy.emulator().lastPromptBody()).contains("a user's own client");
        assertThat(camelContext.getComponent("comfykit", ComfyKitComponent.class).getConfiguration().getComfyKit())
                .isSameAs(applicationContext.getBean("myComfyKit"));
        assertThat(camelContext.getEndpoint("comfykit:classpath:workflows/t2i.json", ComfyKitEndpoint.class)
                .getClient()).isSameAs(applicationContext.getBean("myComfyKit"));
    }
}
