package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * With {@code webhookUrl} the component adds a platform-http route on {@code webhookPath} (here served by
 * camel-platform-http-vertx, a test dependency): RunningHub's (the emulator's) calls complete waiting exchanges, and
 * task ends that nobody waits for arrive at {@code from("comfykit:webhook")}. Polling is slowed to ten minutes, so a
 * result within the test's seconds came by the webhook.
 */
class WebhookRouteTest extends CamelTestSupport {

    private static final String SECRET = "route-secret-0123456789";

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private int port;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        CamelContext context = super.createCamelContext();
        VertxPlatformHttpServerConfiguration server = new VertxPlatformHttpServerConfiguration();
        server.setBindHost("127.0.0.1");
        server.setBindPort(port);
        context.addService(new VertxPlatformHttpServer(server));
        ComfyKitConfiguration defaults = context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration();
        defaults.setRunninghubUrl(comfy.emulator().runningHubUrl());
        defaults.setRunninghubApiKey(RunningHubEmulation.DEFAULT_API_KEY);
        defaults.setRunninghubPollInterval(20);
        defaults.setAllowPrivateUrls(true);
        defaults.setWebhookUrl(webhookUrl());
        defaults.setWebhookSecret(SECRET);
        defaults.setWebhookGracePeriod(Duration.ofMinutes(10).toMillis());
        return context;
    }

    private String webhookUrl() {
        return "http://127.0.0.1:" + port + ComfyKitConfiguration.DEFAULT_WEBHOOK_PATH;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:run").to("comfykit:" + RunningHubEmulation.T2I_WORKFLOW_ID);
                from("direct:submit").to("comfykit:" + RunningHubEmulation.T2I_WORKFLOW_ID + "?operation=submit");
                from("comfykit:webhook").to("mock:ended");
            }
        };
    }

    @Test
    void aRunCompletesThroughTheWebhookRoute() {
        ExecuteResult result = template.requestBody("direct:run", "a cloud castle", ExecuteResult.class);

        assertThat(result.isCompleted()).isTrue();
        // the client may have its result before the emulator has noted the route's answer to its call
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(comfy.emulator().runningHub().webhookAnswers()).contains(202));
    }

    @Test
    void aSubmittedTaskEndsAtTheWebhookConsumer() throws Exception {
        MockEndpoint ended = getMockEndpoint("mock:ended");
        ended.expectedMessageCount(1);

        String taskId = template.requestBody("direct:submit", "a cloud castle", String.class);

        ended.assertIsSatisfied(10_000);
        assertThat(ended.getExchanges().get(0).getMessage().getHeader(ComfyKitConstants.PROMPT_ID))
                .isEqualTo(taskId);
        assertThat(ended.getExchanges().get(0).getMessage().getHeader(ComfyKitConstants.TASK_STATE))
                .isEqualTo("SUCCESS");
        assertThat(ended.getExchanges().get(0).getMessage().getBody(ExecuteResult.class).getImages()).isNotEmpty();
    }

    @Test
    void forgedOversizedAndMalformedCallsAreRefusedWithoutEchoingTheToken() throws Exception {
        HttpResponse<String> forged = post(webhookUrl() + "?token=guessed-guessed-guessed",
                "{\"taskId\":\"1904163390028185602\"}");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().map().keySet()).noneMatch(name -> name.equalsIgnoreCase("token"));

        HttpResponse<String> unknown = post(webhookUrl() + "?token=" + SECRET, "{\"taskId\":\"1904163390028185602\"}");
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.body()).isEqualTo("UNKNOWN_TASK");
        assertThat(unknown.headers().map().keySet()).noneMatch(name -> name.equalsIgnoreCase("token"));

        assertThat(post(webhookUrl() + "?token=" + SECRET, "x".repeat(70_000)).statusCode()).isEqualTo(413);
        assertThat(post(webhookUrl() + "?token=" + SECRET, "[]").statusCode()).isEqualTo(400);
    }

    @Test
    void theWebhookPathIsAConsumerOnly() {
        assertThatThrownBy(() -> context.getEndpoint("comfykit:webhook").createProducer())
                .hasMessageContaining("from(\"comfykit:webhook\")");
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> context.getRoute("comfykit-webhook"
                + ComfyKitConfiguration.DEFAULT_WEBHOOK_PATH) != null);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
