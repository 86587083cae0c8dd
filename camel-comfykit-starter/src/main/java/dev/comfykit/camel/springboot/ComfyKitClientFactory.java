package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.client.ComfyKit;

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
        ComfyKit.Builder builder = properties.getConfiguration() != null
                ? fromComponentConfiguration(properties.getConfiguration(), placeholders)
                : fromProperties(properties, placeholders);
        // only the Spring properties configure the bean (they can use ${ENV} placeholders themselves): the
        // client's own fallback to COMFYUI_* environment variables would make it differ from the component
        return builder.environment(name -> null).classLoader(classLoader).build();
    }

    private static ComfyKit.Builder fromProperties(ComfyKitComponentConfiguration p, UnaryOperator<String> resolve) {
        ComfyKit.Builder builder = ComfyKit.builder()
                .comfyuiUrl(resolve.apply(p.getComfyuiUrl()))
                .executorType(p.getExecutorType())
                .apiKey(resolve.apply(p.getApiKey()))
                .cookies(resolve.apply(p.getCookieSecret()))
                .runninghubUrl(resolve.apply(p.getRunninghubUrl()))
                .runninghubApiKey(resolve.apply(p.getRunninghubApiKey()))
                .runninghubTimeout(p.getRunninghubTimeout())
                .runninghubInstanceType(resolve.apply(p.getRunninghubInstanceType()))
                .timeout(p.getTimeout())
                .connectTimeout(p.getConnectTimeout())
                .requestTimeout(p.getRequestTimeout());
        // boxed options: unset (null) keeps the client's default, which is the component's default too
        if (p.getRunninghubRetryCount() != null) {
            builder.runninghubRetryCount(p.getRunninghubRetryCount());
        }
        if (p.getMaxUploadBytes() != null) {
            builder.maxUploadBytes(p.getMaxUploadBytes());
        }
        return builder;
    }

    private static ComfyKit.Builder fromComponentConfiguration(ComfyKitConfiguration c,
                                                               UnaryOperator<String> resolve) {
        return ComfyKit.builder()
                .comfyuiUrl(resolve.apply(c.getComfyuiUrl()))
                .executorType(c.getExecutorType())
                .apiKey(resolve.apply(c.getApiKey()))
                .cookies(resolve.apply(c.getCookieSecret()))
                .runninghubUrl(resolve.apply(c.getRunninghubUrl()))
                .runninghubApiKey(resolve.apply(c.getRunninghubApiKey()))
                .runninghubTimeout(Duration.ofMillis(c.getRunninghubTimeout()))
                .runninghubRetryCount(c.getRunninghubRetryCount())
                .runninghubInstanceType(resolve.apply(c.getRunninghubInstanceType()))
                .timeout(Duration.ofMillis(c.getTimeout()))
                .connectTimeout(Duration.ofMillis(c.getConnectTimeout()))
                .requestTimeout(Duration.ofMillis(c.getRequestTimeout()))
                .maxUploadBytes(c.getMaxUploadBytes());
    }
}
