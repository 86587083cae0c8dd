package dev.comfykit.camel;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A failure reads as one clean message: the exception's message is the problem once, without Camel's
 * {@code on Exchange[...]. Caused by: [...]} repetition, so the docs' {@code ${exception.message}} recipe answers
 * an HTTP caller with just that. Message data that matches no param fails with the did-you-mean message.
 */
class CleanErrorMessagesTest extends EmulatorCamelTestSupport {

    private static final String UNKNOWN_PROMT = "Unknown param 'promt' for workflow classpath:workflows/t2i.json"
            + " (did you mean 'prompt'?).";

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
                // the docs' recipe, as an HTTP route would have it
                onException(ComfyKitValidationException.class).handled(true)
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(400))
                    .setBody(simple("${exception.message}"));

                from("direct:generate").to("comfykit:classpath:workflows/t2i.json?headerParams=prompt,seed");
            }
        };
    }

    private static String unknownPromtMessage() {
        try (ComfyKit kit = ComfyKit.builder().comfyuiUrl(comfy.baseUrl()).build()) {
            Throwable e = catchThrowable(() -> kit.describe("classpath:workflows/t2i.json").join()
                    .checkParams(Map.of("promt", "x")));
            assertThat(e).isInstanceOf(InvalidParameterException.class);
            return e.getMessage();
        }
    }

    @Test
    void theHttpRecipeAnswersWithTheProblemOnce() {
        Exchange answer = template.request("direct:generate", e -> e.getMessage().setBody(Map.of("promt", "x")));

        String body = answer.getMessage().getBody(String.class);
        assertThat(body).startsWith(UNKNOWN_PROMT).isEqualTo(unknownPromtMessage())
                .doesNotContain("Exchange[", "Caused by");
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
    }

    @Test
    void anUnknownKeyInAJsonObjectBodyFailsWithDidYouMean() {
        Exchange answer = template.request("direct:generate", e -> {
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            e.getMessage().setBody("{\"promt\":\"x\"}");
        });

        assertThat(answer.getMessage().getBody(String.class)).isEqualTo(unknownPromtMessage());
    }

    @Test
    void aHeaderNamedNearlyLikeAListedParamIsLoggedOnceAtWarn() throws Exception {
        Map<String, Object> typo = Map.of("seeed", 42, "Accept", "image/png");

        template.requestBodyAndHeaders("direct:generate", "a fox", typo);
        template.requestBodyAndHeaders("direct:generate", "a fox", typo);

        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/test-logs.txt"));
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        String warning = "Header 'seeed' is ignored: the workflow has no param of that name (did you mean 'seed'?).";
        assertThat(logged.split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
        assertThat(logged).contains("WARN").doesNotContain("Header 'Accept' is ignored");
    }

    @Test
    void theExceptionIsItsCausesTextAndKeepsTheCauseAndTheExchange() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:unhandled").to("comfykit:classpath:workflows/t2i.json");
            }
        });

        Throwable failure = catchThrowable(() -> template.requestBody("direct:unhandled", Map.of("promt", "x")));

        assertThat(failure).isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(ComfyKitValidationException.class);
        ComfyKitValidationException e = (ComfyKitValidationException) failure.getCause();
        assertThat(e.getMessage()).isEqualTo(unknownPromtMessage()).isEqualTo(e.getCause().getMessage());
        assertThat(e.getCause()).isInstanceOf(InvalidParameterException.class);
        assertThat(e.getExchange()).isNotNull();
    }

    @Test
    void aFailedExecutionSaysWhatFailedOnce() throws Exception {
        comfy.faults().failNode("KSampler", "RuntimeError", "sampler exploded");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:failing").to("comfykit:classpath:workflows/t2i.json");
            }
        });

        Throwable failure = catchThrowable(() -> template.requestBody("direct:failing", "a fox"));

        ComfyKitFailureException e = (ComfyKitFailureException) failure.getCause();
        assertThat(e).isInstanceOf(ComfyKitExecutionException.class);
        assertThat(e.getMessage()).startsWith("ComfyKit execution failed (prompt " + e.getPromptId() + "): ")
                .contains("sampler exploded").doesNotContain("Exchange[", "Caused by");
    }
}
