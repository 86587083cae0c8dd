package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.camel.ComfyKitOperation;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitConfig;
import dev.comfykit.client.ExecutorType;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code camel.component.comfykit.*} property reaches the component's nested configuration and, for the
 * connection options, the {@link ComfyKit} bean, with Spring Boot's value syntax (durations, placeholders).
 */
@SpringBootTest(classes = TestApplication.class, properties = {
        "camel.component.comfykit.comfyui-url=http://comfy.example:8188/prefix",
        "camel.component.comfykit.executor-type=websocket",
        "camel.component.comfykit.timeout=7s",
        "camel.component.comfykit.connect-timeout=1500",
        "camel.component.comfykit.request-timeout=2m",
        "camel.component.comfykit.operation=describe",
        "camel.component.comfykit.param.steps=30",
        "camel.component.comfykit.param.sampler=euler",
        "camel.component.comfykit.default-param.seed=7",
        "camel.component.comfykit.header-params=prompt,seed",
        "camel.component.comfykit.allowed-media-urls=https://cdn.example.com/in/",
        "camel.component.comfykit.text-param=caption",
        "camel.component.comfykit.media-param=picture",
        "camel.component.comfykit.output-directory=target/comfy-out",
        "camel.component.comfykit.throw-exception-on-failure=false",
        "camel.component.comfykit.lazy-start-producer=true",
        "camel.component.comfykit.health-check-producer-enabled=false",
        "camel.component.comfykit.max-upload-bytes=1024",
        "camel.component.comfykit.runninghub-url=https://www.runninghub.cn",
        "camel.component.comfykit.runninghub-timeout=45m",
        "camel.component.comfykit.runninghub-retry-count=5",
        "camel.component.comfykit.runninghub-instance-type=plus",
        "camel.component.comfykit.runninghub-poll-interval=5s",
        "camel.component.comfykit.runninghub-max-concurrency=4",
        // a Spring placeholder, resolved by Spring for both
        "test.comfy-key=sk-from-a-spring-placeholder",
        "camel.component.comfykit.api-key=${test.comfy-key}",
        "camel.component.comfykit.cookie-secret=session=abc",
        // a Camel placeholder, which Spring leaves alone: the component resolves it, and so must the bean
        "test.runninghub-key=rh-from-a-camel-placeholder",
        "camel.component.comfykit.runninghub-api-key={{test.runninghub-key}}",
        // literal keys are what this test is about: no SECURITY WARNING from Camel's security policy in the build
        "camel.security.allowed-properties=camel.component.comfykit.api-key,camel.component.comfykit.cookie-secret,"
                + "camel.component.comfykit.runninghub-api-key"
})
class PropertiesReachTheComponentAndTheClientTest {

    @Autowired
    CamelContext camelContext;
    @Autowired
    ComfyKit comfyKit;

    private ComfyKitConfiguration component() {
        return camelContext.getComponent("comfykit", ComfyKitComponent.class).getConfiguration();
    }

    @Test
    void connectionOptionsReachTheComponent() {
        ComfyKitConfiguration c = component();

        assertThat(c.getComfyuiUrl()).isEqualTo("http://comfy.example:8188/prefix");
        assertThat(c.getExecutorType()).isEqualTo(ExecutorType.WEBSOCKET);
        assertThat(c.getApiKey()).isEqualTo("sk-from-a-spring-placeholder");
        assertThat(c.getCookieSecret()).isEqualTo("session=abc");
        assertThat(c.getRunninghubUrl()).isEqualTo("https://www.runninghub.cn");
        assertThat(c.getRunninghubApiKey()).isEqualTo("rh-from-a-camel-placeholder");
        assertThat(c.getRunninghubRetryCount()).isEqualTo(5);
        assertThat(c.getRunninghubInstanceType()).isEqualTo("plus");
        assertThat(c.getRunninghubMaxConcurrency()).isEqualTo(4);
        assertThat(c.getMaxUploadBytes()).isEqualTo(1024);
    }

    @Test
    void durationsReachTheComponentInMilliseconds() {
        ComfyKitConfiguration c = component();

        assertThat(c.getTimeout()).as("7s").isEqualTo(7_000);
        assertThat(c.getConnectTimeout()).as("a bare number is milliseconds, as in Camel").isEqualTo(1_500);
        assertThat(c.getRequestTimeout()).as("2m").isEqualTo(120_000);
        assertThat(c.getRunninghubTimeout()).as("45m").isEqualTo(2_700_000);
        assertThat(c.getRunninghubPollInterval()).as("5s").isEqualTo(5_000);
    }

    @Test
    void producerOptionsReachTheComponent() {
        ComfyKitComponent component = camelContext.getComponent("comfykit", ComfyKitComponent.class);
        ComfyKitConfiguration c = component.getConfiguration();

        assertThat(c.getOperation()).isEqualTo(ComfyKitOperation.describe);
        assertThat(c.getParam()).containsEntry("steps", "30").containsEntry("sampler", "euler");
        assertThat(c.getDefaultParam()).containsEntry("seed", "7");
        assertThat(c.getHeaderParams()).isEqualTo("prompt,seed");
        assertThat(c.getAllowedMediaUrls()).isEqualTo("https://cdn.example.com/in/");
        assertThat(c.getTextParam()).isEqualTo("caption");
        assertThat(c.getMediaParam()).isEqualTo("picture");
        assertThat(c.getOutputDirectory()).isEqualTo("target/comfy-out");
        assertThat(c.isThrowExceptionOnFailure()).isFalse();
        assertThat(component.isLazyStartProducer()).isTrue();
        assertThat(component.isHealthCheckProducerEnabled()).isFalse();
        assertThat(c.getComfyKit()).as("the starter's ComfyKit bean, autowired").isSameAs(comfyKit);
    }

    @Test
    void theComfyKitBeanIsConfiguredLikeTheComponent() {
        ComfyKitConfig client = comfyKit.config();

        assertThat(client.getComfyuiUrl()).isEqualTo(URI.create("http://comfy.example:8188/prefix"));
        assertThat(client.getExecutorType()).isEqualTo(ExecutorType.WEBSOCKET);
        assertThat(client.getTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(client.getConnectTimeout()).isEqualTo(Duration.ofMillis(1_500));
        assertThat(client.getRequestTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(client.getApiKey()).isEqualTo("sk-from-a-spring-placeholder");
        assertThat(client.getCookies()).isEqualTo("session=abc");
        assertThat(client.getRunninghubUrl()).isEqualTo(URI.create("https://www.runninghub.cn"));
        assertThat(client.getRunninghubApiKey()).isEqualTo("rh-from-a-camel-placeholder");
        assertThat(client.getRunninghubTimeout()).isEqualTo(Duration.ofMinutes(45));
        assertThat(client.getRunninghubRetryCount()).isEqualTo(5);
        assertThat(client.getRunninghubInstanceType()).isEqualTo("plus");
        assertThat(client.getRunninghubPollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(client.getRunninghubMaxConcurrency()).isEqualTo(4);
        assertThat(client.getMaxUploadBytes()).isEqualTo(1024);
    }
}
