package dev.comfykit.camel;

import dev.comfykit.client.CancelOutcome;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The path of a {@code comfykit:} URI: {@code await} and {@code cancel} name operations that need no workflow,
 * {@code jobs} is the jobs consumer, {@code events} is the events consumer, {@code webhook} the webhook consumer, and every other path is a workflow as before.
 */
class UriShapeTest extends EmulatorCamelTestSupport {

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
                from("direct:submit").to("comfykit:classpath:workflows/text.json?operation=submit");
                from("direct:await").to("comfykit:await");
                from("direct:cancel").to("comfykit:cancel");
            }
        };
    }

    @Test
    void comfykitAwaitWaitsForAPromptSubmittedEarlier() {
        String promptId = template.requestBody("direct:submit", "later", String.class);

        ExecuteResult result = template.requestBodyAndHeader("direct:await", null, ComfyKitConstants.PROMPT_ID,
                promptId, ExecuteResult.class);

        assertThat(result.getPromptId()).isEqualTo(promptId);
        assertThat(result.getTexts()).containsExactly("later, from ComfyKit");
        ComfyKitEndpoint endpoint = context.getEndpoint("comfykit:await", ComfyKitEndpoint.class);
        assertThat(endpoint.getWorkflow()).isNull();
        assertThat(endpoint.getConfiguration().getOperation()).isEqualTo(ComfyKitOperation.await);
    }

    @Test
    void comfykitCancelCancelsAPrompt() {
        comfy.faults().stallExecution();
        String running = template.requestBody("direct:submit", "first", String.class);
        String queued = template.requestBody("direct:submit", "second", String.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 2);

        CancelOutcome removed = template.requestBodyAndHeader("direct:cancel", null, ComfyKitConstants.PROMPT_ID,
                queued, CancelOutcome.class);
        CancelOutcome interrupted = template.requestBody("direct:cancel", running, CancelOutcome.class);

        assertThat(removed).isEqualTo(CancelOutcome.REMOVED_FROM_QUEUE);
        assertThat(interrupted).isEqualTo(CancelOutcome.INTERRUPTED);
    }

    @Test
    void theOperationOptionMayRepeatThePathsOperation() {
        ComfyKitEndpoint endpoint = context.getEndpoint("comfykit:cancel?operation=cancel", ComfyKitEndpoint.class);

        assertThat(endpoint.getConfiguration().getOperation()).isEqualTo(ComfyKitOperation.cancel);
        assertThat(endpoint.getWorkflow()).isNull();
    }

    @Test
    void anOperationOptionThatNamesAnotherOperationIsAnErrorAtEndpointCreation() {
        assertThatThrownBy(() -> context.getEndpoint("comfykit:await?operation=cancel"))
                .isInstanceOf(ResolveEndpointFailedException.class).rootCause()
                .hasMessageContaining("comfykit:await names the await operation")
                .hasMessageContaining("operation=cancel conflicts")
                .hasMessageContaining("comfykit:./await");
    }

    @Test
    void eventsIsTheEventsConsumerAndTakesNoOperation() {
        assertThat(context.getEndpoint("comfykit:events", ComfyKitEndpoint.class).isEventsPath()).isTrue();
        assertThatThrownBy(() -> context.getEndpoint("comfykit:events?operation=await"))
                .isInstanceOf(ResolveEndpointFailedException.class).rootCause()
                .hasMessageContaining("comfykit:events is the events consumer")
                .hasMessageContaining("comfykit:./events");
    }

    @Test
    void webhookIsTheWebhookConsumerAndTakesNoOperation() {
        assertThat(context.getEndpoint("comfykit:webhook", ComfyKitEndpoint.class).isWebhookConsumer()).isTrue();
        assertThatThrownBy(() -> context.getEndpoint("comfykit:webhook?operation=await"))
                .isInstanceOf(ResolveEndpointFailedException.class).rootCause()
                .hasMessageContaining("comfykit:webhook is the webhook consumer")
                .hasMessageContaining("comfykit:./webhook");
        assertThat(context.getEndpoint("comfykit:./webhook", ComfyKitEndpoint.class).getWorkflow())
                .isEqualTo("./webhook");
    }

    @Test
    void jobsIsTheJobsConsumerAndTakesNoOperation() {
        assertThat(context.getEndpoint("comfykit:jobs", ComfyKitEndpoint.class).isJobs()).isTrue();
        assertThatThrownBy(() -> context.getEndpoint("comfykit:jobs?operation=await"))
                .isInstanceOf(ResolveEndpointFailedException.class).rootCause()
                .hasMessageContaining("comfykit:jobs is the jobs consumer")
                .hasMessageContaining("comfykit:./jobs");
    }

    @Test
    void theOperationOfThePathWinsOverTheComponentsDefault() {
        context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration()
                .setOperation(ComfyKitOperation.describe);

        assertThat(context.getEndpoint("comfykit:cancel?timeout=5s", ComfyKitEndpoint.class).getConfiguration()
                .getOperation()).isEqualTo(ComfyKitOperation.cancel);
        assertThat(context.getEndpoint("comfykit:t2i.json", ComfyKitEndpoint.class).getConfiguration()
                .getOperation()).as("a workflow path keeps the component's default").isEqualTo(
                ComfyKitOperation.describe);
    }

    @Test
    void everyOtherPathIsAWorkflowAsBefore() {
        String[] workflows = {"workflow.json", "classpath:workflows/t2i.json", "workflows/t2i.json",
            "/abs/path.json", "file:/abs/path.json", "https://host/wf.json", "1987654321098765432",
            "runninghub:1987654321098765432", "runninghub:app:123", "prompts", "default", "./await", "./jobs",
            "Await", "execute", "describe"};
        for (String workflow : workflows) {
            ComfyKitEndpoint endpoint = context.getEndpoint("comfykit:" + workflow, ComfyKitEndpoint.class);
            assertThat(endpoint.getWorkflow()).as(workflow).isEqualTo(workflow);
            assertThat(endpoint.getConfiguration().getOperation()).as(workflow).isEqualTo(ComfyKitOperation.execute);
        }
        ComfyKitEndpoint placeholder = context.getEndpoint("comfykit:prompts?operation=await", ComfyKitEndpoint.class);
        assertThat(placeholder.getWorkflow()).isEqualTo("prompts");
        assertThat(placeholder.getConfiguration().getOperation()).isEqualTo(ComfyKitOperation.await);
    }
}
