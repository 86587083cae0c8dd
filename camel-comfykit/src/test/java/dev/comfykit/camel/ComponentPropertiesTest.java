package dev.comfykit.camel;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar ships META-INF/services/org/apache/camel/component.properties like every Camel component, so catalog
 * tooling (camel-jbang, the Camel catalog) finds the comfykit component and its Maven coordinates.
 */
class ComponentPropertiesTest {

    @Test
    void componentPropertiesNameTheComponentAndItsCoordinates() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/services/org/apache/camel/component.properties")) {
            assertThat(in).as("component.properties on the class path").isNotNull();
            properties.load(in);
        }

        assertThat(properties.getProperty("components")).isEqualTo("comfykit");
        assertThat(properties.getProperty("groupId")).isEqualTo("dev.comfykit");
        assertThat(properties.getProperty("artifactId")).isEqualTo("camel-comfykit");
        assertThat(properties.getProperty("version")).isNotBlank().doesNotContain("${");
    }

    @Test
    void theComponentItNamesResolves() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/services/org/apache/camel/component/comfykit")) {
            Properties properties = new Properties();
            properties.load(in);
            assertThat(properties.getProperty("class")).isEqualTo(ComfyKitComponent.class.getName());
        }
    }
}
