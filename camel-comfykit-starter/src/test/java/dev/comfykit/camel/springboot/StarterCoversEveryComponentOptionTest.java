package dev.comfykit.camel.springboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard that keeps the starter from falling behind the component: every option in the component's generated
 * JSON ({@code componentProperties}) is a documented {@code camel.component.comfykit.*} property in the Spring
 * metadata generated from {@link ComfyKitComponentConfiguration}, with the same default, and every secret option
 * is masked in the actuator's output. A new component option fails this test until the starter has it.
 */
class StarterCoversEveryComponentOptionTest {

    private static final String PREFIX = "camel.component.comfykit.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode componentOptions;
    private static Map<String, JsonNode> springProperties;

    @BeforeAll
    static void readMetadata() throws IOException {
        componentOptions = read(resource("META-INF/dev/comfykit/camel/comfykit.json")).get("componentProperties");
        springProperties = new LinkedHashMap<>();
        for (JsonNode property : starterMetadata().get("properties")) {
            springProperties.put(property.get("name").asText(), property);
        }
    }

    @Test
    void everyComponentOptionIsADocumentedSpringProperty() {
        assertThat(componentOptions.size()).as("component options read").isGreaterThan(20);
        componentOptions.fieldNames().forEachRemaining(option -> {
            JsonNode property = springProperties.get(PREFIX + kebab(option));
            assertThat(property).as("Spring property for the component option '%s'", option).isNotNull();
            assertThat(property.path("description").asText()).as("description of %s", option).isNotBlank();
        });
    }

    @Test
    void everySpringPropertyHasTheComponentsDefault() {
        componentOptions.fields().forEachRemaining(entry -> {
            JsonNode property = springProperties.get(PREFIX + kebab(entry.getKey()));
            if (property == null) {
                return; // a missing property is reported by everyComponentOptionIsADocumentedSpringProperty
            }
            JsonNode componentDefault = entry.getValue().get("defaultValue");
            JsonNode springDefault = property.get("defaultValue");
            if (componentDefault == null) {
                assertThat(springDefault).as("default of %s (the component has none)", entry.getKey()).isNull();
            } else {
                assertThat(springDefault).as("default of %s", entry.getKey()).isNotNull();
                // enum defaults are written in lower case by the configuration processor; Spring binds any case
                assertThat(springDefault.asText()).as("default of %s", entry.getKey())
                        .isEqualToIgnoringCase(componentDefault.asText());
            }
        });
    }

    @Test
    void everySecretOptionIsMaskedInTheActuatorOutput() {
        Set<String> secrets = new TreeSet<>();
        componentOptions.fields().forEachRemaining(entry -> {
            if (entry.getValue().path("secret").asBoolean()) {
                secrets.add(entry.getKey().toLowerCase());
            }
        });

        assertThat(secrets).containsExactlyInAnyOrderElementsOf(ComfyKitSecretsSanitizingFunction.SECRET_OPTIONS);
        for (String secret : secrets) {
            assertThat(ComfyKitSecretsSanitizingFunction.isSecret(PREFIX + secret)).isTrue();
        }
    }

    @Test
    void theStarterHasNoPropertyTheComponentLacks() {
        Set<String> componentNames = new TreeSet<>();
        componentOptions.fieldNames().forEachRemaining(option -> componentNames.add(PREFIX + kebab(option)));
        // the starter's own switches, as in every Camel starter
        componentNames.addAll(Set.of(PREFIX + "enabled", PREFIX + "customizer.enabled"));

        assertThat(springProperties.keySet()).containsExactlyInAnyOrderElementsOf(componentNames);
    }

    /** {@code runninghubApiKey} → {@code runninghub-api-key}, as Spring Boot names bean properties. */
    private static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static URL resource(String name) {
        URL url = StarterCoversEveryComponentOptionTest.class.getClassLoader().getResource(name);
        assertThat(url).as(name + " on the classpath").isNotNull();
        return url;
    }

    /** This module's metadata: Boot and Camel jars carry a file of the same name, so pick ours by its group. */
    static JsonNode starterMetadata() throws IOException {
        for (URL url : Collections.list(StarterCoversEveryComponentOptionTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            JsonNode metadata = read(url);
            for (JsonNode group : metadata.path("groups")) {
                if (ComfyKitComponentConfiguration.class.getName().equals(group.path("sourceType").asText())) {
                    return metadata;
                }
            }
        }
        throw new AssertionError("No spring-configuration-metadata.json for " + ComfyKitComponentConfiguration.class);
    }

    private static JsonNode read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return JSON.readTree(in);
        }
    }
}
