package dev.comfykit.camel.observe;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The comfykit dev console, called through the CamelContext's console registry as Camel's tools call it. */
class DevConsoleTest extends CamelTestSupport {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.setDevConsole(true);
        context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration().setComfyuiUrl(comfy.baseUrl());
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:t2i").to("comfykit:classpath:workflows/t2i.json?param.width=32&param.height=32"
                        + "&throwExceptionOnFailure=false");
            }
        };
    }

    private DevConsole console() {
        DevConsoleRegistry registry = DevConsoleRegistry.get(context);
        assertThat(registry).as("camel-console's registry").isNotNull();
        return registry.resolveById("comfykit");
    }

    @Test
    void theConsoleIsFoundByItsIdAndSpeaksTextAndJson() {
        DevConsole console = console();

        assertThat(console).isInstanceOf(ComfyKitDevConsole.class);
        assertThat(console.getDisplayName()).isEqualTo("ComfyKit");
        assertThat(console.supportMediaType(DevConsole.MediaType.TEXT)).isTrue();
        assertThat(console.supportMediaType(DevConsole.MediaType.JSON)).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void itShowsTheServersTheJobsInFlightAndTheLastErrors() {
        template.requestBody("direct:t2i", "a cat", ExecuteResult.class);
        comfy.faults().failNode("KSampler", "RuntimeError", "sampler exploded");
        ExecuteResult failed = template.requestBody("direct:t2i", "a dog", ExecuteResult.class);
        comfy.faults().clear();
        comfy.faults().stallExecution();
        CompletableFuture<Object> running = template.asyncRequestBody("direct:t2i", "a slow cat");
        DevConsole console = console();
        await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(console.call(DevConsole.MediaType.TEXT))
                .contains("Jobs in flight: 1"));

        String text = (String) console.call(DevConsole.MediaType.TEXT);
        assertThat(text).contains("Component: comfykit", "Server " + comfy.baseUrl(), ": UP, queue ",
                "any workflow (the only server)", "execute t2i on " + comfy.baseUrl(),
                "[" + failed.getPromptId() + "] EXECUTION:", "sampler exploded");

        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) console.call(DevConsole.MediaType.JSON);
        Map<?, ?> component = (Map<?, ?>) ((List<?>) json.get("components")).get(0);
        assertThat(component.get("name")).isEqualTo("comfykit");
        assertThat(component.get("jobsInFlight")).isEqualTo(1);
        Map<?, ?> server = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((List<?>) component.get("clients")).get(0))
                .get("servers")).get(0);
        assertThat(server.get("url")).isEqualTo(comfy.baseUrl());
        assertThat(server.get("state")).isEqualTo("UP");
        List<?> errors = (List<?>) component.get("recentErrors");
        assertThat(errors).hasSize(1);
        assertThat((Map<Object, Object>) errors.get(0)).containsEntry("kind", "EXECUTION")
                .containsEntry("promptId", failed.getPromptId()).containsEntry("workflow", "t2i");

        comfy.faults().releaseStall();
        running.join();
        Map<?, ?> none = (Map<?, ?>) console.call(DevConsole.MediaType.JSON, Map.of(ComfyKitDevConsole.ERRORS, 0));
        Map<?, ?> after = (Map<?, ?>) ((List<?>) none.get("components")).get(0);
        assertThat(after.get("jobsInFlight")).isEqualTo(0);
        assertThat((List<?>) after.get("recentErrors")).isEmpty();
    }

    @Test
    void theErrorsAreBounded() {
        comfy.faults().failNode("KSampler", "RuntimeError", "boom");
        for (int i = 0; i < ComfyKitActivity.RECENT_ERRORS + 3; i++) {
            template.requestBody("direct:t2i", "x" + i, ExecuteResult.class);
        }

        assertThat(context.getComponent("comfykit", ComfyKitComponent.class).getActivity().recentErrors())
                .hasSize(ComfyKitActivity.RECENT_ERRORS);
    }
}
