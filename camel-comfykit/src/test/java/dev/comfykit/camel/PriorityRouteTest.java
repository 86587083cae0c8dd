package dev.comfykit.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Queue priority from the route (the priority option) and, only where the route allows it, from the message (the
 * CamelComfyKitPriority header): the server's queue is shared, so message data may not jump it by default.
 */
class PriorityRouteTest extends EmulatorCamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:plain").to("comfykit:classpath:workflows/text.json");
                from("direct:urgent").to("comfykit:classpath:workflows/text.json?priority=front");
                from("direct:chosen").to("comfykit:classpath:workflows/text.json?priorityFromHeader=true");
            }
        };
    }

    private static JsonNode lastBody() throws IOException {
        return new ObjectMapper().readTree(comfy.emulator().lastPromptBody());
    }

    @Test
    void theEndpointsPriorityIsSent() throws Exception {
        ExecuteResult result = template.requestBody("direct:urgent", "urgent text", ExecuteResult.class);

        assertThat(result.isCompleted()).isTrue();
        assertThat(lastBody().get("front").asBoolean()).isTrue();

        template.requestBody("direct:plain", "normal text", ExecuteResult.class);
        assertThat(lastBody().has("front")).isFalse();
        assertThat(lastBody().has("number")).isFalse();
    }

    @Test
    void aMessageMayChooseItsPriorityOnlyWhereTheRouteAllowsIt() throws Exception {
        long before = comfy.emulator().promptsReceived();
        Throwable refused = catchThrowable(() -> template.requestBodyAndHeaders("direct:plain", "jump",
                Map.of(ComfyKitConstants.PRIORITY, "front"), ExecuteResult.class));
        assertThat(refused).isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(ComfyKitValidationException.class);
        assertThat(refused.getCause().getMessage()).contains("priorityFromHeader=true");
        assertThat(comfy.emulator().promptsReceived()).isEqualTo(before);

        ExecuteResult result = template.requestBodyAndHeaders("direct:chosen", "allowed",
                Map.of(ComfyKitConstants.PRIORITY, "-7"), ExecuteResult.class);
        assertThat(result.isCompleted()).isTrue();
        assertThat(lastBody().get("number").asDouble()).isEqualTo(-7.0);

        Throwable invalid = catchThrowable(() -> template.requestBodyAndHeaders("direct:chosen", "bad",
                Map.of(ComfyKitConstants.PRIORITY, "asap"), ExecuteResult.class));
        assertThat(invalid.getCause()).isInstanceOf(ComfyKitValidationException.class)
                .hasMessageContaining("normal, front or a queue number");
    }
}
