package dev.comfykit.camel;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.client.dsl.WorkflowSchema;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The five operations: execute, submit, await, cancel and describe.
 */
class OperationsTest extends EmulatorCamelTestSupport {

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
                from("direct:execute").to("comfykit:classpath:workflows/text.json");
                from("direct:submit").to("comfykit:classpath:workflows/text.json?operation=submit");
                from("direct:await").to("comfykit:prompts?operation=await");
                from("direct:cancel").to("comfykit:prompts?operation=cancel");
                from("direct:describe").to("comfykit:classpath:workflows/t2i.json?operation=describe");
                from("direct:any").to("comfykit:classpath:workflows/text.json");
            }
        };
    }

    @Test
    void executeRunsAndSetsTheResultAndHeaders() {
        Exchange exchange = template.request("direct:execute", e -> e.getMessage().setBody("Hi"));

        ExecuteResult result = exchange.getMessage().getBody(ExecuteResult.class);
        assertThat(result.getTexts()).containsExactly("Hi, from ComfyKit");
        assertThat(exchange.getMessage().getHeader(ComfyKitConstants.PROMPT_ID)).isEqualTo(result.getPromptId());
        assertThat(exchange.getMessage().getHeader(ComfyKitConstants.STATUS)).isEqualTo("completed");
        assertThat(exchange.getMessage().getHeader(ComfyKitConstants.DURATION, Double.class)).isPositive();
    }

    @Test
    void submitReturnsThePromptIdAndAwaitCollectsTheResultLater() {
        Exchange submitted = template.request("direct:submit", e -> e.getMessage().setBody("later"));
        String promptId = submitted.getMessage().getHeader(ComfyKitConstants.PROMPT_ID, String.class);
        assertThat(submitted.getMessage().getBody()).isInstanceOf(SubmittedPrompt.class);
        assertThat(submitted.getMessage().getBody(String.class)).isEqualTo(promptId);

        ExecuteResult result = template.requestBodyAndHeader("direct:await", null, ComfyKitConstants.PROMPT_ID,
                promptId, ExecuteResult.class);

        assertThat(result.getPromptId()).isEqualTo(promptId);
        assertThat(result.getTexts()).containsExactly("later, from ComfyKit");
        assertThat(result.getTextsByVar()).as("variables come from the stored workflow").containsOnlyKeys("text");
    }

    @Test
    void awaitTakesThePromptIdFromTheBodyToo() {
        String promptId = template.requestBody("direct:submit", "body id", String.class);
        ExecuteResult result = template.requestBody("direct:await", promptId, ExecuteResult.class);
        assertThat(result.getTexts()).containsExactly("body id, from ComfyKit");
    }

    @Test
    void cancelRemovesAQueuedPrompt() {
        comfy.faults().stallExecution();
        String running = template.requestBody("direct:submit", "first", String.class);
        String queued = template.requestBody("direct:submit", "second", String.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 2);

        CancelOutcome removed = template.requestBodyAndHeader("direct:cancel", null, ComfyKitConstants.PROMPT_ID,
                queued, CancelOutcome.class);
        CancelOutcome interrupted = template.requestBody("direct:cancel", running, CancelOutcome.class);

        assertThat(removed).isEqualTo(CancelOutcome.REMOVED_FROM_QUEUE);
        assertThat(interrupted).isEqualTo(CancelOutcome.INTERRUPTED);
        await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 0);
    }

    @Test
    void describeReturnsTheDeclaredParamsAndOutputs() {
        WorkflowSchema schema = template.requestBody("direct:describe", null, WorkflowSchema.class);

        assertThat(schema.paramNames()).containsExactlyInAnyOrder("seed", "width", "height", "prompt");
        assertThat(schema.param("prompt").isRequired()).isTrue();
        assertThat(template.requestBody("direct:describe", null, String.class)).contains("\"name\":\"prompt\"");
    }

    @Test
    void headersChooseTheWorkflowAndOperationPerMessage() {
        WorkflowSchema schema = template.requestBodyAndHeaders("direct:any", null, Map.of(
                ComfyKitConstants.OPERATION, "describe",
                ComfyKitConstants.WORKFLOW, "classpath:workflows/image-invert.json"), WorkflowSchema.class);
        assertThat(schema.paramNames()).containsExactly("image");
    }
}
