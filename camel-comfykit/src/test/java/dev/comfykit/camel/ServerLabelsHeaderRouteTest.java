package dev.comfykit.camel;

import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.SubmittedPrompt;
import dev.comfykit.emulator.ComfyUiEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Labels per message: the {@code CamelComfyKitServerLabels} header narrows a pool endpoint's servers only when the
 * route opts in ({@code serverLabelsFromHeader=true}), can never widen the route's {@code serverLabels}, fails at once
 * when no server matches; every result and submission says its server in {@code CamelComfyKitServer}. Java DSL and
 * YAML DSL, against three emulated servers.
 */
class ServerLabelsHeaderRouteTest {

    private static ComfyUiEmulator t4;
    private static ComfyUiEmulator a100;
    private static ComfyUiEmulator h100;
    private CamelContext context;
    private ProducerTemplate template;

    @BeforeAll
    static void start() {
        t4 = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start();
        a100 = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start();
        h100 = ComfyUiEmulator.builder().stepTime(Duration.ZERO).start();
    }

    @AfterAll
    static void stop() {
        t4.close();
        a100.close();
        h100.close();
    }

    /** t4 first: first-idle puts a message without labels there. */
    private static String servers() {
        return "t4=" + t4.baseUrl() + ";label.gpu=t4,a100=" + a100.baseUrl() + ";label.gpu=a100;label.size=big,h100="
                + h100.baseUrl() + ";label.gpu=h100;label.size=big";
    }

    @BeforeEach
    void startCamel() throws Exception {
        List.of(t4, a100, h100).forEach(ComfyUiEmulator::resetObservations);
        context = new DefaultCamelContext();
        String endpoint = "comfykit:classpath:workflows/t2i.json?servers=" + servers()
                + "&dispatch=first-idle&param.width=48&param.height=32";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:opted-in").to(endpoint + "&serverLabelsFromHeader=true");
                from("direct:big-only").to(endpoint + "&serverLabelsFromHeader=true&serverLabels=size=big");
                from("direct:not-opted-in").to(endpoint);
                from("direct:submit").to(endpoint + "&serverLabelsFromHeader=true&operation=submit");
                from("direct:await").to("comfykit:await?servers=" + servers());
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stopCamel() throws Exception {
        context.close();
    }

    private Exchange send(String uri, String labels) {
        return template.request(uri, e -> {
            e.getMessage().setBody("a castle");
            if (labels != null) {
                e.getMessage().setHeader(ComfyKitConstants.SERVER_LABELS, labels);
            }
        });
    }

    @Test
    void theHeaderChoosesAmongTheServersWhenTheRouteOptsIn() {
        Exchange exchange = send("direct:opted-in", "gpu=a100");

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getBody(ExecuteResult.class).getServer()).isEqualTo("a100");
        assertThat(exchange.getMessage().getHeader(ComfyKitConstants.SERVER)).isEqualTo("a100");
        assertThat(send("direct:opted-in", "gpu=h100").getMessage().getHeader(ComfyKitConstants.SERVER))
                .isEqualTo("h100");
        // no header: every server, the first idle one first
        assertThat(send("direct:opted-in", null).getMessage().getHeader(ComfyKitConstants.SERVER)).isEqualTo("t4");
        assertThat(t4.promptsReceived()).isEqualTo(1);
        assertThat(a100.promptsReceived()).isEqualTo(1);
        assertThat(h100.promptsReceived()).isEqualTo(1);
    }

