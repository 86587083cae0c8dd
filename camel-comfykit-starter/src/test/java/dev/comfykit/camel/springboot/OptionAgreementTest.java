package dev.comfykit.camel.springboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfykit.camel.ComfyKitClients;
import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.client.ClientOption;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ComfyKitConfig;
import dev.comfykit.client.ExecutorType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.BeanWrapperImpl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client, the component and the starter agree on every {@link ClientOption}: the component's generated
 * metadata ({@code comfykit.json}) has it as a component and an endpoint option of the same name, default and
 * secret flag; a fresh {@link ComfyKitConfiguration} and a fresh {@link ComfyKitComponentConfiguration} hold the
 * same default, as does the starter's Spring metadata; and {@link ComfyKitConfig} resolves the same default with an
 * empty environment. Options that only the client offers appear in neither the component nor the starter.
 */
class OptionAgreementTest {

    private static final String PREFIX = "camel.component.comfykit.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode componentJson;
    private static Map<String, JsonNode> springProperties;
    private static ComfyKitConfig clientDefaults;

    @BeforeAll
    static void readMetadata() throws IOException {
        URL url = OptionAgreementTest.class.getClassLoader().getResource("META-INF/dev/comfykit/camel/comfykit.json");
        assertThat(url).as("the component's generated metadata on the class path").isNotNull();
        componentJson = read(url);
        springProperties = new LinkedHashMap<>();
        for (JsonNode property : StarterCoversEveryComponentOptionTest.starterMetadata().get("properties")) {
            springProperties.put(property.get("name").asText(), property);
        }
        clientDefaults = ComfyKit.builder().environment(name -> null).resolve();
    }

    static List<ClientOption<?>> options() {
        return ClientOption.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void theComponentsMetadataHasTheOptionWithTheTablesDefaultAndSecretFlag(ClientOption<?> option) {
        if (option.componentName().isEmpty()) {
            assertThat(componentJson.get("componentProperties").has(option.name())).isFalse();
            assertThat(componentJson.get("properties").has(option.name())).isFalse();
            return;
        }
        String name = option.componentName().get();
        for (String section : List.of("componentProperties", "properties")) {
            JsonNode property = componentJson.get(section).get(name);
            assertThat(property).as("%s.%s in comfykit.json", section, name).isNotNull();
            assertThat(textOrNull(property.get("defaultValue"))).as("default of %s.%s", section, name)
                    .isEqualTo(option.defaultText());
            assertThat(property.path("secret").asBoolean()).as("secret flag of %s.%s", section, name)
                    .isEqualTo(option.secret());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void aFreshComponentConfigurationHoldsTheTablesDefault(ClientOption<?> option) {
        if (option.componentName().isPresent()) {
            assertThat((Object) ComfyKitClients.value(new ComfyKitConfiguration(), option)).as(option.name())
                    .isEqualTo(option.defaultValue());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void theStartersPropertyHasTheTablesDefault(ClientOption<?> option) {
        if (option.componentName().isEmpty()) {
            assertThat(springProperties).doesNotContainKey(PREFIX + kebab(option.name()));
            return;
        }
        String name = option.componentName().get();
        Object starterDefault = new BeanWrapperImpl(new ComfyKitComponentConfiguration()).getPropertyValue(name);
        assertThat(starterDefault).as("fresh ComfyKitComponentConfiguration.%s", name)
                .isEqualTo(option.defaultValue());

        JsonNode property = springProperties.get(PREFIX + kebab(name));
        assertThat(property).as("Spring property %s", PREFIX + kebab(name)).isNotNull();
        String metadataDefault = textOrNull(property.get("defaultValue"));
        if (option.defaultText() == null) {
            assertThat(metadataDefault).as("Spring metadata default of %s", name).isNull();
        } else {
            // the configuration processor writes enum constants in lower case; Spring binds any case
            assertThat(metadataDefault).as("Spring metadata default of %s", name).isNotNull();
            assertThat(option.parse(metadataDefault)).as("Spring metadata default of %s", name)
                    .isEqualTo(option.defaultValue());
        }
        assertThat(ComfyKitSecretsSanitizingFunction.isSecret(PREFIX + kebab(name))).as("%s masked", name)
                .isEqualTo(option.secret());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void theClientResolvesTheTablesDefaultWithAnEmptyEnvironment(ClientOption<?> option) {
        Object expected = option.fallback().<Object>map(clientDefaults::get).orElse(option.defaultValue());
        assertThat((Object) clientDefaults.get(option)).as(option.name()).isEqualTo(expected);
        if (option.defaultValue() instanceof Duration duration) {
            assertThat(duration).as("a default the component can hold in milliseconds").isPositive();
        }
    }

    /** The generic mapping carries a value that is not the default from a starter property to the client. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void aStarterPropertyReachesTheClient(ClientOption<?> option) {
        if (option.componentName().isEmpty()) {
            return;
        }
        Object sample = sampleOtherThanDefault(option);
        ComfyKitComponentConfiguration properties = new ComfyKitComponentConfiguration();
        new BeanWrapperImpl(properties).setPropertyValue(option.componentName().get(), sample);
        if (option == ClientOption.WEBHOOK_URL) {
            // a webhook URL needs its secret
            properties.setWebhookSecret("sample-webhook-secret");
        }

        ComfyKitConfig config = ComfyKitClients.builder(ComfyKitClientFactory.toConfiguration(properties)).resolve();

        assertThat((Object) config.get(option)).as(option.name()).isEqualTo(sample);
    }

    private static Object sampleOtherThanDefault(ClientOption<?> option) {
        Object value = option.defaultValue();
        if (option.type() == Duration.class) {
            return ((Duration) value).plusSeconds(1);
        } else if (option.type() == Integer.class) {
            return (Integer) value + 1;
        } else if (option.type() == Long.class) {
            return (Long) value + 1;
        } else if (option.type() == Boolean.class) {
            return !(Boolean) value;
        } else if (option.type() == ExecutorType.class) {
            return value == ExecutorType.HTTP ? ExecutorType.WEBSOCKET : ExecutorType.HTTP;
        } else if (option == ClientOption.RUNNINGHUB_URL) {
            return "https://www.runninghub.cn";
        } else if (option == ClientOption.COMFYUI_URL) {
            return "http://comfy.example:8189/prefix";
        } else if (option == ClientOption.SERVERS) {
            return "gpu1=http://gpu1.example:8188;maxInFlight=2,http://gpu2.example:8188";
        } else if (option == ClientOption.DISPATCH) {
            return "round-robin";
        } else if (option == ClientOption.WEBHOOK_URL) {
            return "https://hooks.example/comfykit/webhook";
        } else if (option == ClientOption.PRIORITY) {
            return "front";
        } else if (option == ClientOption.RUNNINGHUB_API_VERSION) {
            return "v1";
        } else if (option.type() == String.class) {
            return "sample-" + option.name();
        }
        throw new AssertionError("no sample value for " + option + " of " + option.type());
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    /** {@code runninghubApiKey} → {@code runninghub-api-key}, as Spring Boot names bean properties. */
    private static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static JsonNode read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return JSON.readTree(in);
        }
    }
}
