package dev.comfykit.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The options that give an endpoint a client of its own are exactly those that make a client: every endpoint option
 * is changed in turn, and it must change the client's identity ({@link ComfyKitClients#connectionOptions}) if and only
 * if the component counts it as a connection option.
 */
class ConnectionOptionsTest {

    @Test
    void theConnectionOptionsAreExactlyTheOptionsThatMakeAClient() throws Exception {
        JsonNode properties;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/dev/comfykit/camel/comfykit.json")) {
            properties = new ObjectMapper().readTree(in).get("properties");
        }
        List<String> checked = new ArrayList<>();
        try (CamelContext context = new DefaultCamelContext()) {
            ComfyKitConfigurationConfigurer configurer = new ComfyKitConfigurationConfigurer();
            for (var it = properties.fields(); it.hasNext(); ) {
                var entry = it.next();
                String name = entry.getKey();
                JsonNode property = entry.getValue();
                String other = otherValue(property);
                if (!"parameter".equals(property.path("kind").asText()) || property.has("prefix")
                        || !property.has("configurationClass") || other == null) {
                    continue;
                }
                ComfyKitConfiguration base = new ComfyKitConfiguration();
                ComfyKitConfiguration changed = base.copy();
                assertThat(configurer.configure(context, changed, name, other, false)).as(name).isTrue();

                boolean makesAClient = !ComfyKitClients.connectionOptions(base)
                        .equals(ComfyKitClients.connectionOptions(changed));
                assertThat(ComfyKitClients.isClientOption(name)).as("%s is a connection option", name)
                        .isEqualTo(makesAClient);
                checked.add(name);
            }
        }
        assertThat(checked).contains("comfyuiUrl", "timeout", "allowPrivateUrls", "operation", "outputDirectory");
    }

    /** A value other than the default, as written on a URI; null for object options. */
    private static String otherValue(JsonNode property) {
        String defaultValue = property.path("defaultValue").asText("");
        if (property.has("enum")) {
            for (JsonNode value : property.get("enum")) {
                if (!value.asText().equals(defaultValue)) {
                    return value.asText();
                }
            }
        }
        return switch (property.path("type").asText()) {
            case "string" -> "http://other.example:1";
            case "integer" -> "17";
            case "duration" -> "17s";
            case "boolean" -> String.valueOf(!Boolean.parseBoolean(defaultValue));
            default -> null;
        };
    }
}
