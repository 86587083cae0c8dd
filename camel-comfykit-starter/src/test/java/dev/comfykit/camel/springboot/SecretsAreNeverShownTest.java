package dev.comfykit.camel.springboot;

import dev.comfykit.client.ComfyKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint.ConfigurationPropertiesBeanDescriptor;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The api keys and cookies never show: not in the log (DEBUG included), and not in the actuator's configprops and
 * env output, even for an application that asks the actuator to show values.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, properties = {
        "camel.component.comfykit.api-key=sk-literal-api-key-1",
        "camel.component.comfykit.cookie-secret=session=literal-cookie-2",
        "camel.component.comfykit.runninghub-api-key=rh-literal-key-3",
        "management.endpoints.web.exposure.include=configprops,env",
        "management.endpoint.configprops.show-values=always",
        "management.endpoint.env.show-values=always",
        "logging.level.dev.comfykit=DEBUG"
})
class SecretsAreNeverShownTest {

    private static final String[] SECRETS = {"sk-literal-api-key-1", "literal-cookie-2", "rh-literal-key-3"};

    @Autowired
    ConfigurationPropertiesReportEndpoint configprops;
    @Autowired
    EnvironmentEndpoint env;
    @Autowired
    ComfyKit comfyKit;

    @Test
    void configpropsMasksTheSecretsButShowsTheOtherValues() {
        ConfigurationPropertiesBeanDescriptor bean = configprops.configurationPropertiesWithPrefix(
                "camel.component.comfykit").getContexts().values().iterator().next().getBeans().values().iterator()
                .next();
        Map<String, Object> properties = bean.getProperties();

        assertThat(properties).containsEntry("apiKey", "******").containsEntry("cookieSecret", "******")
                .containsEntry("runninghubApiKey", "******")
                .as("values are shown, so the masking is the starter's").containsEntry("comfyuiUrl",
                        "http://127.0.0.1:8188");
        assertThat(String.valueOf(bean)).doesNotContain(SECRETS);
        assertThat(String.valueOf(bean.getInputs())).doesNotContain(SECRETS);
    }

    @Test
    void envMasksTheSecrets() {
        for (String name : new String[]{"api-key", "cookie-secret", "runninghub-api-key"}) {
            Object value = env.environmentEntry("camel.component.comfykit." + name).getProperty().getValue();
            assertThat(value).as(name).isEqualTo("******");
        }
    }

    @Test
    void theLogNeverContainsTheSecrets(CapturedOutput output) {
        assertThat(comfyKit.toString()).contains("apiKey=****").doesNotContain(SECRETS);
        assertThat(output.getAll()).as("startup, including Camel's security warning and DEBUG lines")
                .contains("SECURITY WARNING").doesNotContain(SECRETS);
    }
}
