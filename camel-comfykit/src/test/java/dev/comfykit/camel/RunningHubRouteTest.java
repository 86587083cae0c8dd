package dev.comfykit.camel;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code to("comfykit:1987654321?runninghubApiKey={{rh.key}}")} runs on RunningHub (here its emulation), with
 * component-level options, failures mapped to the component's exceptions, and a health check on the key.
 */
class RunningHubRouteTest extends CamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        Properties properties = new Properties();
        properties.setProperty("rh.key", RunningHubEmulation.DEFAULT_API_KEY);
        properties.setProperty("rh.other", RunningHubEmulation.OTHER_SITE_API_KEY);
        context.getPropertiesComponent().setInitialProperties(properties);
        ComfyKitConfiguration defaults = context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration();
        defaults.setRunninghubUrl(comfy.emulator().runningHubUrl());
        defaults.setRunninghubPollInterval(20);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:cloud").to("comfykit:1987654321?runninghubApiKey={{rh.key}}&headerParams=*");
                from("direct:other-site").to("comfykit:1987654321?runninghubApiKey={{rh.other}}");
            }
        };
    }

    @Test
    void aRouteRunsAWorkflowOnRunningHub() {
        ExecuteResult result = template.requestBodyAndHeader("direct:cloud", "a cloud castle", "width", 64,
                ExecuteResult.class);
        assertThat(result.isCompleted()).isTrue();
        assertThat(result.getPromptId()).matches("[0-9]{19}");
        assertThat(result.getImagesByVar()).containsOnlyKeys("image");
        assertThat(comfy.emulator().runningHub().tasksCreated()).isPositive();
    }

    @Test
    void aFailedTaskRaisesAnExecutionExceptionWithRunningHubsReason() {
        comfy.faults().failNode("VAEDecode", "RuntimeError", "VRAM alarm");
        assertThatThrownBy(() -> template.requestBody("direct:cloud", "x"))
                .isInstanceOf(CamelExecutionException.class).hasCauseInstanceOf(ComfyKitExecutionException.class)
                .satisfies(e -> {
                    ComfyKitFailureException failure = (ComfyKitFailureException) e.getCause();
                    assertThat(failure.getError().getCode()).isEqualTo("805");
                    assertThat(failure.getMessage()).contains("VRAM alarm", failure.getPromptId());
                    assertThat(failure.isRetryable()).isFalse();
                });
    }

    @Test
    void aKeyOfTheOtherSiteIsANonRetryableValidationException() {
        assertThatThrownBy(() -> template.requestBody("direct:other-site", "x"))
                .hasCauseInstanceOf(ComfyKitValidationException.class)
                .satisfies(e -> assertThat(((ComfyKitFailureException) e.getCause()).getKind())
                        .isEqualTo(ErrorKind.AUTHENTICATION));
    }

    @Test
    void theHealthCheckVerifiesTheKey() {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        registry.getRepository("producers").ifPresent(r -> r.setEnabled(true));

        assertThat(HealthCheckHelper.invokeReadiness(context, "full"))
                .filteredOn(r -> r.getCheck().getId().contains("comfykit"))
                .hasSize(2)
                .anySatisfy(r -> {
                    assertThat(r.getState()).isEqualTo(HealthCheck.State.UP);
                    assertThat(r.getDetails()).containsEntry("runninghub.apiType", "NORMAL");
                })
                .anySatisfy(r -> {
                    assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
                    assertThat(r.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("runninghub.cn"));
                });
    }
}
