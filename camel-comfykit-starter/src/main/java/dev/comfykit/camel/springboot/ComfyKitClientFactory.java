package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitClients;
import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.client.ComfyKit;

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

    /** The flattened properties as the component's configuration; unset (null) options keep the defaults. */
    private static ComfyKitConfiguration toConfiguration(ComfyKitComponentConfiguration p) {
        ComfyKitConfiguration c = new ComfyKitConfiguration();
        set(p.getComfyuiUrl(), c::setComfyuiUrl);
        set(p.getExecutorType(), c::setExecutorType);
        c.setApiKey(p.getApiKey());
        c.setCookieSecret(p.getCookieSecret());
        set(p.getRunninghubUrl(), c::setRunninghubUrl);
        c.setRunninghubApiKey(p.getRunninghubApiKey());
        set(p.getRunninghubTimeout(), d -> c.setRunninghubTimeout(d.toMillis()));
        set(p.getRunninghubRetryCount(), c::setRunninghubRetryCount);
        c.setRunninghubInstanceType(p.getRunninghubInstanceType());
        set(p.getRunninghubPollInterval(), d -> c.setRunninghubPollInterval(d.toMillis()));
        set(p.getRunninghubMaxConcurrency(), c::setRunninghubMaxConcurrency);
        set(p.getTimeout(), d -> c.setTimeout(d.toMillis()));
        set(p.getConnectTimeout(), d -> c.setConnectTimeout(d.toMillis()));
        set(p.getRequestTimeout(), d -> c.setRequestTimeout(d.toMillis()));
        set(p.getMaxUploadBytes(), c::setMaxUploadBytes);
        set(p.getAllowPrivateUrls(), c::setAllowPrivateUrls);
        return c;
    }

    /** Camel placeholders in text options, resolved as the component resolves them in its own copy. */
    private static void resolvePlaceholders(ComfyKitConfiguration c, UnaryOperator<String> resolve) {
        c.setComfyuiUrl(resolve.apply(c.getComfyuiUrl()));
        c.setApiKey(resolve.apply(c.getApiKey()));
        c.setCookieSecret(resolve.apply(c.getCookieSecret()));
        c.setRunninghubUrl(resolve.apply(c.getRunninghubUrl()));
        c.setRunninghubApiKey(resolve.apply(c.getRunninghubApiKey()));
        c.setRunninghubInstanceType(resolve.apply(c.getRunninghubInstanceType()));
    }

    private static <T> void set(T value, java.util.function.Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}
