package dev.comfykit.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.json.Json;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The component docs state facts the build knows: the version the component first appeared in (the endpoint's
 * firstVersion, not a Camel version), defaults written as in a URI or properties file (true / false), and a
 * camel run (camel-jbang) line with the component's real coordinates.
 */
class DocumentationHeaderTest {

    private static String doc() throws Exception {
        return Files.readString(Path.of("src/main/docs/comfykit-component.adoc"), StandardCharsets.UTF_8);
    }

    private static JsonNode component() throws Exception {
        try (InputStream in = DocumentationHeaderTest.class.getResourceAsStream("/META-INF/dev/comfykit/camel/comfykit.json")) {
            return Json.mapper().readTree(in).get("component");
        }
    }

    @Test
    void sinceIsTheComponentsFirstVersion() throws Exception {
        assertThat(doc()).contains(":since: " + component().get("firstVersion").asText() + "\n")
                .contains("*Since camel-comfykit {since}*").doesNotContain("Since Camel {since}");
    }

    @Test
    void booleanDefaultsAreLowerCase() throws Exception {
        assertThat(doc()).doesNotContain("| True |", "| False |");
    }

    @Test
    void theCamelRunLineNamesTheComponentsCoordinates() throws Exception {
        JsonNode component = component();
        assertThat(doc()).contains("camel run ").contains("--dep " + component.get("groupId").asText() + ":"
                + component.get("artifactId").asText() + ":" + component.get("version").asText());
    }
}
