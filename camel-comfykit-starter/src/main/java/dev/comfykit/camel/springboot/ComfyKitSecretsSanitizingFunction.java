package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitClients;
import dev.comfykit.client.ClientOption;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Masks the comfykit secrets ({@code api-key}, {@code cookie-secret}, {@code runninghub-api-key}) in the actuator's
 * {@code configprops} and {@code env} output even when an application shows values
 * ({@code management.endpoint.configprops.show-values=always}), which Spring Boot would otherwise print unmasked.
 */
class ComfyKitSecretsSanitizingFunction implements SanitizingFunction {

    /**
     * The secret options of the component (its JSON marks them {@code "secret": true}), lower case without dashes:
     * the client's secret options under their component names.
     */
    static final Set<String> SECRET_OPTIONS = ComfyKitClients.options().stream().filter(ClientOption::secret)
            .map(option -> option.componentName().orElseThrow().toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());

    private static final String PREFIX = "camel.component.comfykit.";

    @Override
    public SanitizableData apply(SanitizableData data) {
        return isSecret(data.getKey()) ? data.withSanitizedValue() : data;
    }

    /**
     * Whether a key names a comfykit secret, in any of the forms the endpoints use: the property name
     * ({@code camel.component.comfykit.api-key}) or a bean path ({@code ...comfykit.apiKey},
     * {@code ...comfykit.configuration.apiKey}).
     */
    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        if (!lower.startsWith(PREFIX)) {
            return false;
        }
        String option = lower.substring(lower.lastIndexOf('.') + 1).replace("-", "");
        return SECRET_OPTIONS.contains(option);
    }
}
