package dev.comfykit.camel;

import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Secrets given on endpoint URIs appear in no log line (Camel's startup and route logs at debug level, the
 * component's logs, failure logs), in no exception message and in no endpoint URI.
 */
class SecretsInLogsTest extends EmulatorCamelTestSupport {

    private static final String API_KEY = "sk-camel-SECRET-9911";
    private static final String COOKIE = "COOKIE-CAMEL-SECRET-4455";
    private static final String RUNNINGHUB_KEY = "RH-CAMEL-SECRET-7788";

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
                String secrets = "apiKey=RAW(" + API_KEY + ")&cookieSecret=RAW(session=" + COOKIE + ")"
                        + "&runninghubApiKey=RAW(" + RUNNINGHUB_KEY + ")";
                from("direct:ok").routeId("secrets-ok").to("comfykit:classpath:workflows/text.json?" + secrets)
                        .log("done ${header.CamelComfyKitPromptId}");
                from("direct:fail").routeId("secrets-fail")
                        .to("comfykit:classpath:workflows/t2i.json?" + secrets);
            }
        };
    }

    @Test
    void secretsAreInNoLogLineMessageOrUri() throws Exception {
        template.requestBody("direct:ok", "hello");
        assertThatThrownBy(() -> template.requestBodyAndHeader("direct:fail", "x", "width", 0))
                .isInstanceOf(CamelExecutionException.class)
                .satisfies(e -> assertThat(e.getCause().getMessage()).doesNotContain(API_KEY, COOKIE, RUNNINGHUB_KEY));
        context.getEndpoints().forEach(endpoint -> assertThat(endpoint.toString()).doesNotContain(API_KEY, COOKIE,
                RUNNINGHUB_KEY));
        assertThat(comfy.emulator().lastPromptBody()).as("the key does reach the server").contains(API_KEY);
        context.stop();

        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/test-logs.txt"));
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(logged).contains("secrets-ok").doesNotContain(API_KEY, COOKIE, RUNNINGHUB_KEY);
    }
}
