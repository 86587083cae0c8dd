package dev.comfykit.camel;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Each kind of failure raises its own exception type, with the result and structured error, so that
 * {@code onException} and redelivery do the right thing.
 */
class FailuresTest extends EmulatorCamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ofMillis(5)));

    private static int closedPort;

    @Override
    protected ComfyUiEmulatorExtension comfy() {
        return comfy;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                String t2i = "comfykit:classpath:workflows/t2i.json?param.width=32&param.height=32";
                from("direct:t2i").to(t2i);
                from("direct:rejected").to("comfykit:classpath:test-workflows/t2i-width-zero.json");
                from("direct:short").to(t2i + "&timeout=1s");
                from("direct:down").to(t2i + "&comfyuiUrl=http://127.0.0.1:" + closedPort);
                from("direct:as-body").to(t2i + "&throwExceptionOnFailure=false");
                from("direct:retried")
                        .onException(ComfyKitConnectionException.class).onWhen(simple("${exception.retryable}"))
                        .maximumRedeliveries(3).redeliveryDelay(10).end()
                        .to(t2i);
            }
        };
    }

    private static ComfyKitFailureException failure(Runnable action) {
        try {
            action.run();
        } catch (CamelExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ComfyKitFailureException.class);
            return (ComfyKitFailureException) e.getCause();
        }
        throw new AssertionError("the exchange did not fail");
    }

    @Test
    void theServerRejectingTheWorkflowIsAValidationException() {
        ComfyKitFailureException e = failure(() -> template.requestBody("direct:rejected", "x"));

        assertThat(e).isInstanceOf(ComfyKitValidationException.class);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getKind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getError().getNodeErrors()).containsKey("5");
        assertThat(e.getMessage()).contains("smaller than min");
    }

    @Test
    void aNodeFailureIsAnExecutionExceptionCarryingTheResult() {
        comfy.faults().failNode("KSampler", "RuntimeError", "sampler exploded");

        ComfyKitFailureException e = failure(() -> template.requestBody("direct:t2i", "x"));

        assertThat(e).isInstanceOf(ComfyKitExecutionException.class);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getError().getNodeId()).isEqualTo("3");
        assertThat(e.getError().getNodeType()).isEqualTo("KSampler");
        assertThat(e.getError().getExceptionType()).isEqualTo("RuntimeError");
        assertThat(e.getResult().getPromptId()).isEqualTo(e.getPromptId()).isNotNull();
        assertThat(e.getMessage()).contains("sampler exploded", e.getPromptId());
    }

    @Test
    void aTimeoutCancelsThePromptOnTheServerAndIsRetryable() {
        comfy.faults().stallExecution();

        ComfyKitFailureException e = failure(() -> template.requestBody("direct:short", "x"));

        assertThat(e).isInstanceOf(ComfyKitTimeoutException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("Timed out after 1s", "interrupted on the server");
        await().atMost(Duration.ofSeconds(5)).until(() -> comfy.emulator().queueRemaining() == 0);
    }

    @Test
    void anUnreachableServerIsAConnectionException() {
        ComfyKitFailureException e = failure(() -> template.requestBody("direct:down", "x"));

        assertThat(e).isInstanceOf(ComfyKitConnectionException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("connection refused", "127.0.0.1:" + closedPort);
    }

    @Test
    void aRetryableFailureIsRedeliveredAndThenSucceeds() {
        comfy.faults().failNext("POST", "/prompt", 2, 500, "Server got itself in trouble");

        ExecuteResult result = template.requestBody("direct:retried", "x", ExecuteResult.class);

        assertThat(result.isCompleted()).isTrue();
    }

    @Test
    void failuresCanBeReturnedAsTheBody() {
        comfy.faults().failNode("KSampler", "RuntimeError", "boom");

        Exchange exchange = template.request("direct:as-body", x -> x.getMessage().setBody("x"));

        assertThat(exchange.getException()).isNull();
        ExecuteResult result = exchange.getMessage().getBody(ExecuteResult.class);
        assertThat(result.getStatus()).isEqualTo("failed");
        assertThat(exchange.getMessage().getHeader(ComfyKitConstants.ERROR_KIND)).isEqualTo(ErrorKind.EXECUTION);
        assertThat(exchange.getMessage().getHeader(ComfyKitConstants.STATUS)).isEqualTo("failed");
    }

    @Test
    void invalidInputIsAValidationExceptionBeforeAnythingIsSubmitted() {
        long before = comfy.emulator().promptsReceived();
        assertThatThrownBy(() -> template.requestBodyAndHeader("direct:t2i", "x",
                ComfyKitConstants.WORKFLOW, "classpath:workflows/missing.json"))
                .hasCauseInstanceOf(ComfyKitValidationException.class)
                .satisfies(e -> assertThat(e.getCause().getMessage()).contains("not found on the classpath"));
        assertThat(comfy.emulator().promptsReceived()).isEqualTo(before);
    }
}
