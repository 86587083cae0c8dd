package dev.comfykit.camel;

import dev.comfykit.client.ComfyKit;

import java.time.Duration;

/**
 * Builds {@link ComfyKit} clients from the component's options, the one mapping used by the component's endpoints
 * and by the Spring Boot starter's client bean.
 */
public final class ComfyKitClients {

    private ComfyKitClients() {
    }

    /**
     * A builder with the connection options of a configuration. Environment variables are not read: the
     * configuration is explicit (use placeholders such as {@code {{env:COMFYUI_BASE_URL}}} for the environment).
     */
    public static ComfyKit.Builder builder(ComfyKitConfiguration c) {
        return ComfyKit.builder()
                .environment(name -> null)
                .comfyuiUrl(c.getComfyuiUrl())
                .executorType(c.getExecutorType())
                .apiKey(c.getApiKey())
                .cookies(c.getCookieSecret())
                .runninghubUrl(c.getRunninghubUrl())
                .runninghubApiKey(c.getRunninghubApiKey())
                .runninghubTimeout(Duration.ofMillis(c.getRunninghubTimeout()))
                .runninghubRetryCount(c.getRunninghubRetryCount())
                .runninghubInstanceType(c.getRunninghubInstanceType())
                .runninghubPollInterval(Duration.ofMillis(c.getRunninghubPollInterval()))
                .runninghubMaxConcurrency(c.getRunninghubMaxConcurrency())
                .timeout(Duration.ofMillis(c.getTimeout()))
                .connectTimeout(Duration.ofMillis(c.getConnectTimeout()))
                .requestTimeout(Duration.ofMillis(c.getRequestTimeout()))
                .maxUploadBytes(c.getMaxUploadBytes());
    }
}
