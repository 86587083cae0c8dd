package dev.comfykit.camel;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code runninghubApiVersion} chooses RunningHub's endpoints (v2 by default, v1 on request) and the exchange gets the
 * same result either way, against the emulator's RunningHub.
 */
class RunningHubApiVersionRouteTest extends CamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        Properties properties = new Properties();
        properties.setProperty("rh.key", RunningHubEmulation.DEFAULT_API_KEY);
        context.getPropertiesComponent().setInitialProperties(properties);
        ComfyKitConfiguration defaults = context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration();
        defaults.setRunninghubUrl(comfy.emulator().runningHubUrl());
        defaults.setRunninghubPollInterval(20);
        // the emulator's CDN is on 127.0.0.1, and v1 downloads text outputs from it
        defaults.setAllowPrivateUrls(true);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:default").to("comfykit:1987654322?runninghubApiKey={{rh.key}}");
                from("direct:v2").to("comfykit:1987654322?runninghubApiKey={{rh.key}}&runninghubApiVersion=v2");
                from("direct:v1").to("comfykit:1987654322?runninghubApiKey={{rh.key}}&runninghubApiVersion=v1");
                from("direct:v2-app").to("comfykit:runninghub:app:" + RunningHubEmulation.T2I_APP_ID
                        + "?runninghubApiKey={{rh.key}}&headerParams=*");
            }
        };
    }

    private static long received(String path) {
        return comfy.emulator().runningHub().requestsReceived(path);
    }

    @Test
    void theApiVersionOptionChoosesTheEndpointsAndTheResultIsTheSame() {
        String v2Run = "/openapi/v2/run/workflow/" + RunningHubEmulation.TEXT_WORKFLOW_ID;
        long v2Runs = received(v2Run);
        long v1Creates = received("/task/openapi/create");

        ExecuteResult v2 = template.requestBody("direct:v2", "via v2", ExecuteResult.class);
        assertThat(received(v2Run) - v2Runs).isEqualTo(1);
        assertThat(received("/task/openapi/create") - v1Creates).isZero();

        ExecuteResult v1 = template.requestBody("direct:v1", "via v1", ExecuteResult.class);
        assertThat(received("/task/openapi/create") - v1Creates).isEqualTo(1);
        assertThat(received(v2Run) - v2Runs).isEqualTo(1);

        assertThat(v2.getTexts()).containsExactly("via v2, from ComfyKit");
        assertThat(v1.getTexts()).containsExactly("via v1, from ComfyKit");
        assertThat(v2.getOutputs().keySet()).isEqualTo(v1.getOutputs().keySet());
    }

    @Test
    void withoutTheOptionV2Runs() {
        String v2Run = "/openapi/v2/run/workflow/" + RunningHubEmulation.TEXT_WORKFLOW_ID;
        long v2Runs = received(v2Run);
        ExecuteResult result = template.requestBody("direct:default", "by default", ExecuteResult.class);
        assertThat(result.getTexts()).containsExactly("by default, from ComfyKit");
        assertThat(received(v2Run) - v2Runs).isEqualTo(1);
    }

    @Test
    void aFailedV2TaskRaisesAnExecutionExceptionWithTheReason() {
        comfy.faults().failNode("KSampler", "RuntimeError", "VRAM alarm");
        assertThatThrownBy(() -> template.requestBodyAndHeader("direct:v2-app", null, "6.text", "x"))
                .hasCauseInstanceOf(ComfyKitExecutionException.class)
                .satisfies(e -> {
                    ComfyKitFailureException failure = (ComfyKitFailureException) e.getCause();
                    assertThat(failure.getKind()).isEqualTo(ErrorKind.EXECUTION);
                    assertThat(failure.getMessage()).contains("VRAM alarm", failure.getPromptId());
                    assertThat(failure.isRetryable()).isFalse();
                });
    }
}
