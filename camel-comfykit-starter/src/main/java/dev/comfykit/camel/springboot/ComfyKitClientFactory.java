package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitClients;
import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.client.ClientOption;
import dev.comfykit.client.ComfyKit;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Builds the {@link ComfyKit} bean from the same options the component gets, so that a service calling the bean
 * and a route calling {@code comfykit:} talk to the same server with the same credentials.
 */
final class ComfyKitClientFactory {

    private ComfyKitClientFactory() {
    }

    /**
     * The client for the {@code camel.component.comfykit.*} properties.
     *
     * @param placeholders resolves Camel placeholders such as {@code {{env:COMFYUI_API_KEY}}} in text options, as
     *                     the component does when it receives the same values
     * @param classLoader  where {@code classpath:} workflows are looked up (the application's, as for the component)
     */
    static ComfyKit create(ComfyKitComponentConfiguration properties, UnaryOperator<String> placeholders,
                           ClassLoader classLoader) {
        ComfyKitConfiguration options = properties.getConfiguration() != null
                ? properties.getConfiguration().copy() : toConfiguration(properties);
        resolvePlaceholders(options, placeholders);
        // the same mapping as the component's endpoints; environment variables are not read there either
        return ComfyKitClients.builder(options).classLoader(classLoader).build();
    }

    /**
     * The flattened properties as the component's configuration; unset (null) options keep the defaults. Generic
     * over the client's option table: the starter's property and the component's option share the option's
     * component name; durations become Camel's milliseconds.
     */
    static ComfyKitConfiguration toConfiguration(ComfyKitComponentConfiguration p) {
        ComfyKitConfiguration c = new ComfyKitConfiguration();
        BeanWrapper from = new BeanWrapperImpl(p);
        BeanWrapper to = new BeanWrapperImpl(c);
        for (ClientOption<?> option : ComfyKitClients.options()) {
            String name = option.componentName().orElseThrow();
            Object value = from.getPropertyValue(name);
            if (value != null) {
                to.setPropertyValue(name, value instanceof Duration duration ? duration.toMillis() : value);
            }
        }
        // an object, not in the option table: the ComfyKit bean records its jobs in the same store as the routes
        c.setJobStore(p.getJobStore());
        return c;
    }

    /** Camel placeholders in text options, resolved as the component resolves them in its own copy. */
    private static void resolvePlaceholders(ComfyKitConfiguration c, UnaryOperator<String> resolve) {
        BeanWrapper options = new BeanWrapperImpl(c);
        for (ClientOption<?> option : ComfyKitClients.options()) {
            if (option.type() == String.class) {
                String name = option.componentName().orElseThrow();
                options.setPropertyValue(name, resolve.apply((String) options.getPropertyValue(name)));
            }
        }
    }
}