    @Test
    void withoutTheOptionTheHeaderIsIgnoredWithOneWarningNamingTheOption() throws Exception {
        long warningsBefore = ignoredHeaderWarnings();

        Exchange exchange = send("direct:not-opted-in", "gpu=h100");
        Exchange again = send("direct:not-opted-in", "gpu=h100");

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(ComfyKitConstants.SERVER)).isEqualTo("t4");
        assertThat(again.getMessage().getHeader(ComfyKitConstants.SERVER)).isEqualTo("t4");
        assertThat(h100.promptsReceived()).isZero();
        assertThat(ignoredHeaderWarnings() - warningsBefore).isEqualTo(1);
    }

    /** The warnings about an ignored header in the tests' log file (slf4j-simple writes each line at once). */
    private static long ignoredHeaderWarnings() throws IOException {
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/test-logs.txt"));
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains("WARN") && line.contains("the CamelComfyKitServerLabels header"
                    + " is ignored") && line.contains("set serverLabelsFromHeader=true")).count();
        }
    }

    @Test
    void theHeaderOnlyNarrowsTheRoutesLabelsNeverWidensThem() {
        // the route uses the big servers only: asking for the t4 reaches nothing
        Exchange widen = send("direct:big-only", "gpu=t4");

        assertThat(widen.getException()).isInstanceOf(ComfyKitValidationException.class)
                .hasMessageContaining("No server can run workflow classpath:workflows/t2i.json")
                .hasMessageContaining("a100 (" + a100.baseUrl() + ") does not match labels gpu=t4")
                .hasMessageContaining("h100 (" + h100.baseUrl() + ") does not match labels gpu=t4")
                .hasMessageNotContaining(t4.baseUrl());
        assertThat(((ComfyKitFailureException) widen.getException()).getKind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(t4.promptsReceived()).isZero();

        assertThat(send("direct:big-only", "gpu=h100").getMessage().getHeader(ComfyKitConstants.SERVER))
                .isEqualTo("h100");
        assertThat(send("direct:big-only", null).getMessage().getHeader(ComfyKitConstants.SERVER))
                .isIn("a100", "h100");
        assertThat(t4.promptsReceived()).isZero();
    }

    @Test
    void aHeaderNoServerMatchesFailsAtOnceAndNothingIsSubmitted() {
        Exchange exchange = send("direct:opted-in", "gpu=b200");

        assertThat(exchange.getException()).isInstanceOf(ComfyKitValidationException.class)
                .hasMessageContaining("does not match labels gpu=b200");
        assertThat(t4.promptsReceived() + a100.promptsReceived() + h100.promptsReceived()).isZero();
    }

    @Test
    void aHeaderThatNamesAServerOrCannotBeReadIsRefused() {
        Exchange url = send("direct:opted-in", a100.baseUrl());
        assertThat(url.getException()).isInstanceOf(ComfyKitValidationException.class)
                .hasMessageContaining("CamelComfyKitServerLabels header is a label selector such as gpu=a100, not a"
                        + " server or URL");

        Exchange unreadable = send("direct:opted-in", "=a100");
        assertThat(unreadable.getException()).isInstanceOf(ComfyKitValidationException.class)
                .hasMessageContaining("CamelComfyKitServerLabels header is not a label selector")
                .hasMessageContaining("empty key");
        assertThat(t4.promptsReceived() + a100.promptsReceived() + h100.promptsReceived()).isZero();
    }

    @Test
    void aSubmissionSaysItsServerAndAwaitSaysItAgain() {
        Exchange submitted = send("direct:submit", "gpu=h100");

        assertThat(submitted.getException()).isNull();
        assertThat(submitted.getMessage().getHeader(ComfyKitConstants.SERVER)).isEqualTo("h100");
        assertThat(submitted.getMessage().getBody(SubmittedPrompt.class).getServer()).isEqualTo("h100");

        Exchange awaited = template.request("direct:await", e -> e.getMessage()
                .setHeader(ComfyKitConstants.PROMPT_ID, submitted.getMessage().getHeader(ComfyKitConstants.PROMPT_ID)));
        assertThat(awaited.getException()).isNull();
        assertThat(awaited.getMessage().getHeader(ComfyKitConstants.SERVER)).isEqualTo("h100");
    }

    @Test
    void aYamlRouteHonoursTheHeaderWhenItOptsIn() throws Exception {
        try (CamelContext yaml = new DefaultCamelContext()) {
            Properties properties = new Properties();
            properties.setProperty("t4.url", t4.baseUrl());
            properties.setProperty("a100.url", a100.baseUrl());
            yaml.getPropertiesComponent().setInitialProperties(properties);
            PluginHelper.getRoutesLoader(yaml).loadRoutes(
                    ResourceHelper.resolveMandatoryResource(yaml, "classpath:routes/pool-labels.yaml"));
            yaml.start();
            ProducerTemplate producer = yaml.createProducerTemplate();

            Exchange exchange = producer.request("direct:yaml-labels", e -> {
                e.getMessage().setBody("a tower");
                e.getMessage().setHeader(ComfyKitConstants.SERVER_LABELS, "gpu=a100");
            });

            assertThat(exchange.getException()).isNull();
            assertThat(exchange.getMessage().getHeader(ComfyKitConstants.SERVER)).isEqualTo("a100");
            assertThat(a100.promptsReceived()).isEqualTo(1);
            assertThat(t4.promptsReceived()).isZero();
        }
    }
}
