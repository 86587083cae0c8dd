package dev.comfykit.camel;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.direct.DirectComponent;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comfykit-action Kamelet, shipped in the jar under kamelets/, loads as Camel's YAML DSL loads Kamelets, runs a
 * workflow as a step of a route with only its required property and the server set, and follows the Kamelet
 * catalog's conventions.
 */
class KameletTest extends EmulatorCamelTestSupport {

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
            public void configure() throws Exception {
                // The Kamelet as Camel reads it: the YAML DSL's Kamelet loader turns the file into a route
                // template whose parameters are the Kamelet's properties (with their defaults and required ones).
                // camel-kamelet (which would resolve kamelet:comfykit-action by itself) is not available to this
                // build, so the template is instantiated directly and kamelet:source is stood in for by direct:.
                getContext().addComponent("kamelet", new DirectComponent());
                PluginHelper.getRoutesLoader(getContext()).loadRoutes(ResourceHelper.resolveMandatoryResource(
                        getContext(), "classpath:kamelets/comfykit-action.kamelet.yaml"));
                TemplatedRouteBuilder.builder(getContext(), "comfykit-action")
                        .routeId("comfykit-action-1")
                        .parameter("workflow", "classpath:workflows/t2i.json")
                        .parameter("comfyuiUrl", comfy.baseUrl())
                        .parameter("headerParams", "seed")
                        .add();
                from("direct:kamelet").to("kamelet:source");
            }
        };
    }

    @Test
    void theKameletRunsTheWorkflowWithTheMessageAsInput() {
        ExecuteResult result = template.requestBodyAndHeader("direct:kamelet", "a kamelet fox", "seed", 7,
                ExecuteResult.class);

        assertThat(result.getStatus()).isEqualTo("completed");
        assertThat(result.getImages()).hasSize(1);
        assertThat(comfy.emulator().lastPromptBody()).contains("a kamelet fox", "\"seed\":7");
    }

    @Test
    void theKameletFollowsTheCatalogConventions() throws Exception {
        JsonNode kamelet;
        try (InputStream in = getClass().getResourceAsStream("/kamelets/comfykit-action.kamelet.yaml")) {
            kamelet = new ObjectMapper().valueToTree(new Load(LoadSettings.builder().build()).loadFromInputStream(in));
        }

        assertThat(kamelet.path("apiVersion").asText()).isEqualTo("camel.apache.org/v1");
        assertThat(kamelet.path("kind").asText()).isEqualTo("Kamelet");
        assertThat(kamelet.path("metadata").path("name").asText()).isEqualTo("comfykit-action");
        assertThat(kamelet.path("metadata").path("labels").path("camel.apache.org/kamelet.type").asText())
                .isEqualTo("action");
        assertThat(kamelet.path("spec").path("template").path("from").path("uri").asText())
                .isEqualTo("kamelet:source");
        List<String> dependencies = new ArrayList<>();
        kamelet.path("spec").path("dependencies").forEach(d -> dependencies.add(d.asText()));
        assertThat(dependencies).contains("camel:kamelet").anySatisfy(d -> assertThat(d)
                .startsWith("mvn:dev.comfykit:camel-comfykit:").doesNotContain("@"));
        assertThat(kamelet.path("spec").path("definition").path("required").get(0).asText()).isEqualTo("workflow");
        kamelet.path("spec").path("definition").path("properties").forEach(property ->
                assertThat(property.path("description").asText()).as("%s", property).isNotBlank());
    }
}
