package dev.comfykit.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.json.Json;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The component documentation lists every option and header of the generated metadata, and every operation, so the
 * documentation cannot fall behind the code.
 */
class DocumentationTest {

    @Test
    void everyOptionHeaderAndOperationIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("src/main/docs/comfykit-component.adoc"), StandardCharsets.UTF_8);
        JsonNode model;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/dev/comfykit/camel/comfykit.json")) {
            model = Json.mapper().readTree(in);
        }
        List<String> names = new ArrayList<>();
        model.get("componentProperties").fieldNames().forEachRemaining(names::add);
        model.get("properties").fieldNames().forEachRemaining(names::add);
        model.get("headers").fieldNames().forEachRemaining(names::add);

        assertThat(names).isNotEmpty().allSatisfy(name -> assertThat(doc).contains("*" + name + "*"));
        for (ComfyKitOperation operation : ComfyKitOperation.values()) {
            assertThat(doc).contains("| `" + operation.name() + "`");
        }
        for (JsonNode property : model.get("properties")) {
            assertThat(doc).as("description of %s", property).contains(property.path("description").asText());
        }
    }
}
